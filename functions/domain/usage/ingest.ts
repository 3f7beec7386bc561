/**
 * One batch of API Gateway's access log into usage counters and the call log. Nothing here runs on
 * a request's path: API Gateway writes the log, CloudWatch Logs delivers it in batches (locally, the
 * local pipeline does, at least once a second), and each batch costs one write per counter item
 * and one per packed call log item, however many calls it holds.
 *
 * Delivery is at least once. The call log items of a batch have ids derived from the batch, so a
 * redelivered batch rewrites them; counters are added with ADD, so a batch that failed after some
 * of its counter writes and is then retried counts those items twice. The call log is written
 * first, so a failure there retries the batch before any counter moved.
 */
import type { AccessCall } from './access-call';
import { packCalls } from './call-log';
import { aggregate, isAttributed } from './counters';
import type { CallLogStore, UsageStore } from './usage-model';

export interface IngestDeps {
  usage: UsageStore;
  callLog: CallLogStore;
}

export interface IngestResult {
  calls: number;
  unattributed: number;
  counterItems: number;
  callLogItems: number;
}

export async function ingestCalls(deps: IngestDeps, calls: readonly AccessCall[], batchId: string) {
  const items = packCalls(calls, batchId);
  const updates = aggregate(calls);
  await deps.callLog.put(items);
  await deps.usage.add(updates);
  return {
    calls: calls.length,
    unattributed: calls.filter((call) => !isAttributed(call)).length,
    counterItems: updates.length,
    callLogItems: items.length,
  } satisfies IngestResult;
}
