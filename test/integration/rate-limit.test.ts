/**
 * Per-key rate limits through the local stack, on a platform route (the platform's route stack
 * enforces them). Only `Date` is faked: the clock is pinned to a chosen instant so every call
 * falls in the window the test means, with no sleeps; timers and I/O run for real.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayAuthorizerResult, APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { activeApi } from '../../functions/definition/active-api';
import { matchRoute, type RouteMatch } from '../../functions/definition/routes';
import { authorizerEvent, type IncomingCall, lambdaContext, proxyEvent } from '../../local/gateway/events';
import { useFakeDate } from '../support/fake-date';
import { startTestPlatform, type TestPlatform } from '../support/platform';

useFakeDate();

type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** The start of a minute well after now, so pinned windows of earlier tests never overlap. */
let nextMinute = Math.ceil(Date.now() / 60_000) * 60_000 + 60_000;
function pinToAFreshMinute(offsetSeconds = 0): number {
  const minute = nextMinute;
  nextMinute += 5 * 60_000;
  jest.setSystemTime(minute + offsetSeconds * 1000);
  return minute / 1000;
}

describe('per-key rate limit', () => {
  let platform: TestPlatform;
  let documents: DynamoDBDocumentClient;
  /** Every UpdateItem the handlers sent on a `RATE#` item, by key id. */
  const counterWrites: string[] = [];

  beforeAll(async () => {
    platform = await startTestPlatform();
    // The handlers' own client, loaded after the platform pointed the SDK at dynalite.
    ({ dynamoDb: documents } = await import('../../functions/runtime/clients'));
    documents.middlewareStack.add(
      (next) => async (args) => {
        const input = args.input as { Key?: { pk?: unknown } };
        const pk = input.Key?.pk;
        if (typeof pk === 'string' && pk.startsWith('RATE#')) counterWrites.push(pk.slice('RATE#'.length));
        return next(args);
      },
      { step: 'initialize', name: 'rateCounterSpy' },
    );
  });
  afterAll(() => platform.close());

  const countersOf = async (keyId: string) =>
    (
      await documents.send(
        new QueryCommand({
          TableName: platform.bootstrap.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `RATE#${keyId}` },
        }),
      )
    ).Items ?? [];

  it('lets exactly N calls through in a window and answers the next with 429, Retry-After and X-RateLimit-*', async () => {
    const windowStart = pinToAFreshMinute(10);
    const { id, key } = await platform.createKey({ permissions: ['read'], rateLimitPerMinute: 3 });
    const api = platform.live(key);

    const responses = [];
    for (let call = 0; call < 4; call++) responses.push(await api.get(`/v1/whoami`));

    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 429]);
    expect(responses.map((response) => response.headers['x-ratelimit-remaining'])).toEqual(['2', '1', '0', '0']);
    for (const response of responses) {
      expect(response.headers['x-ratelimit-limit']).toBe('3');
      expect(response.headers['x-ratelimit-reset']).toBe('50');
    }
    const rejected = responses[3];
    expect(rejected?.headers['retry-after']).toBe('50');
    expect(rejected?.body).toEqual({
      error: { code: 'rate_limited', message: expect.stringContaining('limited to 3 requests per minute') },
    });
    expect(await countersOf(id)).toEqual([
      { pk: `RATE#${id}`, sk: String(windowStart), count: 3, ttl: expect.any(Number) },
    ]);
  });

  it('says to retry after at least 1 s in the last instant of a window', async () => {
    pinToAFreshMinute(59.999);
    const { key } = await platform.createKey({ permissions: ['read'], rateLimitPerMinute: 1 });
    const api = platform.live(key);
    await api.get(`/v1/whoami`);

    const rejected = await api.get(`/v1/whoami`);

    expect(rejected.status).toBe(429);
    expect(rejected.headers['retry-after']).toBe('1');
    expect(rejected.headers['x-ratelimit-reset']).toBe('1');
  });

  it('starts counting again in the next window', async () => {
    const windowStart = pinToAFreshMinute(30);
    const { key } = await platform.createKey({ permissions: ['read'], rateLimitPerMinute: 2 });
    const api = platform.live(key);
    for (let call = 0; call < 3; call++) await api.get(`/v1/whoami`);
    expect((await api.get(`/v1/whoami`)).status).toBe(429);

    jest.setSystemTime((windowStart + 60) * 1000);
    const next = await api.get(`/v1/whoami`);

    expect(next.status).toBe(200);
    expect(next.headers['x-ratelimit-remaining']).toBe('1');
    expect(next.headers['x-ratelimit-reset']).toBe('60');
  });

  it("never limits a key without a limit of its own, and writes no counter for it: the plan's limit is in the headers", async () => {
    pinToAFreshMinute();
    const { id, key } = await platform.createKey({ permissions: ['read'] });
    const api = platform.live(key);

    const statuses = [];
    for (let call = 0; call < 25; call++) {
      const response = await api.get(`/v1/whoami`);
      statuses.push(response.status);
      // The suite's organization is on a custom figure of a million a minute (test/support/platform.ts).
      expect(response.headers['x-ratelimit-limit']).toBe('1000000');
    }

    expect(statuses.every((status) => status === 200)).toBe(true);
    expect(counterWrites).not.toContain(id);
    expect(await countersOf(id)).toEqual([]);
  });

  it('limits management calls of a limited admin key too', async () => {
    pinToAFreshMinute();
    const { key } = await platform.createKey({ permissions: ['admin'], rateLimitPerMinute: 1 });
    const api = platform.live(key);

    const statuses = [(await api.get('/v1/keys')).status, (await api.get('/v1/keys')).status];

    expect(statuses).toEqual([200, 429]);
  });

  it('applies a changed limit at once, since an edit flushes the authorizer cache', async () => {
    pinToAFreshMinute();
    const { id, key } = await platform.createKey({ permissions: ['read'], rateLimitPerMinute: 1 });
    const api = platform.live(key);
    await api.get(`/v1/whoami`);
    expect((await api.get(`/v1/whoami`)).status).toBe(429);

    await platform.admin.patch(`/v1/keys/${id}`, { rateLimitPerMinute: 10 });
    const raised = await api.get(`/v1/whoami`);
    await platform.admin.patch(`/v1/keys/${id}`, { rateLimitPerMinute: null });
    const cleared = await api.get(`/v1/whoami`);

    expect(raised.status).toBe(200);
    expect(raised.headers['x-ratelimit-limit']).toBe('10');
    expect(cleared.status).toBe(200);
    expect(cleared.headers['x-ratelimit-limit']).toBe('1000000'); // the organization's, again
  });

  it('is honoured across two concurrent instances of the handler: with limit N, exactly N of 2N calls pass', async () => {
    pinToAFreshMinute(5);
    const limit = 5;
    const { key } = await platform.createKey({ permissions: ['read'], rateLimitPerMinute: limit });
    const loadInstance = async () => {
      let handler: ProxyHandler | undefined;
      await jest.isolateModulesAsync(async () => {
        ({ handler } = await import('../../functions/account/whoami'));
      });
      return handler as ProxyHandler;
    };
    const instances = [await loadInstance(), await loadInstance()];
    expect(instances[0]).not.toBe(instances[1]);
    const { handler: authorizer } = (await import('../../functions/authorizer/handler')) as {
      handler: (event: unknown) => Promise<APIGatewayAuthorizerResult>;
    };
    const match = matchRoute('GET', '/v1/whoami', activeApi().routes) as RouteMatch;
    const incoming = (index: number): IncomingCall => ({
      restApiId: 'local',
      stage: 'live',
      method: 'GET',
      path: '/v1/whoami',
      route: match.route,
      pathParameters: match.pathParameters,
      headers: { 'x-api-key': [key], 'user-agent': ['rate-limit-test'] },
      query: {},
      body: Buffer.alloc(0),
      sourceIp: '127.0.0.1',
      requestId: `req-${index}`,
      requestTime: new Date(),
    });
    // As the local gateway does: the authorizer's context plus principalId, in a v1 proxy event.
    const allowed = await authorizer(authorizerEvent(incoming(0)));
    const context = { ...allowed.context, principalId: allowed.principalId };

    const responses = await Promise.all(
      Array.from({ length: 2 * limit }, (_, index) =>
        (instances[index % 2] as ProxyHandler)(proxyEvent(incoming(index), context), lambdaContext('whoami', 10_000)),
      ),
    );

    const statuses = responses.map((response) => response.statusCode);
    expect(statuses.filter((status) => status === 200)).toHaveLength(limit);
    expect(statuses.filter((status) => status === 429)).toHaveLength(limit);
  });
});
