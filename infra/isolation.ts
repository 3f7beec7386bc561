/**
 * Keeps the platform's workloads from starving each other of Lambda concurrency.
 *
 * - The authorizer gets reserved concurrency: a burst of background work (fan-out, deliveries,
 *   ingestion, reminders) can no longer take the account's last free slot and turn every
 *   uncached request into a 500. Reserved concurrency is also the authorizer's ceiling, so size
 *   it to the peak: invocations a second (uncached requests) × p99 duration in seconds × 1.5.
 *   300 holds about 4,000 verifications a second at 50 ms (DEFAULT_CONCURRENCY says why).
 * - usage-ingest (the access-log object queue's consumer) gets a small reserved concurrency, as
 *   many as its event source may run at once (QUEUES['access-log-objects'].maxConcurrency): a burst
 *   elsewhere cannot starve it, and objects beyond it wait on their queue, which loses nothing.
 * - usage-rollup gets a reserved concurrency of 1, so two runs never fold the same hour at once (an
 *   EventBridge event delivered twice, a retry overlapping the next run): the second is throttled
 *   and retried after the first, when the hour is rolled up already.
 * - Every SQS event source gets a maximum concurrency (QUEUES[...].maxConcurrency): messages beyond
 *   it wait on their queue, and a function scaling on its queue cannot reach the account's limit.
 *
 * Reserving fails the deployment when it would leave the account fewer than 100 unreserved
 * executions: an account with the default of 1,000 can reserve 900 (these take 306). New accounts may start at 10;
 * raise the quota (Service Quotas, "Concurrent executions") or pass 'none' for each.
 */
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { consumedQueues, FUNCTIONS, type FunctionId, type FunctionNeeds } from '../functions/definition/functions';
import { QUEUES } from '../functions/definition/queues';

export interface ConcurrencyOptions {
  /** Reserved concurrency of the authorizer (its floor and its ceiling); 300 by default. */
  authorizerReserved?: number | 'none';
  /** Reserved concurrency of usage-ingest; 5 by default (its event source's maximum concurrency). */
  usageIngestReserved?: number | 'none';
  /**
   * Reserved concurrency of usage-ingest's hourly rollup: 1, so that runs never overlap. 'none' only
   * where nothing can be reserved: a duplicate schedule event could then fold an hour twice.
   */
  usageRollupReserved?: 1 | 'none';
}

/**
 * At the design load (1 M keys, 10,000 calls/s, 300 s gateway cache) about a third of calls miss
 * the cache: ~3,300 verifications a second × 50 ms × 1.5 ≈ 250, so the authorizer gets 300.
 * usage-ingest handles an object per stage and window (a few a minute, more at 64 MB each at high
 * traffic), each in seconds: its event source's 5 keep up.
 */
export const DEFAULT_CONCURRENCY = {
  authorizerReserved: 300,
  usageIngestReserved: QUEUES['access-log-objects'].maxConcurrency,
  usageRollupReserved: 1,
} as const;

export function isolateWorkloads(
  functions: Record<FunctionId, lambda.Function>,
  options: ConcurrencyOptions = {},
): void {
  reserve(functions.authorizer, options.authorizerReserved ?? DEFAULT_CONCURRENCY.authorizerReserved);
  reserve(functions['usage-ingest'], options.usageIngestReserved ?? DEFAULT_CONCURRENCY.usageIngestReserved);
  reserve(functions['usage-rollup'], options.usageRollupReserved ?? DEFAULT_CONCURRENCY.usageRollupReserved);
  for (const [functionId, fn] of Object.entries(functions) as [FunctionId, lambda.Function][]) {
    // A function consuming several queues has each cap set where its sources are wired (webhooks.ts).
    const [queueId, ...others] = consumedQueues(FUNCTIONS[functionId].needs as FunctionNeeds);
    if (!queueId || others.length > 0) continue;
    for (const mapping of fn.node.findAll()) {
      if (!(mapping instanceof lambda.CfnEventSourceMapping)) continue;
      // A cap set where the source is wired (the deliveries' DELIVERY_MAX_CONCURRENCY) stands.
      mapping.scalingConfig ??= { maximumConcurrency: QUEUES[queueId].maxConcurrency };
    }
  }
}

function reserve(fn: lambda.Function, reserved: number | 'none'): void {
  if (reserved === 'none') return;
  if (!Number.isInteger(reserved) || reserved < 1) {
    throw new Error(`Reserved concurrency must be a whole number of at least 1, or 'none' (got ${reserved}).`);
  }
  (fn.node.defaultChild as lambda.CfnFunction).reservedConcurrentExecutions = reserved;
}
