import { ttlCache } from '../../functions/runtime/ttl-cache';
import { aManualClock } from '../support/unit-factories';

describe('ttlCache', () => {
  it('serves repeated lookups within the TTL from memory and loads again after it', async () => {
    const time = aManualClock();
    const load = jest.fn(async (key: string) => `${key}@${time.now()}`);
    const cached = ttlCache(load, 1_000, time.now);

    const first = await cached('org_1');
    time.advance(999);
    expect(await cached('org_1')).toBe(first);
    expect(load).toHaveBeenCalledTimes(1);

    time.advance(1);
    expect(await cached('org_1')).not.toBe(first);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('shares one load between concurrent callers', async () => {
    const load = jest.fn(async (key: string) => key.toUpperCase());
    const cached = ttlCache(load, 1_000, aManualClock().now);

    const results = await Promise.all([cached('a'), cached('a'), cached('a')]);

    expect(results).toEqual(['A', 'A', 'A']);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('keeps keys apart', async () => {
    const load = jest.fn(async (key: string) => key.toUpperCase());
    const cached = ttlCache(load, 1_000, aManualClock().now);

    expect(await cached('a')).toBe('A');
    expect(await cached('b')).toBe('B');
    expect(load.mock.calls).toEqual([['a'], ['b']]);
  });

  it('does not keep a failed load', async () => {
    const load = jest.fn<Promise<string>, [string]>();
    load.mockRejectedValueOnce(new Error('throttled')).mockResolvedValueOnce('ok');
    const cached = ttlCache(load, 1_000, aManualClock().now);

    await expect(cached('a')).rejects.toThrow('throttled');
    expect(await cached('a')).toBe('ok');
    expect(load).toHaveBeenCalledTimes(2);
  });
});
