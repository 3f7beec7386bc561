import { intervalMsPerRecipient, pacedEmailSender } from '../../functions/domain/reminders/send-pacing';
import { aManualClock } from '../support/unit-factories';

function aPacedSender(intervalMs: number) {
  const time = aManualClock();
  const sentAt: number[] = [];
  const sleeps: number[] = [];
  const sender = pacedEmailSender(
    {
      send: async () => {
        sentAt.push(time.now());
      },
    },
    {
      intervalMsPerRecipient: intervalMs,
      now: time.now,
      sleep: async (ms) => {
        sleeps.push(ms);
        time.advance(ms);
      },
    },
  );
  return { sender, sentAt, sleeps, time };
}

const anEmail = (recipients: number) => ({
  to: Array.from({ length: recipients }, (_, index) => `owner${index}@example.com`),
  subject: 'Rotate your key',
  html: '<p>Rotate</p>',
  text: 'Rotate',
});

describe('pacedEmailSender', () => {
  it('sends the first email at once', async () => {
    const { sender, sleeps } = aPacedSender(2_000);
    await sender.send(anEmail(1) as never);
    expect(sleeps).toEqual([]);
  });

  it('spaces sends by the interval per recipient of the previous email', async () => {
    const { sender, sentAt } = aPacedSender(1_000);
    await sender.send(anEmail(3) as never);
    await sender.send(anEmail(1) as never);
    await sender.send(anEmail(2) as never);
    const start = sentAt[0] as number;
    expect(sentAt.map((at) => at - start)).toEqual([0, 3_000, 4_000]);
  });

  it('does not wait when the time has passed already', async () => {
    const { sender, sleeps, time } = aPacedSender(1_000);
    await sender.send(anEmail(1) as never);
    time.advance(5_000);
    await sender.send(anEmail(1) as never);
    expect(sleeps).toEqual([]);
  });
});

describe('intervalMsPerRecipient', () => {
  it('gives each of the instances an equal share of the send rate', () => {
    // SES sandbox (1 a second), 2 workers: each sends one recipient every 2 s.
    expect(intervalMsPerRecipient(1, 2)).toBe(2_000);
    // A production quota of 14 a second: 143 ms each, 7 a second per worker.
    expect(intervalMsPerRecipient(14, 2)).toBe(143);
  });
});
