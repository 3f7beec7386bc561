import fc from 'fast-check';
import { LastUsedRecorder } from '../../functions/runtime/last-used';
import { aManualClock, NOW } from '../support/unit-factories';

function aRecorder(intervalMs = 60_000) {
  const time = aManualClock(NOW);
  const write = jest.fn(async (_keyId: string, _at: string) => {});
  const recorder = new LastUsedRecorder(write, time.clock, intervalMs);
  return { recorder, write, time };
}

describe('LastUsedRecorder', () => {
  it('writes nothing before the interval has passed', async () => {
    const { recorder, write, time } = aRecorder();

    recorder.note('key_a');
    time.advance(59_999);
    await recorder.flushIfDue();

    expect(write).not.toHaveBeenCalled();
  });

  it('writes once per key with the latest time once the interval has passed', async () => {
    const { recorder, write, time } = aRecorder();

    recorder.note('key_a');
    time.advance(10_000);
    recorder.note('key_b');
    time.advance(20_000);
    recorder.note('key_a');
    time.advance(30_000);
    await recorder.flushIfDue();

    expect(write).toHaveBeenCalledTimes(2);
    expect(write).toHaveBeenCalledWith('key_a', new Date(NOW.getTime() + 30_000).toISOString());
    expect(write).toHaveBeenCalledWith('key_b', new Date(NOW.getTime() + 10_000).toISOString());
  });

  it('clears what it flushed', async () => {
    const { recorder, write } = aRecorder();
    recorder.note('key_a');

    await recorder.flush();
    await recorder.flush();

    expect(write).toHaveBeenCalledTimes(1);
  });

  it('restarts the interval at each flush', async () => {
    const { recorder, write, time } = aRecorder();
    time.advance(60_000);
    await recorder.flushIfDue();

    recorder.note('key_a');
    time.advance(59_999);
    await recorder.flushIfDue();
    expect(write).not.toHaveBeenCalled();

    time.advance(1);
    await recorder.flushIfDue();
    expect(write).toHaveBeenCalledWith('key_a', new Date(NOW.getTime() + 60_000).toISOString());
  });

  it('writes nothing when nothing was noted', async () => {
    const { recorder, write, time } = aRecorder();

    time.advance(120_000);
    await recorder.flushIfDue();

    expect(write).not.toHaveBeenCalled();
  });

  it('writes each noted key exactly once with the time of its last note (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom('key_a', 'key_b', 'key_c', 'key_d'), fc.nat({ max: 5_000 })), {
          maxLength: 30,
        }),
        async (calls) => {
          const { recorder, write, time } = aRecorder(60_000);
          const expected = new Map<string, string>();

          for (const [keyId, wait] of calls) {
            time.advance(wait);
            recorder.note(keyId);
            expected.set(keyId, new Date(time.now()).toISOString());
            if (time.now() - NOW.getTime() < 60_000) await recorder.flushIfDue();
          }
          time.set(new Date(Math.max(time.now(), NOW.getTime() + 60_000)));
          await recorder.flushIfDue();

          expect(new Map(write.mock.calls)).toEqual(expected);
          expect(write).toHaveBeenCalledTimes(expected.size);
        },
      ),
    );
  });
});
