/**
 * Key header modes side by side: authorizer invocations and DynamoDB reads per 1,000 calls in
 * `x-api-key` and `authorization` (API Gateway's cache, 300 s) and `either` (no gateway cache,
 * records kept 1 s in the authorizer). Handler modules read their configuration once per process,
 * as Lambda does, so each mode runs in a child process of its own (`benchHeaderModesInChildProcesses`).
 *
 * Two traffic shapes: a few hot keys calling as fast as they can, where caches work, and many keys
 * calling once each, as spread-out traffic does (10,000 keys at 100M calls a month call about every
 * 4 minutes, inside the gateway's 300 s TTL only sometimes and never inside 1 s).
 */
import { leadbaseApp } from '../examples/leadbase/local';
import { API_KEY_HEADER_MODES, type ApiKeyHeaderMode } from '../functions/definition/api';
import { changePlan } from '../functions/domain/plan-change';
import { localClients, localProvisioningDeps } from '../local/bootstrap';
import { startPlatform } from '../local/platform';
import { call } from '../test/support/http-client';
import { childReporter, isEntryPoint, type Report, runInChildProcess } from './child-process';
import { countDynamoDbRequests } from './dynamodb-counter';

async function benchMode(mode: ApiKeyHeaderMode, calls: number, report: Report) {
  const platform = await startPlatform({ app: leadbaseApp, port: 0, logLevel: 'CRITICAL', apiKeyHeader: mode });
  const { bootstrap } = platform;
  await changePlan(localProvisioningDeps(localClients(bootstrap.endpoints), bootstrap), bootstrap.organizationId, {
    plan: 'enterprise',
    customRequestsPerMinute: 100_000_000,
  });
  const { dynamoDb } = await import('../functions/runtime/clients');
  const counter = countDynamoDbRequests(dynamoDb);
  const keyHeader = mode === 'authorization' ? ('bearer' as const) : ('x-api-key' as const);
  // A team's route: the key authorizer and its cache (management routes have an uncached authorizer of their own).
  const contacts = (key: string) =>
    call('GET', `${bootstrap.liveUrl}/v1/contacts?account_id=${bootstrap.accountIds[0]}`, { key, keyHeader });
  const newKeys = async (count: number) => {
    const keys: string[] = [];
    for (let index = 0; index < count; index++) {
      const created = await call('POST', `${bootstrap.liveUrl}/v1/keys`, {
        key: bootstrap.adminKey,
        keyHeader,
        body: { name: `bench ${index}`, permissions: ['read'] },
      });
      keys.push((created.body as { key: string }).key);
    }
    return keys;
  };
  const measure = async (label: string, keys: string[], total: number, concurrency: number) => {
    const before = counter.snapshot();
    const invocationsBefore = platform.gateway.stats.authorizerCalls;
    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < total) await contacts(keys[next++ % keys.length] as string);
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const used = counter.since(before);
    const per1000 = (count: number) => Math.round((count * 1000) / total).toLocaleString('en');
    report(
      `${mode}: ${label}`,
      `${per1000(platform.gateway.stats.authorizerCalls - invocationsBefore)} invocations, ${per1000(used.reads)} reads per 1,000 calls (${Math.round(total / seconds)} calls/s)`,
    );
  };

  await measure('10 hot keys', await newKeys(10), calls, 8);
  const spread = await newKeys(Math.min(calls, 500));
  await measure(`${spread.length} keys, one call each`, spread, spread.length, 8);
  await platform.close();
}

/** Runs each mode in a child process and hands its figures to `report`. */
export async function benchHeaderModesInChildProcesses(options: { quick: boolean; report: Report }) {
  console.log('\nKey header modes: authorizer invocations and DynamoDB reads per 1,000 calls (GET /v1/contacts)');
  for (const mode of API_KEY_HEADER_MODES) {
    await runInChildProcess(import.meta.url, [mode, ...(options.quick ? ['--quick'] : [])], options);
  }
}

if (isEntryPoint(import.meta.url)) {
  const mode = (process.argv[2] ?? 'x-api-key') as ApiKeyHeaderMode;
  const child = childReporter();
  await benchMode(mode, process.argv.includes('--quick') ? 300 : 1000, child.report);
  await child.done();
}
