/** Anomalies flagged at ingest from each key's own items; the organization's day holds no per-key count. */
import { USAGE_ANOMALY } from '../../functions/definition/usage';
import { watchAnomalies } from '../../functions/domain/usage/anomaly-watch';
import { aggregate } from '../../functions/domain/usage/counters';
import { DAY_MS } from '../../functions/domain/usage/days';
import { aCall, MemoryUsageStore } from '../support/usage-memory';

const T = Date.parse('2026-03-04T12:00:00.000Z');
const KEY = 'key_AAAAAAAAAAAAAAAA';
const live = new Map([[KEY, 'live' as const]]);

async function addCalls(usage: MemoryUsageStore, count: number, time: number) {
  return usage.add(aggregate(Array.from({ length: count }, () => aCall({ time }))));
}

describe('watchAnomalies', () => {
  it('works out the 7-day average once per key and day, then compares each batch against it', async () => {
    const usage = new MemoryUsageStore();
    for (let day = 1; day <= 7; day++) await addCalls(usage, 20, T - day * DAY_MS);
    const days = jest.spyOn(usage, 'days');

    await watchAnomalies(usage, await addCalls(usage, 99, T), live);
    expect(days).not.toHaveBeenCalled(); // below the minimum volume: nothing to check

    await watchAnomalies(usage, await addCalls(usage, 1, T), live); // 100 = 5 × 20: not above
    await watchAnomalies(usage, await addCalls(usage, 1, T), live); // 101
    expect(days).toHaveBeenCalledTimes(1);
    expect(await usage.anomalies({ organizationId: 'org_1', environment: 'live', day: '2026-03-04' })).toEqual([
      { keyId: KEY, day: '2026-03-04', requests: 101, sevenDayAverage: 20, factor: 5.05 },
    ]);
  });

  it('raises the flagged count as the day goes on', async () => {
    const usage = new MemoryUsageStore();
    await watchAnomalies(usage, await addCalls(usage, USAGE_ANOMALY.minimumRequests, T), live);
    await watchAnomalies(usage, await addCalls(usage, 50, T), live);
    const [anomaly] = await usage.anomalies({ organizationId: 'org_1', environment: 'live', day: '2026-03-04' });
    expect(anomaly).toMatchObject({ requests: USAGE_ANOMALY.minimumRequests + 50, sevenDayAverage: 0, factor: null });
  });

  it('flags under the environment of the calls, never the other one', async () => {
    const usage = new MemoryUsageStore();
    await watchAnomalies(usage, await addCalls(usage, 150, T), new Map([[KEY, 'test' as const]]));
    expect(await usage.anomalies({ organizationId: 'org_1', environment: 'live', day: '2026-03-04' })).toEqual([]);
    expect(await usage.anomalies({ organizationId: 'org_1', environment: 'test', day: '2026-03-04' })).toHaveLength(1);
  });
});

describe("the organization's day item", () => {
  it('has as many counters for 20,000 keys as for one: it does not grow with the number of keys', () => {
    const countersFor = (keys: number) => {
      const calls = Array.from({ length: keys }, (_, index) =>
        aCall({ keyId: `key_${String(index).padStart(16, '0')}`, status: index % 2 ? 200 : 429 }),
      );
      const organization = aggregate(calls).find((update) => update.scope.kind === 'organization');
      return Object.keys(organization?.counters ?? {}).length;
    };
    expect(countersFor(20_000)).toBe(countersFor(2));
  });
});
