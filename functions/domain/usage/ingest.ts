/**
 * One batch of API Gateway's access log into usage counters and the call log. Nothing here runs on
 * a request's path: API Gateway writes the log, CloudWatch Logs delivers it in batches (locally, the
 * local pipeline does, at least once a second), and each batch costs one write per counter item
 * and one per packed call log item, however many calls it holds, plus at most one `lastUsedAt`
 * write per key (last-used.ts).
 *
 * Delivery is at least once. The call log items of a batch have ids derived from the batch, so a
 * redelivered batch rewrites them; counters are added with ADD, so a batch that failed after some
 * of its counter writes and is then retried counts those items twice. The call log is written
 * first, so a failure there retries the batch before any counter moved.
 */
import { environmentOfStage } from '../../definition/active-api';
import type { KeyEnvironment } from '../keys/key-token';
import type { AccessCall } from './access-call';
import { watchAnomalies } from './anomaly-watch';
import { packCalls } from './call-log';
import { aggregate, isAttributed } from './counters';
import type { LastUsedWriter } from './last-used';
import type { CallLogStore, UsageStore } from './usage-model';

export interface IngestDeps {
  usage: UsageStore;
  callLog: CallLogStore;
  lastUsed: Pick<LastUsedWriter, 'record'>;
}

export interface IngestResult {
  calls: number;
  unattributed: number;
  counterItems: number;
  callLogItems: number;
  lastUsedWrites: number;
  anomalies: number;
  /** The anomaly check failed; the key's next batch checks again (see anomaly-watch.ts). */
  anomalyCheckError?: unknown;
}

/**
 * The call log and `lastUsedAt` are written before the counters: both are idempotent, so a failure
 * there retries the batch before any counter moved. The anomaly check comes last and does not
 * fail the batch, which would count it twice; each later batch of the key repeats the check.
 */
export async function ingestCalls(deps: IngestDeps, calls: readonly AccessCall[], batchId: string) {
  const items = packCalls(calls, batchId);
  const updates = aggregate(calls);
  await deps.callLog.put(items);
  const lastUsedWrites = await deps.lastUsed.record(calls);
  const totals = await deps.usage.add(updates);
  let anomalies = 0;
  let anomalyCheckError: unknown;
  try {
    anomalies = await watchAnomalies(deps.usage, totals, keyEnvironments(calls));
  } catch (error) {
    anomalyCheckError = error;
  }
  return {
    calls: calls.length,
    unattributed: calls.filter((call) => !isAttributed(call)).length,
    counterItems: updates.length,
    callLogItems: items.length,
    lastUsedWrites,
    anomalies,
    ...(anomalyCheckError !== undefined && { anomalyCheckError }),
  } satisfies IngestResult;
}

/** A key has one environment; its calls' stage says which. */
function keyEnvironments(calls: readonly AccessCall[]): Map<string, KeyEnvironment> {
  const environments = new Map<string, KeyEnvironment>();
  for (const call of calls) {
    const environment = environmentOfStage(call.stage);
    if (isAttributed(call) && environment) environments.set(call.keyId, environment);
  }
  return environments;
}
