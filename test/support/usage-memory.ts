/** In-memory UsageStore and KeyStore for the usage unit tests, and a call to feed them. */

import type { ApiKeyRecord, KeyStore } from '../../functions/domain/keys/key-model';
import type { KeyEnvironment } from '../../functions/domain/keys/key-token';
import type { AccessCall } from '../../functions/domain/usage/access-call';
import type { Anomaly } from '../../functions/domain/usage/anomaly';
import { summarize } from '../../functions/domain/usage/counters';
import type {
  CounterScope,
  CounterUpdate,
  DayCounters,
  DaysQuery,
  KeyDay,
  KeyDayTotal,
  UsageStore,
} from '../../functions/domain/usage/usage-model';

const scopeId = (scope: CounterScope) =>
  scope.kind === 'stage'
    ? `stage/${scope.stage}`
    : scope.kind === 'key'
      ? `key/${scope.organizationId}/${scope.keyId}`
      : `org/${scope.organizationId}/${scope.environment}`;

export class MemoryUsageStore implements UsageStore {
  readonly items = new Map<string, Map<string, Record<string, number>>>();
  writes = 0;

  readonly baselines = new Map<string, number>();
  readonly flagged = new Map<string, Anomaly>();

  /** Each item's watermark (DynamoUsageStore's `rolledUpTo`), by scope and day. */
  readonly marks = new Map<string, string>();
  /** Each key day's `lastUsed` set, by `<keyId>/<day>`. */
  readonly lastUses = new Map<string, Set<number>>();

  async add(updates: CounterUpdate[], options: { watermark?: string } = {}): Promise<KeyDayTotal[]> {
    const totals: KeyDayTotal[] = [];
    for (const { scope, counters, lastUsed } of updates) {
      this.writes++;
      const days = this.items.get(scopeId(scope)) ?? new Map<string, Record<string, number>>();
      const item = days.get(scope.day) ?? {};
      const id = `${scopeId(scope)}/${scope.day}`;
      const mark = this.marks.get(id);
      const { watermark } = options;
      const added = watermark !== undefined && mark !== undefined && mark >= watermark;
      if (watermark !== undefined && !added) this.marks.set(id, watermark);
      if (!added) for (const [name, amount] of Object.entries(counters)) item[name] = (item[name] ?? 0) + amount;
      days.set(scope.day, item);
      this.items.set(scopeId(scope), days);
      if (scope.kind !== 'key') continue;
      const baseline = this.baselines.get(`${scopeId(scope)}/${scope.day}`);
      const { organizationId, keyId, day } = scope;
      const uses = this.lastUses.get(`${keyId}/${day}`) ?? new Set<number>();
      if (lastUsed !== undefined && !added) this.lastUses.set(`${keyId}/${day}`, uses.add(lastUsed));
      totals.push({
        organizationId,
        keyId,
        day,
        requests: summarize(item).requests,
        ...(baseline !== undefined && { baseline }),
        ...(lastUsed !== undefined && { lastUses: uses.size }),
        ...(added && { retried: true }),
      });
    }
    return totals;
  }

  async latestUses(days: readonly KeyDay[]) {
    this.lastUseReads++;
    const latest = new Map<string, number>();
    for (const { keyId, day } of days) {
      const uses = this.lastUses.get(`${keyId}/${day}`);
      if (uses && uses.size > 0) latest.set(`${keyId}/${day}`, Math.max(...uses));
    }
    return latest;
  }

  /** How many times latestUses was called. */
  lastUseReads = 0;

  async setAnomalyBaseline(day: Pick<KeyDayTotal, 'organizationId' | 'keyId' | 'day'>, average: number) {
    const id = `${scopeId({ kind: 'key', ...day })}/${day.day}`;
    if (!this.baselines.has(id)) this.baselines.set(id, average);
  }

  async putAnomaly(organizationId: string, environment: KeyEnvironment, anomaly: Anomaly) {
    const id = `${organizationId}/${environment}/${anomaly.day}/${anomaly.keyId}`;
    if ((this.flagged.get(id)?.requests ?? -1) < anomaly.requests) this.flagged.set(id, { ...anomaly });
  }

  async anomalies(query: { organizationId: string; environment: KeyEnvironment; day: string }) {
    const prefix = `${query.organizationId}/${query.environment}/${query.day}/`;
    return [...this.flagged].filter(([id]) => id.startsWith(prefix)).map(([, anomaly]) => ({ ...anomaly }));
  }

  async days(query: DaysQuery): Promise<DayCounters[]> {
    const id = query.keyId
      ? `key/${query.organizationId}/${query.keyId}`
      : `org/${query.organizationId}/${query.environment}`;
    return this.range(id, query.from, query.to);
  }

  async stageDays(query: { stage: string; from: string; to: string }): Promise<DayCounters[]> {
    return this.range(`stage/${query.stage}`, query.from, query.to);
  }

  private range(id: string, from: string, to: string): DayCounters[] {
    return [...(this.items.get(id) ?? new Map<string, Record<string, number>>())]
      .filter(([day]) => day >= from && day <= to)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([day, counters]) => ({ day, counters: { ...counters } }));
  }
}

/** lastUsedAt per key, moved forward only, as DynamoKeyStore.recordLastUsed does. */
export class MemoryLastUsedStore {
  readonly lastUsedAt = new Map<string, string>();
  writes = 0;

  async recordLastUsed(keyId: string, at: string) {
    this.writes++;
    if ((this.lastUsedAt.get(keyId) ?? '') < at) this.lastUsedAt.set(keyId, at);
  }
}

/** Keys are live unless they say otherwise. */
export class MemoryKeyStore implements Pick<KeyStore, 'get'> {
  constructor(private readonly keys: (Pick<ApiKeyRecord, 'id' | 'organizationId'> & Partial<ApiKeyRecord>)[]) {}

  async get(keyId: string) {
    const key = this.keys.find((each) => each.id === keyId);
    return key && ({ environment: 'live', ...key } as ApiKeyRecord);
  }
}

/** A call of key_AAAAAAAAAAAAAAAA in org_1 at 2026-03-01T12:00Z, GET /v1/contacts, 200. */
export function aCall(overrides: Partial<AccessCall> = {}): AccessCall {
  return {
    requestId: 'req-1',
    time: Date.parse('2026-03-01T12:00:00.000Z'),
    stage: 'live',
    method: 'GET',
    resourcePath: '/v1/contacts',
    path: '/live/v1/contacts',
    status: 200,
    latencyMs: 10,
    ip: '203.0.113.7',
    userAgent: 'test',
    keyId: 'key_AAAAAAAAAAAAAAAA',
    organizationId: 'org_1',
    ...overrides,
  };
}
