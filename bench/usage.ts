/**
 * DynamoDB requests per 1,000 product calls with usage statistics and the call log on, at steady
 * state: the calls go through the local gateway, whose access log the local pipeline hands to the
 * real usage-ingest handler at least once a second, exactly as CloudWatch Logs does in AWS.
 *
 * `benchUsage()` can run on a platform the caller started (bench/run.ts), or start its own;
 * `tsx bench/usage.ts [--quick]` runs it alone and prints the figures.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { leadbaseApp } from '../examples/leadbase/local';
import { changePlan } from '../functions/domain/plan-change';
import { localClients, localProvisioningDeps } from '../local/bootstrap';
import { startPlatform } from '../local/platform';
import { call } from '../test/support/http-client';
import { countDynamoDbRequests } from './dynamodb-counter';

type Platform = Awaited<ReturnType<typeof startPlatform>>;
type Counter = ReturnType<typeof countDynamoDbRequests>;

export interface UsageBenchOptions {
  /** Product calls measured; the figures are scaled to 1,000. */
  calls?: number;
  /** Calls in flight at once. */
  concurrency?: number;
  /** A running platform; without it one is started (and closed) here. */
  platform?: Platform;
  /** The counter already attached to the handlers' client, if any: the SDK refuses a second one. */
  counter?: Counter;
  /** Receives each figure as it is measured. */
  report?: (name: string, value: string) => void;
}

export interface UsageBenchResult {
  calls: number;
  seconds: number;
  /** Every DynamoDB request of handlers and ingestion, per 1,000 calls. */
  readsPer1000: number;
  writesPer1000: number;
  /** The writes by operation, per 1,000 calls: UpdateItem (counters, lastUsedAt at most once per key and minute) and BatchWriteItem (call log). */
  writesByOperationPer1000: Record<string, number>;
  /** Access log batches delivered to usage-ingest while measuring. */
  ingestBatches: number;
}

const WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand']);

/** Counts writes by operation, next to the shared counter; each client gets this middleware once. */
const writeCounts = new WeakMap<DynamoDBDocumentClient, Map<string, number>>();
function countWritesByOperation(client: DynamoDBDocumentClient): Map<string, number> {
  const existing = writeCounts.get(client);
  if (existing) return existing;
  const counts = new Map<string, number>();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = String(context.commandName ?? '');
      if (WRITES.has(name)) counts.set(name, (counts.get(name) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'benchUsageWriteCounter' },
  );
  writeCounts.set(client, counts);
  return counts;
}

export async function benchUsage(options: UsageBenchOptions = {}): Promise<UsageBenchResult> {
  const calls = options.calls ?? 1000;
  const concurrency = options.concurrency ?? 8;
  const report = options.report ?? (() => {});
  const platform = options.platform ?? (await startPlatform({ app: leadbaseApp, port: 0, logLevel: 'CRITICAL' }));
  try {
    const { bootstrap } = platform;
    // The handlers' own client: imported after startPlatform has pointed the SDK at the emulators.
    const { dynamoDb } = await import('../functions/runtime/clients');
    const counter = options.counter ?? countDynamoDbRequests(dynamoDb);
    const byOperation = countWritesByOperation(dynamoDb);

    // The demo organization starts on starter (60 a minute): lift it so the gateway does not throttle.
    const clients = localClients(bootstrap.endpoints);
    await changePlan(localProvisioningDeps(clients, bootstrap), bootstrap.organizationId, {
      plan: 'enterprise',
      customRequestsPerMinute: 1_000_000,
    });
    for (const client of Object.values(clients)) client.destroy();

    const created = await call('POST', `${bootstrap.liveUrl}/v1/keys`, {
      key: bootstrap.adminKey,
      body: { name: 'usage bench', permissions: ['read'] },
    });
    const { key } = created.body as { key: string };
    const url = `${bootstrap.liveUrl}/v1/contacts?account_id=${bootstrap.accountIds[0]}`;
    const run = async (count: number) => {
      let next = 0;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next++ < count) {
            const response = await call('GET', url, { key });
            if (response.status !== 200) throw new Error(`product call failed: ${response.status} ${response.text}`);
          }
        }),
      );
    };

    // Steady state: the key's policy is cached, its counter items exist, the pipeline has run.
    await run(Math.min(200, calls));
    await platform.flushUsage();

    const before = counter.snapshot();
    const operationsBefore = new Map(byOperation);
    const deliveriesBefore = platform.usagePipeline.stats.deliveries;
    const started = performance.now();
    await run(calls);
    const seconds = (performance.now() - started) / 1000;
    await platform.flushUsage();
    const ingestBatches = platform.usagePipeline.stats.deliveries - deliveriesBefore;
    const used = counter.since(before);

    const per1000 = (count: number) => Math.round((count * 10_000) / calls) / 10;
    const writesByOperationPer1000 = Object.fromEntries(
      [...byOperation].map(([name, count]) => [
        name.replace(/Command$/, ''),
        per1000(count - (operationsBefore.get(name) ?? 0)),
      ]),
    );
    const result: UsageBenchResult = {
      calls,
      seconds,
      readsPer1000: per1000(used.reads),
      writesPer1000: per1000(used.writes),
      writesByOperationPer1000,
      ingestBatches,
    };
    report(
      `product calls (GET /v1/contacts, ${concurrency} concurrent)`,
      `${calls} in ${seconds.toFixed(1)} s (${Math.round(calls / seconds)} calls/s), ${ingestBatches} ingest batches`,
    );
    report('reads per 1,000 calls (the handler’s own Query per call)', String(result.readsPer1000));
    report('writes per 1,000 calls, usage + call log on (target ≤ 20)', String(result.writesPer1000));
    report(
      'writes by operation',
      Object.entries(writesByOperationPer1000)
        .map(([name, count]) => `${name} ${count}`)
        .join(', '),
    );
    return result;
  } finally {
    if (!options.platform) await platform.close();
  }
}

if (process.argv[1]?.replace(/\\/g, '/').endsWith('bench/usage.ts')) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  console.log('\nDynamoDB requests per 1,000 product calls, usage statistics and call log on');
  await benchUsage({
    calls: process.argv.includes('--quick') ? 300 : 1000,
    report: (name, value) => console.log(`  ${name.padEnd(58)} ${value}`),
  });
}
