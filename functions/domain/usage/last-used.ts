/**
 * `lastUsedAt` from the access log, off the request path: each ingest batch already holds every
 * call per key, so it writes each key's latest call once (a conditional write that only moves the
 * time forward), at most WRITES_AT_ONCE at a time. An instance writes a key at most once per
 * `intervalMs`, so a busy key costs one write a minute per instance, not one per batch; the time
 * shown is then at most a minute behind the key's last call.
 */
import { inParallel } from '../in-parallel';
import type { AccessCall } from './access-call';
import { isAttributed } from './counters';

export interface LastUsedStore {
  /** Moves lastUsedAt forward (never back) for keys that still exist. */
  recordLastUsed(keyId: string, at: string): Promise<void>;
}

const WRITES_AT_ONCE = 8;

/** Each key's latest call of the batch: every call the access log attributes to it, 403 and 429 included. */
export function latestCallByKey(calls: readonly AccessCall[]): Map<string, number> {
  const latest = new Map<string, number>();
  for (const call of calls) {
    if (!isAttributed(call)) continue;
    if (call.time > (latest.get(call.keyId) ?? Number.NEGATIVE_INFINITY)) latest.set(call.keyId, call.time);
  }
  return latest;
}

export class LastUsedWriter {
  /** When this instance last wrote each key, by the call time it wrote. Bounded: cleared when full. */
  private readonly written = new Map<string, number>();

  constructor(
    private readonly store: LastUsedStore,
    private readonly intervalMs = 60_000,
    private readonly rememberedKeys = 100_000,
  ) {}

  /** Returns how many keys it wrote. */
  async record(calls: readonly AccessCall[]): Promise<number> {
    const due = [...latestCallByKey(calls)].filter(([keyId, at]) => {
      const previous = this.written.get(keyId);
      return previous === undefined || at - previous >= this.intervalMs;
    });
    await inParallel(
      due.map(([keyId, at]) => async () => {
        await this.store.recordLastUsed(keyId, new Date(at).toISOString());
        if (this.written.size >= this.rememberedKeys) this.written.clear();
        this.written.set(keyId, at);
      }),
      WRITES_AT_ONCE,
    );
    return due.length;
  }
}
