/**
 * The usage window: whatever way the access log is cut into objects, the windows add up to the
 * counters of the calls themselves, per key, organization and stage.
 */
import fc from 'fast-check';
import { USAGE_RECENT_SHARDS } from '../../functions/definition/usage';
import type { AccessCall } from '../../functions/domain/usage/access-call';
import { aggregate } from '../../functions/domain/usage/counters';
import { sumHour } from '../../functions/domain/usage/rollup';
import type { CounterUpdate, UsageWindow } from '../../functions/domain/usage/usage-model';
import { buildUsageWindow, usageShardOf, windowIdOf, windowShards } from '../../functions/domain/usage/window';
import { START, someCalls } from '../support/usage-arbitraries';
import { aCall } from '../support/usage-memory';

/** Counters by item (scope), summed. */
function totals(updates: readonly CounterUpdate[]): Record<string, Record<string, number>> {
  const sums: Record<string, Record<string, number>> = {};
  for (const { scope, counters } of updates) {
    const id = JSON.stringify(scope);
    const item = sums[id] ?? {};
    sums[id] = item;
    for (const [name, count] of Object.entries(counters)) item[name] = (item[name] ?? 0) + count;
  }
  return sums;
}

/** What the windows add to the day items: the rollup's sums, and the stages' counters. */
function windowTotals(windows: readonly UsageWindow[]) {
  const { updates } = sumHour(windows.flatMap((window) => window.organizations));
  const stages = windows.flatMap((window) =>
    window.stages.map(({ stage, day, counters }) => ({ scope: { kind: 'stage' as const, stage, day }, counters })),
  );
  return totals([...updates, ...stages]);
}

/** Cuts the calls into consecutive pieces at the given points. */
function split(calls: readonly AccessCall[], cuts: readonly number[]): AccessCall[][] {
  const points = [...new Set(cuts.map((cut) => cut % (calls.length + 1)))].sort((a, b) => a - b);
  const pieces: AccessCall[][] = [];
  let from = 0;
  for (const point of [...points, calls.length]) {
    pieces.push(calls.slice(from, point));
    from = point;
  }
  return pieces;
}

describe('buildUsageWindow', () => {
  it('adds up, over windows, to the counters of the calls, however they are split', () => {
    fc.assert(
      fc.property(someCalls, fc.array(fc.nat(), { maxLength: 6 }), (calls, cuts) => {
        const windows = split(calls, cuts).map((piece, index) =>
          buildUsageWindow({ id: `w${index}`, createdAt: START, calls: piece }),
        );

        expect(windowTotals(windows)).toEqual(totals(aggregate(calls)));
      }),
    );
  });

  it("keeps each key's latest call, 403s and 429s included, and none of the unattributed calls", () => {
    const window = buildUsageWindow({
      id: 'w',
      createdAt: START,
      calls: [
        aCall({ time: START + 5, status: 200 }),
        aCall({ time: START + 9, status: 429 }),
        aCall({ time: START + 7, status: 403 }),
        aCall({ time: START + 20, keyId: '', organizationId: '', status: 401 }),
      ],
    });

    expect(window.organizations).toHaveLength(1);
    expect(window.organizations[0]?.keys.key_AAAAAAAAAAAAAAAA?.lastUsed).toBe(START + 9);
    expect(window.stages).toEqual([{ stage: 'live', day: '2026-03-01', counters: { 'n|GET /v1/contacts|401': 1 } }]);
  });

  it("puts each organization's call section on its part of the window", () => {
    const ref = { object: 'call-log/2026-03-01/w.bin', offset: 0, length: 10, keys: ['k'], from: START, to: START };
    const window = buildUsageWindow({
      id: 'w',
      createdAt: START,
      calls: [aCall(), aCall({ stage: 'sandbox', keyId: 'key_SANDBOXSANDBOXSA' })],
      sections: [{ organizationId: 'org_1', environment: 'test', ref }],
    });

    const byEnvironment = Object.fromEntries(window.organizations.map((each) => [each.environment, each.calls]));
    expect(byEnvironment).toEqual({ live: undefined, test: ref });
  });
});

describe('usageShardOf', () => {
  it('puts an organization in the same shard every time, within the shards', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (organizationId) => {
        const shard = usageShardOf(organizationId);
        expect(usageShardOf(organizationId)).toBe(shard);
        expect(shard).toBeGreaterThanOrEqual(0);
        expect(shard).toBeLessThan(USAGE_RECENT_SHARDS);
      }),
    );
  });

  it('spreads organizations over every shard', () => {
    const shards = new Set(Array.from({ length: 1000 }, (_, index) => usageShardOf(`org_${index}`)));
    expect(shards.size).toBe(USAGE_RECENT_SHARDS);
  });

  it("splits a window by its organizations' shards", () => {
    const window = buildUsageWindow({
      id: 'w',
      createdAt: START,
      calls: Array.from({ length: 40 }, (_, index) => aCall({ organizationId: `org_${index}` })),
    });
    const byShard = windowShards(window);
    for (const [shard, organizations] of byShard) {
      for (const organization of organizations) expect(usageShardOf(organization.organizationId)).toBe(shard);
    }
    expect([...byShard.values()].flat()).toHaveLength(40);
  });
});

describe('windowIdOf', () => {
  it('names the same access-log object the same window, and different objects different ones', () => {
    const key = 'access-logs/2026/03/01/22/amazon-apigateway-live-1-2026-03-01-22-00-00-abc.gz';
    expect(windowIdOf(key)).toBe(windowIdOf(key));
    expect(windowIdOf(key)).not.toBe(windowIdOf(`${key}x`));
    expect(windowIdOf(key)).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });
});
