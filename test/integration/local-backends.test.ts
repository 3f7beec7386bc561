import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { CallerSignatureError, callerFromHeaders } from 'api-key-platform/backend';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { defineApi, type RouteInput } from '../../functions/definition/api-definition';
import { REDACTED_KEY } from '../../functions/definition/caller-headers';
import { localClients } from '../../local/bootstrap';
import { closeServer, listen, readBody } from '../../local/emulators/listen';
import type { LocalApp } from '../../local/platform';
import { startTestPlatform, type TestPlatform } from '../support/platform';

interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A team's HTTP service: records what reaches it and answers 201 with a header of its own. */
async function startHttpBackend() {
  const received: ReceivedRequest[] = [];
  const server: Server = createServer(async (request, response) => {
    const body = (await readBody(request, 1024 * 1024))?.toString('utf8') ?? '';
    received.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body });
    response.writeHead(201, { 'content-type': 'application/json', 'x-backend': 'widgets' });
    response.end(JSON.stringify({ served: request.url }));
  });
  const port = await listen(server, 0);
  return { received, url: `http://127.0.0.1:${port}`, close: () => closeServer(server) };
}

/** The value an HTTP backend verifies the caller headers with, from the local Secrets Manager. */
async function callerSigningSecretOf(platform: TestPlatform): Promise<string> {
  const { secretsManager } = localClients(platform.bootstrap.endpoints);
  try {
    const secret = await secretsManager.send(
      new GetSecretValueCommand({ SecretId: platform.bootstrap.callerSigningSecretId }),
    );
    return secret.SecretString ?? '';
  } finally {
    secretsManager.destroy();
  }
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await listen(server, 0);
  await closeServer(server);
  return port;
}

function appOf(httpUrl: string, unreachableUrl: string, lambdaEvents: APIGatewayProxyEvent[]): LocalApp {
  const route = (
    method: RouteInput['method'],
    path: string,
    permission: string,
    backend: RouteInput['backend'],
    credits?: number,
  ) => ({ method, path, permission, summary: `${method} ${path}`, backend, ...(credits && { credits }) });
  return {
    definition: defineApi({
      name: 'Backends test API',
      resources: { widgets: ['read', 'write'], gadgets: ['read'], reports: ['read'], quotes: ['create'] },
      routes: [
        route('POST', '/v1/widgets/{id}', 'widgets:write', { http: `${httpUrl}/items/{id}/parts` }),
        route('GET', '/v1/widgets', 'widgets:read', { http: `${unreachableUrl}/items` }),
        route('GET', '/v1/gadgets/{id}', 'gadgets:read', { lambda: 'gadgets' }),
        route('GET', '/v1/reports', 'reports:read', { integration: 'reports' }),
        route('GET', '/v1/reports/{id}', 'reports:read', { integration: 'report' }),
        route('POST', '/v1/quotes', 'quotes:create', { lambda: 'gadgets' }, 3),
        route('POST', '/v1/quotes/{id}', 'quotes:create', { http: `${httpUrl}/quotes/{id}` }, 2),
      ],
      plans: { standard: { requestsPerMinute: 600, customLimit: true } },
      defaultPlan: 'standard',
    }),
    backends: {
      gadgets: async (event) => {
        lambdaEvents.push(event);
        return { statusCode: 200, headers: { 'x-backend': 'gadgets' }, body: JSON.stringify({ id: 'g1' }) };
      },
    },
    integrations: {
      report: async (event) => ({ statusCode: 200, body: JSON.stringify({ report: event.pathParameters?.id }) }),
    },
  };
}

describe('local gateway backends', () => {
  let platform: TestPlatform;
  let httpBackend: Awaited<ReturnType<typeof startHttpBackend>>;
  const lambdaEvents: APIGatewayProxyEvent[] = [];
  let account: string;

  beforeAll(async () => {
    httpBackend = await startHttpBackend();
    const app = appOf(httpBackend.url, `http://127.0.0.1:${await closedPort()}`, lambdaEvents);
    platform = await startTestPlatform({ app });
    account = platform.bootstrap.accountIds[0] as string;
  });
  afterAll(async () => {
    await platform?.close();
    await httpBackend?.close();
  });

  it('forwards method, path parameters, query string and body to an HTTP backend, with the caller as headers', async () => {
    const key = await platform.createKey({ permissions: ['widgets:write', 'widgets:read'], accounts: [account] });

    const response = await platform.live(key.key).post('/v1/widgets/w%201?color=red&color=blue', { size: 3 });

    expect(response.status).toBe(201);
    expect(response.headers['x-backend']).toBe('widgets');
    expect(response.body).toEqual({ served: '/items/w%201/parts?color=red&color=blue' });
    const received = httpBackend.received.at(-1) as ReceivedRequest;
    expect(received).toMatchObject({ method: 'POST', url: '/items/w%201/parts?color=red&color=blue' });
    expect(JSON.parse(received.body)).toEqual({ size: 3 });
    expect(received.headers['content-type']).toBe('application/json');
    expect(received.headers).toMatchObject({
      'x-caller-organization': platform.bootstrap.organizationId,
      'x-caller-key-id': key.id,
      'x-caller-permissions': 'widgets:write,widgets:read',
      'x-caller-accounts': account,
      'x-caller-environment': 'live',
    });
  });

  it('replaces caller headers a client sends with the ones of its key', async () => {
    const key = await platform.createKey({ permissions: ['widgets:write'], accounts: [account] });

    const response = await platform.live(key.key).post('/v1/widgets/w2', undefined, {
      headers: {
        'X-Caller-Organization': 'org_someone_else',
        'x-caller-permissions': 'admin',
        'X-CALLER-ACCOUNTS': '*',
        'X-Caller-Key-Id': ['key_a', 'key_b'],
        'X-Caller-Environment': 'test',
      },
    });

    expect(response.status).toBe(201);
    expect((httpBackend.received.at(-1) as ReceivedRequest).headers).toMatchObject({
      'x-caller-organization': platform.bootstrap.organizationId,
      'x-caller-key-id': key.id,
      'x-caller-permissions': 'widgets:write',
      'x-caller-accounts': account,
      'x-caller-environment': 'live',
    });
  });

  it("never hands an HTTP backend the client's key, through the gateway or the metered proxy; a user's Authorization passes", async () => {
    const key = await platform.createKey({ permissions: ['widgets:write', 'quotes:create'] });
    const headers = { authorization: 'Bearer user.jwt' };

    await platform.live(key.key).post('/v1/widgets/w5', {}, { headers });
    const direct = (httpBackend.received.at(-1) as ReceivedRequest).headers;
    await platform.live(key.key).post('/v1/quotes/q5', {}, { headers });
    const metered = (httpBackend.received.at(-1) as ReceivedRequest).headers;

    for (const received of [direct, metered]) {
      expect(received['x-api-key']).toBe(REDACTED_KEY);
      expect(received.authorization).toBe('Bearer user.jwt');
      expect(JSON.stringify(received)).not.toContain(key.key);
    }
  });

  it('signs the caller headers for this API and stage, through the gateway and through the metered proxy', async () => {
    const signingSecret = await callerSigningSecretOf(platform);

    await platform.admin.post('/v1/widgets/w4', {});
    const direct = (httpBackend.received.at(-1) as ReceivedRequest).headers;
    await platform.admin.post('/v1/quotes/q4', {});
    const metered = (httpBackend.received.at(-1) as ReceivedRequest).headers;

    for (const headers of [direct, metered]) {
      expect(callerFromHeaders(headers, { signingSecret, audience: 'local/live' })).toMatchObject({
        organizationId: platform.bootstrap.organizationId,
        permissions: ['admin'],
      });
      expect(() =>
        callerFromHeaders({ ...headers, 'x-caller-organization': 'org_someone_else' }, { signingSecret }),
      ).toThrow(CallerSignatureError);
    }
  });

  it('answers 502 in the JSON error shape when the HTTP backend is unreachable', async () => {
    const response = await platform.admin.get('/v1/widgets');

    expect(response.status).toBe(502);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.body).toEqual({ error: { code: 'internal_error', message: expect.any(String) } });
  });

  it('does not forward a call the key may not make', async () => {
    const key = await platform.createKey({ permissions: ['widgets:read'] });
    const before = httpBackend.received.length;

    const response = await platform.live(key.key).post('/v1/widgets/w3', {});

    expect(response.status).toBe(403);
    expect(httpBackend.received.length).toBe(before);
  });

  it("hands a Lambda backend the proxy event with the caller in the authorizer's context", async () => {
    const key = await platform.createKey({ permissions: ['gadgets:read'], accounts: [account] });

    const response = await platform.live(key.key).get(`/v1/gadgets/g1?account_id=${account}`);

    expect(response.status).toBe(200);
    expect(response.headers['x-backend']).toBe('gadgets');
    expect(response.body).toEqual({ id: 'g1' });
    const event = lambdaEvents.at(-1) as APIGatewayProxyEvent;
    expect(event).toMatchObject({
      resource: '/v1/gadgets/{id}',
      httpMethod: 'GET',
      pathParameters: { id: 'g1' },
      queryStringParameters: { account_id: account },
    });
    expect(event.requestContext.authorizer).toMatchObject({
      keyId: key.id,
      organizationId: platform.bootstrap.organizationId,
      environment: 'live',
      permissions: JSON.stringify(['gadgets:read']),
      accounts: JSON.stringify([account]),
    });
  });

  it('serves an integration through its local stand-in, and answers 501 for one without', async () => {
    const served = await platform.admin.get('/v1/reports/r7');
    const missing = await platform.admin.get('/v1/reports');

    expect(served).toMatchObject({ status: 200, body: { report: 'r7' } });
    expect(missing.status).toBe(501);
    expect(missing.body.error).toEqual({
      code: 'not_implemented_locally',
      message: expect.stringContaining('reports'),
    });
  });

  it('charges through the metered proxy, which invokes the Lambda backend through the local Lambda endpoint', async () => {
    const response = await platform.admin.post('/v1/quotes', { amount: 1 });

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ id: 'g1' });
    expect(response.headers['x-credits-consumed']).toBe('3');
    expect(lambdaEvents.at(-1)).toMatchObject({ resource: '/v1/quotes', httpMethod: 'POST' });
    expect(lambdaEvents.at(-1)?.requestContext.authorizer).toMatchObject({
      organizationId: platform.bootstrap.organizationId,
    });
  });

  it('charges through the metered proxy, which calls the HTTP backend with the caller headers', async () => {
    const response = await platform.admin.post(
      '/v1/quotes/q9?fast=yes',
      { amount: 2 },
      {
        headers: { 'X-Caller-Organization': 'org_someone_else' },
      },
    );

    expect(response.status).toBe(201);
    expect(response.headers['x-credits-consumed']).toBe('2');
    const received = httpBackend.received.at(-1) as ReceivedRequest;
    expect(received.url).toBe('/quotes/q9?fast=yes');
    expect(received.headers['x-caller-organization']).toBe(platform.bootstrap.organizationId);
  });
});

describe('startPlatform', () => {
  it('refuses an app whose definition names a lambda backend it has no handler for', async () => {
    const { definition } = appOf('http://127.0.0.1:1', 'http://127.0.0.1:1', []);

    await expect(startTestPlatform({ app: { definition } })).rejects.toThrow(/lambda backends.*gadgets/);
  });
});
