/**
 * A delivered access log batch is counted once, whole, even when it arrives again. CloudWatch
 * Logs invokes usage-ingest asynchronously, so Lambda may run a batch twice: its retries after a
 * failure (twice), the rare duplicate delivery, and a redrive from the DLQ. A batch is named by its
 * log events' ids (`batchIdOf`), and a ledger item per batch, written after its counters, says it
 * was counted; a batch the ledger knows is skipped.
 *
 * What this does not cover: a batch that fails after some of its counter writes (a throttled
 * write, a timeout, a failed ledger write) and is then retried adds those writes again, since no
 * transaction ties the ledger to the counters; after the first failed write no further write
 * starts, which keeps that share small. Two runs of one batch at the same moment both count it
 * (`UsageBatchesRaced`). A batch that fails before any counter moved (the call log is written
 * first) is counted once.
 */
import type { AccessCall } from './access-call';
import { type IngestDeps, ingestCalls } from './ingest';

export interface IngestedBatches {
  /** Whether this batch was counted already; strongly consistent. */
  counted(batchId: string): Promise<boolean>;
  /** Records the batch as counted; false when another run recorded it first. */
  markCounted(batchId: string): Promise<boolean>;
}

export type IngestOnceResult =
  | (Awaited<ReturnType<typeof ingestCalls>> & { repeated: false; raced: boolean })
  | { repeated: true };

export async function ingestBatchOnce(
  deps: IngestDeps & { batches: IngestedBatches },
  calls: readonly AccessCall[],
  batchId: string,
): Promise<IngestOnceResult> {
  if (await deps.batches.counted(batchId)) return { repeated: true };
  const result = await ingestCalls(deps, calls, batchId);
  // Two runs of one batch at the same moment both count it; the ledger tells, so it is logged.
  const raced = !(await deps.batches.markCounted(batchId));
  return { ...result, repeated: false, raced };
}
