/**
 * lastUsedAt without a write per request: calls are noted in memory and written at most once a
 * minute per key and instance. An instance that dies loses at most its unflushed minute.
 */
import type { Clock } from '../domain/clock';

export class LastUsedRecorder {
  private readonly pending = new Map<string, Date>();
  private lastFlush: number;

  constructor(
    private readonly write: (keyId: string, at: string) => Promise<void>,
    private readonly clock: Clock,
    private readonly intervalMs = 60_000,
  ) {
    this.lastFlush = clock().getTime();
  }

  note(keyId: string): void {
    this.pending.set(keyId, this.clock());
  }

  /** Writes the pending times once the interval has passed since the last flush. */
  async flushIfDue(): Promise<void> {
    if (this.clock().getTime() - this.lastFlush >= this.intervalMs) await this.flush();
  }

  async flush(): Promise<void> {
    this.lastFlush = this.clock().getTime();
    const batch = [...this.pending];
    this.pending.clear();
    await Promise.all(batch.map(([keyId, at]) => this.write(keyId, at.toISOString())));
  }
}
