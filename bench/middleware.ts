/**
 * The per-key rate-limit middleware's cost, measured against dynalite: a key with a limit of its
 * own against a key without, interleaved so machine noise hits both alike, and the DynamoDB reads
 * and writes per 1,000 calls of each. Call it after `startPlatform` (the handlers' AWS clients are
 * loaded here, once the SDK points at the emulators). A benchmark: nothing here passes or fails.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayAuthorizerResult, APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { PLATFORM_ROUTES } from '../functions/definition/platform-routes';
import { matchRoute, type RouteMatch } from '../functions/definition/routes';
import { authorizerEvent, type IncomingCall, lambdaContext, proxyEvent } from '../local/gateway/events';
import type { Bootstrap } from '../local/platform';
import { call } from '../test/support/http-client';
import { interleaved, median, ms, percentile, timeEach, us } from './measure';

export interface MiddlewareBenchOptions {
  bootstrap: Pick<Bootstrap, 'liveUrl' | 'adminKey'>;
  /** Interleaved rounds and calls per round, per key (defaults 10 × 200). */
  rounds?: number;
  perRound?: number;
  /** Receives each figure as it is measured, e.g. bench/run.ts's `report`. */
  report?: (name: string, value: string) => void;
}

export interface MiddlewareFigures {
  /** Median time of one whole handler invocation (GET /v1/whoami, the whole middy stack), ms. */
  handlerMedianMs: { withoutLimit: number; withLimit: number };
  handlerP99Ms: { withoutLimit: number; withLimit: number };
  /** withLimit − withoutLimit: what the rate limit adds per call, ms. */
  overheadPerCallMs: number;
  /** The middleware's `before` alone, median, ms: a key without a limit never reaches DynamoDB. */
  middlewareAloneMedianMs: { withoutLimit: number; withLimit: number };
  /** One bare UpdateItem ADD on the same table, median, ms: what a limited key's check is made of. */
  bareUpdateItemMedianMs: number;
  /** DynamoDB requests per 1,000 sequential calls of each key (lastUsedAt is written by usage-ingest, not the handlers). */
  per1000Calls: {
    withoutLimit: { reads: number; writes: number };
    withLimit: { reads: number; writes: number };
  };
}

type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

const READS = new Set(['GetItemCommand', 'QueryCommand', 'ScanCommand', 'BatchGetItemCommand']);
const WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand']);
const COUNTER_NAME = 'middlewareBenchRequestCounter';

export async function measureRateLimitMiddleware(options: MiddlewareBenchOptions): Promise<MiddlewareFigures> {
  const { bootstrap, rounds = 10, perRound = 200 } = options;
  const report = options.report ?? (() => {});
  // Loaded only now: these build their clients from the environment startPlatform has set.
  const { dynamoDb } = await import('../functions/runtime/clients');
  const { logger } = await import('../functions/runtime/logger');
  const { handler: authorizer } = (await import('../functions/authorizer/handler')) as {
    handler: (event: unknown) => Promise<APIGatewayAuthorizerResult>;
  };
  const { handler: whoami } = (await import('../functions/account/whoami')) as { handler: ProxyHandler };
  const { rateLimit } = await import('../functions/runtime/rate-limit');
  const { RateLimiter } = await import('../functions/domain/rate-limit');
  const { DynamoRateLimitCounter } = await import('../functions/adapters/dynamo-rate-limit-counter');
  const { loadConfig, tableConfig } = await import('../functions/runtime/config');

  const newKey = async (body: Record<string, unknown>) => {
    const created = await call('POST', `${bootstrap.liveUrl}/v1/keys`, {
      key: bootstrap.adminKey,
      body: { name: 'middleware bench', permissions: ['read'], ...body },
    });
    if (created.status !== 201) throw new Error(`creating a bench key failed: ${created.status} ${created.text}`);
    return (created.body as { key: string }).key;
  };
  // The highest limit a key may have, so the bench itself is never rejected.
  const keys = { withoutLimit: await newKey({}), withLimit: await newKey({ rateLimitPerMinute: 100_000 }) };

  const match = matchRoute('GET', '/v1/whoami', PLATFORM_ROUTES) as RouteMatch;
  let requests = 0;
  const incoming = (key: string): IncomingCall => ({
    restApiId: 'local',
    stage: 'live',
    method: 'GET',
    path: '/v1/whoami',
    route: match.route,
    pathParameters: match.pathParameters,
    headers: { 'x-api-key': [key] },
    query: {},
    body: Buffer.alloc(0),
    sourceIp: '127.0.0.1',
    requestId: `bench-${++requests}`,
    requestTime: new Date(),
  });
  // The authorizer's context as the gateway passes it on, once per key (the gateway caches it too).
  const contextOf = async (key: string) => {
    const result = await authorizer(authorizerEvent(incoming(key)));
    return { ...result.context, principalId: result.principalId };
  };
  const contexts = { withoutLimit: await contextOf(keys.withoutLimit), withLimit: await contextOf(keys.withLimit) };
  const invoke = (which: keyof typeof keys) => async () => {
    const response = await whoami(proxyEvent(incoming(keys[which]), contexts[which]), lambdaContext('whoami', 10_000));
    if (response.statusCode !== 200) throw new Error(`whoami answered ${response.statusCode}: ${response.body}`);
  };

  const counts = { reads: 0, writes: 0 };
  dynamoDb.middlewareStack.add(
    (next, context) => async (args) => {
      const name = String(context.commandName ?? '');
      if (READS.has(name)) counts.reads++;
      if (WRITES.has(name)) counts.writes++;
      return next(args);
    },
    { step: 'initialize', name: COUNTER_NAME },
  );
  try {
    await invoke('withoutLimit')();
    await invoke('withLimit')();
    const whole = await interleaved(rounds, perRound, invoke('withLimit'), invoke('withoutLimit'));
    const handlerMedianMs = { withoutLimit: median(whole.b), withLimit: median(whole.a) };
    const handlerP99Ms = { withoutLimit: percentile(whole.b, 99), withLimit: percentile(whole.a, 99) };
    const overheadPerCallMs = handlerMedianMs.withLimit - handlerMedianMs.withoutLimit;
    report(
      'whoami handler, key without a limit, median (p99)',
      `${ms(handlerMedianMs.withoutLimit)} (${ms(handlerP99Ms.withoutLimit)})`,
    );
    report(
      'whoami handler, key with a limit, median (p99)',
      `${ms(handlerMedianMs.withLimit)} (${ms(handlerP99Ms.withLimit)})`,
    );
    report('rate-limit overhead per call (difference of medians)', ms(overheadPerCallMs));

    // The middleware's `before` alone, on the same table: with a limit against one bare UpdateItem
    // (interleaved), and without a limit on its own. Events are built beforehand.
    const table = loadConfig(tableConfig).TABLE_NAME;
    const middleware = rateLimit(
      new RateLimiter(new DynamoRateLimitCounter(dynamoDb, table), () => new Date()),
      logger,
    );
    const before = middleware.before as (request: unknown) => Promise<void>;
    const requestOf = (which: keyof typeof keys) => {
      const event = proxyEvent(incoming(keys[which]), contexts[which]);
      return () => before({ event, context: {}, internal: {} });
    };
    const bareUpdateItem = () =>
      dynamoDb.send(
        new UpdateCommand({
          TableName: table,
          Key: { pk: 'BENCH#bare-update', sk: 'BENCH' },
          UpdateExpression: 'ADD #count :one',
          ExpressionAttributeNames: { '#count': 'count' },
          ExpressionAttributeValues: { ':one': 1 },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
    const limited = await interleaved(rounds, perRound, requestOf('withLimit'), bareUpdateItem);
    const unlimited = await timeEach(rounds * perRound * 10, requestOf('withoutLimit'));
    const middlewareAloneMedianMs = { withoutLimit: median(unlimited), withLimit: median(limited.a) };
    const bareUpdateItemMedianMs = median(limited.b);
    report('middleware alone, key without a limit, median', us(middlewareAloneMedianMs.withoutLimit));
    report('middleware alone, key with a limit, median', ms(middlewareAloneMedianMs.withLimit));
    report(
      'one bare UpdateItem ADD, median (ratio)',
      `${ms(bareUpdateItemMedianMs)} (${(middlewareAloneMedianMs.withLimit / bareUpdateItemMedianMs).toFixed(2)}×)`,
    );

    const per1000 = async (which: keyof typeof keys) => {
      const start = { ...counts };
      for (let index = 0; index < 1000; index++) await invoke(which)();
      return { reads: counts.reads - start.reads, writes: counts.writes - start.writes };
    };
    const per1000Calls = { withoutLimit: await per1000('withoutLimit'), withLimit: await per1000('withLimit') };
    for (const which of ['withoutLimit', 'withLimit'] as const) {
      report(
        `DynamoDB reads / writes per 1,000 calls, key ${which === 'withLimit' ? 'with' : 'without'} a limit`,
        `${per1000Calls[which].reads} / ${per1000Calls[which].writes}  (lastUsedAt is written by usage-ingest, off the request path)`,
      );
    }
    return {
      handlerMedianMs,
      handlerP99Ms,
      overheadPerCallMs,
      middlewareAloneMedianMs,
      bareUpdateItemMedianMs,
      per1000Calls,
    };
  } finally {
    dynamoDb.middlewareStack.remove(COUNTER_NAME);
  }
}
