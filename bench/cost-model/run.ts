/**
 * `npm run bench:cost` (and a block of `npm run bench`): the platform's share of AWS cost per 1M
 * authorized calls at 100, 10,000 and 100,000 keys, measured by running the modelled traffic
 * (traffic.ts) through the real authorizer and the real local usage pipeline on a virtual clock,
 * counting every AWS request they make, and pricing the counts (bench/prices.ts).
 */
import '../../local/quiet-sdk';

import { leadbaseApp } from '../../examples/leadbase/local';
import { DynamoKeyStore } from '../../functions/adapters/dynamo-key-store';
import { activeApi } from '../../functions/definition/active-api';
import {
  ACCESS_LOG_OBJECT_RETENTION_DAYS,
  CALL_LOG_RETENTION_DAYS,
  USAGE_RECENT_SHARDS,
  USAGE_ROLLUP_GRACE_SECONDS,
} from '../../functions/definition/usage';
import { rollUpShard } from '../../functions/domain/usage/rollup';
import { localS3Client } from '../../local/bootstrap';
import { startPlatform } from '../../local/platform';
import type { SqsHandler } from '../../local/sqs-event-source';
import type { RollupHandler } from '../../local/usage-pipeline';
import { isEntryPoint, type Report, runInChildProcess } from '../child-process';
import { GB } from '../prices';
import { gatewayCacheTtlSeconds, runAuthorizer } from './authorizer';
import { countAwsRequests, newUsage } from './aws-requests';
import { customMetricCount, type SizeMeasures, scaled } from './costs';
import { addFirstHoursOfDay, keysOnShards, seedEarlierHour } from './first-hours';
import { seedKeyPool } from './key-pool';
import { runFirehosePipeline } from './pipeline';
import { printCostTables } from './report';
import { cloudWatchLogsToFirehose, longerCacheTtl, SENSITIVITY_CACHE_TTL_SECONDS } from './sensitivity';
import { activeInHour, simulateCalls, trafficModel } from './traffic';

const DEFAULT_SIZES = [100, 10_000, 100_000];
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/**
 * Virtual time, ahead of the wall clock so that nothing timed on the wall clock finds these hours
 * due; each size gets days of its own, so no size sees another's items.
 */
const VIRTUAL_START = Date.UTC(2027, 0, 4);
/** Lambda's SQS event source long-polls with 5 pollers (20 s each) while the queue is idle. */
const IDLE_RECEIVES_PER_MONTH = 5 * 3 * 60 * 24 * 30;
const DAYS_PER_MONTH = 30;
/** The pipeline's calls: an hour, the rollup's grace and a minute, so the rollup folds the hour. */
const PIPELINE_RUN_MS = HOUR + (USAGE_ROLLUP_GRACE_SECONDS + 60) * 1000;

async function measureSizes(options: { quick: boolean; sizes: readonly number[] }): Promise<SizeMeasures[]> {
  const platform = await startPlatform({ app: leadbaseApp, port: 0, logLevel: 'CRITICAL' });
  try {
    // Only this run's pipeline, on the virtual clock: the platform's own would roll up on the wall clock.
    await platform.usagePipeline.close();
    const pool = await seedKeyPool(platform.bootstrap);
    // The handlers' own clients and modules: loaded after startPlatform has pointed the SDK at the emulators.
    const clients = await import('../../functions/runtime/clients');
    const { handler: authorizerHandler } = await import('../../functions/authorizer/handler');
    const { handler: ingestHandler } = await import('../../functions/usage/ingest');
    const { handler: rollupHandler } = await import('../../functions/usage/rollup');
    const { recentUsageStore, usageStore } = await import('../../functions/usage/stores');
    const authorizer = platform.iam.wrap('authorizer', authorizerHandler);
    const ingest = platform.iam.wrap('usage-ingest', ingestHandler as SqsHandler);
    const rollup = platform.iam.wrap('usage-rollup', rollupHandler as RollupHandler);
    const lastUsed = new DynamoKeyStore(clients.dynamoDb, process.env.TABLE_NAME as string);
    // The handler's work for the first `shards` shards only: its deps, the same domain function per shard.
    const rollupOfShards = (shards: number): RollupHandler =>
      platform.iam.wrap('usage-rollup', async (event: { time: string }) => {
        const deps = { source: recentUsageStore, usage: usageStore, lastUsed, shards: USAGE_RECENT_SHARDS };
        for (let shard = 0; shard < shards; shard++) await rollUpShard(deps, shard, Date.parse(event.time));
      });
    const counter = countAwsRequests({
      dynamoDb: clients.dynamoDb,
      s3: clients.s3,
      sqs: clients.sqs,
      secretsManager: clients.secretsManager,
      lambda: clients.lambda,
      apiGateway: clients.apiGateway,
    });
    // Firehose's writes to the bucket, counted on a client of their own.
    const firehoseS3 = localS3Client(platform.bootstrap.endpoints.s3 as string);
    const firehose = countAwsRequests({ s3: firehoseS3 });
    const api = activeApi();
    const routes = {
      team: api.teamRoutes.map(({ method, path }) => ({ method, path })),
      platform: api.routes.filter((route) => route.method === 'GET' && !api.teamRoutes.includes(route as never)),
    };
    const results: SizeMeasures[] = [];
    for (const [index, keys] of options.sizes.entries()) {
      const sizeStarted = performance.now();
      const model = trafficModel({ keys });
      const start = VIRTUAL_START + index * 2 * DAY;

      // A warm authorizer instance: its secrets read, the pool's organizations cached.
      const [firstCall] = simulateCalls(model, routes, start, MINUTE);
      if (firstCall) {
        const warmUp = pool.live.map((_, key) => ({ ...firstCall, key, environment: 'live' as const }));
        await runAuthorizer({ calls: warmUp, countFrom: 0, pool, handler: authorizer, sampleBudget: warmUp.length });
      }
      // The authorizer behind the gateway's cache: 15 virtual minutes counted, after a TTL's worth
      // of calls has filled the cache.
      const measureAuthorizer = async (cacheTtlSeconds: number) => {
        counter.reset();
        const authorizerRun = await runAuthorizer({
          calls: simulateCalls(model, routes, start, cacheTtlSeconds * 1000 + 15 * MINUTE),
          countFrom: start + cacheTtlSeconds * 1000,
          cacheTtlSeconds,
          pool,
          handler: authorizer,
          sampleBudget: options.quick ? 150 : 500,
        });
        const authorizerMeasure = scaled(
          {
            functionId: 'authorizer',
            usage: counter.byFunction.get('authorizer') ?? newUsage(),
            invocations: authorizerRun.sampled,
            billedMs: authorizerRun.sampledBilledMs,
          },
          authorizerRun.invocations / Math.max(1, authorizerRun.sampled),
        );
        // Organization reads, modelled per simulated organization: eventually consistent, ≤ 4 KB.
        authorizerMeasure.usage.requests.set('dynamoDb GetItem ORG#…', authorizerRun.organizationReads);
        authorizerMeasure.usage.readUnits += authorizerRun.organizationReads / 2;
        return { authorizerRun, authorizerMeasure };
      };
      const { authorizerRun, authorizerMeasure } = await measureAuthorizer(gatewayCacheTtlSeconds());
      const longerTtl = keys === 10_000 ? await measureAuthorizer(SENSITIVITY_CACHE_TTL_SECONDS) : undefined;

      // The rollup writes per key and organization active in the hour: past a budget of requests,
      // it folds a sample of the shards (each a random share of the organizations), scaled up after.
      const active = activeInHour(simulateCalls(model, routes, start, HOUR));
      const expectedRequests = 2 * active.keys + 2 * active.organizations;
      const budget = options.quick ? 4_000 : 10_000;
      const rolledShards = Math.min(
        USAGE_RECENT_SHARDS,
        Math.max(1, Math.round((USAGE_RECENT_SHARDS * budget) / expectedRequests)),
      );
      // A typical hour of the day for the rollup's key item writes (first-hours.ts).
      const tableName = process.env.TABLE_NAME as string;
      const hourKeys = keysOnShards(simulateCalls(model, routes, start, HOUR), keys, rolledShards);
      await seedEarlierHour(clients.dynamoDb, tableName, hourKeys, start);
      const dayKeys = keysOnShards(simulateCalls(model, routes, start, DAY), keys, rolledShards).size;
      counter.reset();
      firehose.reset();
      const run = await runFirehosePipeline({
        calls: simulateCalls(model, routes, start, PIPELINE_RUN_MS),
        size: keys,
        hourStart: start,
        s3: firehoseS3,
        bucket: process.env.USAGE_BUCKET as string,
        ingest,
        rollup: rolledShards === USAGE_RECENT_SHARDS ? rollup : rollupOfShards(rolledShards),
      });
      const { authorizedCalls } = run;
      const rollupUsage = counter.byFunction.get('usage-rollup') ?? newUsage();
      addFirstHoursOfDay(rollupUsage, dayKeys);
      const ingestUsage = counter.byFunction.get('usage-ingest') ?? newUsage();
      const firehoseUsage = firehose.byFunction.get('-') ?? newUsage();
      const storedBytes =
        (firehoseUsage.s3PutBytes.get('access-logs') ?? 0) * ACCESS_LOG_OBJECT_RETENTION_DAYS +
        (ingestUsage.s3PutBytes.get('call-log') ?? 0) * (CALL_LOG_RETENTION_DAYS + 1);
      const measures: SizeMeasures = {
        keys,
        monthlyCalls: model.monthlyCalls,
        authorizedCalls,
        functions: [
          // The authorizer's run had its own calls: brought to the pipeline's number of calls.
          scaled(authorizerMeasure, authorizedCalls / authorizerRun.authorizedCalls),
          { functionId: 'firehose', usage: firehoseUsage, invocations: 0, billedMs: 0, service: true },
          { functionId: 'usage-ingest', usage: ingestUsage, ...run.ingest },
          // The rollup folded one hour (of `rolledShards` shards): brought to the whole run's calls.
          {
            ...scaled(
              {
                functionId: 'usage-rollup',
                usage: rollupUsage,
                ...run.rollup,
              },
              (authorizedCalls / run.hourAuthorizedCalls) * (USAGE_RECENT_SHARDS / rolledShards),
            ),
            invocations: (run.rollup.invocations * authorizedCalls) / run.hourAuthorizedCalls,
          },
        ],
        transport: { kind: 'Firehose', billedBytes: run.transportBytes },
        // EMF: the platform's metric names, and usage-ingest's per stage.
        customMetrics: customMetricCount(Object.keys(api.compiled.stages).length),
        modelledRequests: new Map([
          // Per object: S3's notification to the queue, the event source's receive and delete.
          ['sqs SendMessage', run.ingest.invocations],
          ['sqs ReceiveMessage', run.ingest.invocations],
          ['sqs DeleteMessageBatch', run.ingest.invocations],
          ['sqs ReceiveMessage, idle long polls', (IDLE_RECEIVES_PER_MONTH * authorizedCalls) / model.monthlyCalls],
        ]),
        s3GbMonths: storedBytes / GB / DAYS_PER_MONTH,
        howMeasured: [
          `authorizer: ${authorizerRun.invocations.toLocaleString('en')} invocations for ${authorizerRun.authorizedCalls.toLocaleString('en')} calls (15 virtual min), ${authorizerRun.sampled} run and scaled`,
          `pipeline: ${run.calls.toLocaleString('en')} calls, ${run.ingest.invocations} objects, the rollup of ${rolledShards}/${USAGE_RECENT_SHARDS} shards scaled`,
          `${((performance.now() - sizeStarted) / 1000).toFixed(0)} s`,
        ].join('; '),
      };
      if (longerTtl) {
        measures.sensitivities = [
          longerCacheTtl(
            measures,
            scaled(longerTtl.authorizerMeasure, authorizedCalls / longerTtl.authorizerRun.authorizedCalls),
          ),
          cloudWatchLogsToFirehose(measures, {
            ...run,
            seconds: PIPELINE_RUN_MS / 1000,
            stages: Object.keys(api.compiled.stages).length,
          }),
        ];
      }
      results.push(measures);
    }
    counter.detach();
    firehose.detach();
    firehoseS3.destroy();
    return results;
  } finally {
    await platform.close();
  }
}

/** bench/run.ts: the cost model in a process of its own (handlers read their configuration once per process). */
export function benchCostModelInChildProcess(options: { quick: boolean; report: Report }): Promise<void> {
  return runInChildProcess(import.meta.url, options.quick ? ['--quick'] : [], { report: options.report });
}

/** `--keys 10000,100000` runs only those sizes. */
function sizesFromArguments(argv: readonly string[]): number[] {
  const given = argv[argv.indexOf('--keys') + 1];
  if (!argv.includes('--keys') || !given) return DEFAULT_SIZES;
  return given.split(',').map((size) => {
    const keys = Number(size);
    if (!Number.isInteger(keys) || keys < 1)
      throw new Error(`--keys takes whole numbers separated by commas, not ${size}`);
    return keys;
  });
}

if (isEntryPoint(import.meta.url)) {
  const started = performance.now();
  const results = await measureSizes({
    quick: process.argv.includes('--quick'),
    sizes: sizesFromArguments(process.argv),
  });
  printCostTables(results);
  console.log(`  (${((performance.now() - started) / 1000).toFixed(0)} s)`);
}
