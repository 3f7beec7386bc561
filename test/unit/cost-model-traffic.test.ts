import fc from 'fast-check';
import {
  callsPerSecond,
  type RouteTemplate,
  type SimulatedCall,
  simulateCalls,
  trafficModel,
  zipfSampler,
} from '../../bench/cost-model/traffic';
import { seededRandom } from '../support/seeded-random';

const routes = {
  team: [
    { method: 'GET', path: '/v1/contacts' },
    { method: 'GET', path: '/v1/contacts/{id}' },
    { method: 'POST', path: '/v1/contacts' },
  ] satisfies RouteTemplate[],
  platform: [{ method: 'GET', path: '/v1/whoami' }] satisfies RouteTemplate[],
};
const START = Date.UTC(2026, 10, 2);
const MINUTE = 60_000;

const callsOf = (overrides: Parameters<typeof trafficModel>[0], minutes: number): SimulatedCall[] => [
  ...simulateCalls(trafficModel(overrides), routes, START, minutes * MINUTE),
];

describe('trafficModel', () => {
  it('defaults to 10,000 keys in 1,000 organizations at 100M calls a month (about 38.6 calls/s)', () => {
    const model = trafficModel();

    expect(model).toMatchObject({ keys: 10_000, organizations: 1_000, monthlyCalls: 100_000_000, zipfExponent: 1 });
    expect(callsPerSecond(model)).toBeCloseTo(38.58, 2);
  });

  it('keeps at least one organization for a handful of keys', () => {
    expect(trafficModel({ keys: 5 }).organizations).toBe(1);
  });
});

/** How often each of `keys` indices came up in `draws` draws. */
function drawCounts(draw: () => number, keys: number, draws: number): number[] {
  const counts = new Array<number>(keys).fill(0);
  for (let index = 0; index < draws; index++) {
    const key = draw();
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

describe('zipfSampler', () => {
  it('draws the k-th key about 1/k as often as the first (s = 1)', () => {
    const counts = drawCounts(zipfSampler(100, 1, seededRandom(1)), 100, 200_000);

    const [first = 0, second = 0, , fourth = 0] = counts;
    expect(second / first).toBeGreaterThan(0.45);
    expect(second / first).toBeLessThan(0.55);
    expect(fourth / first).toBeGreaterThan(0.2);
    expect(fourth / first).toBeLessThan(0.3);
  });

  it('spreads calls evenly with s = 0', () => {
    const counts = drawCounts(zipfSampler(10, 0, seededRandom(2)), 10, 50_000);

    for (const count of counts) expect(count / 50_000).toBeCloseTo(0.1, 1);
  });

  it('only draws indices of existing keys', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 500 }),
        fc.double({ min: 0, max: 3, noNaN: true }),
        fc.nat(),
        (count, s, seed) => {
          const draw = zipfSampler(count, s, seededRandom(seed));
          for (let index = 0; index < 50; index++) {
            const key = draw();
            expect(Number.isInteger(key) && key >= 0 && key < count).toBe(true);
          }
        },
      ),
    );
  });
});

describe('simulateCalls', () => {
  it('repeats exactly for the same seed and differs for another', () => {
    const first = callsOf({ keys: 1000 }, 2);
    const again = callsOf({ keys: 1000 }, 2);
    const other = callsOf({ keys: 1000, seed: 14 }, 2);

    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
  });

  it('arrives at the model rate, in time order, within the span', () => {
    const calls = callsOf({ keys: 1000 }, 10);

    expect(calls.length / 600).toBeGreaterThan(37);
    expect(calls.length / 600).toBeLessThan(40.2);
    const outOfOrder = calls.filter(
      (call, index) => call.time < (index === 0 ? START : (calls[index - 1] as SimulatedCall).time),
    );
    expect(outOfOrder).toEqual([]);
    expect(calls.at(-1)?.time).toBeLessThan(START + 10 * MINUTE);
  });

  it('gives each key one organization and one environment, and mostly 2xx answers', () => {
    const model = trafficModel({ keys: 200 });
    const calls = callsOf({ keys: 200 }, 10);
    const known = calls.filter((call) => call.key >= 0);
    const profiles = new Map<number, Set<string>>();
    for (const call of known) {
      const seen = profiles.get(call.key) ?? new Set<string>();
      profiles.set(call.key, seen.add(`${call.organization} ${call.environment}`));
    }
    expect([...profiles.values()].filter((seen) => seen.size !== 1)).toEqual([]);
    expect(Math.max(...known.map((call) => call.organization))).toBeLessThan(model.organizations);
    const share = (test: (call: SimulatedCall) => boolean) => calls.filter(test).length / calls.length;

    expect(share((call) => call.status < 300)).toBeGreaterThan(0.94);
    expect(share((call) => call.status === 429)).toBeGreaterThan(0.003);
    expect(share((call) => call.status === 401)).toBe(share((call) => call.key < 0));
    expect(share((call) => call.environment === 'sandbox')).toBeLessThan(0.2);
    expect(share((call) => call.resourcePath === '/v1/whoami')).toBeLessThan(0.1);
  });

  it('fills path parameters and keeps the route template as the resource path', () => {
    const call = callsOf({ keys: 10 }, 5).find((each) => each.resourcePath === '/v1/contacts/{id}');

    expect(call?.path).toMatch(/^\/v1\/contacts\/id_[0-9a-z]+$/);
  });

  it('gives the busiest key far more calls than the median key at 10,000 keys', () => {
    const calls = callsOf({ keys: 10_000 }, 10);
    const perKey = new Map<number, number>();
    for (const call of calls) if (call.key >= 0) perKey.set(call.key, (perKey.get(call.key) ?? 0) + 1);

    // s = 1 over 10,000 keys: the first key takes 1/H(10,000) ≈ 10% of the calls.
    expect((perKey.get(0) ?? 0) / calls.length).toBeGreaterThan(0.08);
    expect((perKey.get(0) ?? 0) / calls.length).toBeLessThan(0.12);
    expect(perKey.size).toBeGreaterThan(2_000);
  });
});
