import { inParallel } from '../../functions/domain/in-parallel';

describe('inParallel', () => {
  it('runs at most `limit` tasks at once', async () => {
    let running = 0;
    let most = 0;
    const task = async () => {
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setImmediate(resolve));
      running--;
    };

    await inParallel(
      Array.from({ length: 20 }, () => task),
      3,
    );

    expect(most).toBe(3);
  });

  it('starts no task after a failure, and fails with it once those in flight settle', async () => {
    const started: number[] = [];
    const tasks = Array.from({ length: 10 }, (_, index) => async () => {
      started.push(index);
      if (index === 2) throw new Error('throttled');
      await new Promise((resolve) => setImmediate(resolve));
    });

    await expect(inParallel(tasks, 2)).rejects.toThrow('throttled');
    expect(started).toEqual([0, 1, 2]);
  });
});
