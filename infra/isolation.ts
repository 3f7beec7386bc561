/**
 * Keeps the platform's workloads from starving each other of Lambda concurrency.
 *
 * - The authorizer gets reserved concurrency: a burst of background work (fan-out, deliveries,
 *   ingestion, reminders) can no longer take the account's last free slot and turn every
 *   uncached request into a 500. Reserved concurrency is also the authorizer's ceiling, so size
 *   it to the peak: invocations a second (uncached requests) × p99 duration in seconds × 1.5.
 *   300 holds about 4,000 verifications a second at 50 ms (DEFAULT_CONCURRENCY says why).
 * - usage-ingest (invoked asynchronously by CloudWatch Logs) gets a small reserved concurrency as
 *   its cap: a throttled async event waits in Lambda's queue and is retried for up to 6 hours, so
 *   the cap delays statistics and loses nothing.
 * - Every SQS event source gets a maximum concurrency (QUEUES[...].maxConcurrency): messages beyond
 *   it wait on their queue, and a function scaling on its queue cannot reach the account's limit.
 *
 * Reserving fails the deployment when it would leave the account fewer than 100 unreserved
 * executions: an account with the default of 1,000 can reserve 900 (these take 320). New accounts may start at 10;
 * raise the quota (Service Quotas, "Concurrent executions") or pass 'none'.
 */
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { consumedQueues, FUNCTIONS, type FunctionId, type FunctionNeeds } from '../functions/definition/functions';
import { QUEUES } from '../functions/definition/queues';

export interface ConcurrencyOptions {
  /** Reserved concurrency of the authorizer (its floor and its ceiling); 300 by default. */
  authorizerReserved?: number | 'none';
  /** Reserved concurrency of usage-ingest (its ceiling); 20 by default. */
  usageIngestReserved?: number | 'none';
}

/**
 * At the design load (1 M keys, 10,000 calls/s, 300 s gateway cache) about a third of calls miss
 * the cache: ~3,300 verifications a second × 50 ms × 1.5 ≈ 250, so the authorizer gets 300. At
 * 10,000 calls/s usage-ingest makes ~17,000 writes a second at ~1,000–1,600 per instance, so 20.
 */
export const DEFAULT_CONCURRENCY = { authorizerReserved: 300, usageIngestReserved: 20 } as const;

export function isolateWorkloads(
  functions: Record<FunctionId, lambda.Function>,
  options: ConcurrencyOptions = {},
): void {
  reserve(functions.authorizer, options.authorizerReserved ?? DEFAULT_CONCURRENCY.authorizerReserved);
  reserve(functions['usage-ingest'], options.usageIngestReserved ?? DEFAULT_CONCURRENCY.usageIngestReserved);
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
