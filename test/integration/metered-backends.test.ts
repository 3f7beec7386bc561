/**
 * Credits on backends other than Leadbase's, through the local stack: paid routes on an HTTP
 * backend (a server on loopback) and on Lambda backends (in-process, behind the local Lambda
 * endpoint) are charged by the metered proxy, forwarded with the caller, and refunded when the
 * backend fails or gives no answer.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { closeServer, listen, readBody } from '../../local/emulators/listen';
import type { Denial } from '../../local/iam/enforcement';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { aTestApi } from '../support/test-api';

interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

describe('metered backends', () => {
  const seen: SeenRequest[] = [];
  const fleet = createServer(async (request: IncomingMessage, response: ServerResponse) => {
    const body = (await readBody(request, 64 * 1024))?.toString('utf8') ?? '';
    seen.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body });
    if (request.url?.startsWith('/fleet/rides/r_gone')) return request.socket.destroy();
    if (request.url?.startsWith('/fleet/rides/r_missing')) {
      response.writeHead(404, { 'content-type': 'application/json' });
      return response.end('{"error":{"code":"not_found","message":"No ride r_missing."}}');
    }
    response.writeHead(request.method === 'POST' ? 201 : 200, { 'content-type': 'application/json', 'x-fleet': 'yes' });
    response.end(JSON.stringify({ ride: 'r_1' }));
  });
  const quotes = jest.fn(
    async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => ({
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ quote: 12.5, organizationId: event.requestContext.authorizer?.organizationId }),
    }),
  );
  const broken = jest.fn(async (): Promise<APIGatewayProxyResult> => {
    throw new Error('the pricing table is gone');
  });
  let platform: TestPlatform;
  const denials: Denial[] = [];

  beforeAll(async () => {
    const fleetUrl = `http://127.0.0.1:${await listen(fleet, 0)}/fleet`;
    const definition = aTestApi({
      resources: { rides: ['read', 'create'], quotes: ['create'] },
      routes: [
        {
          method: 'POST',
          path: '/v1/rides',
          permission: 'rides:create',
          summary: 'Book a ride',
          credits: 2,
          backend: { http: `${fleetUrl}/rides` },
        },
        {
          method: 'GET',
          path: '/v1/rides/{id}',
          permission: 'rides:read',
          summary: 'Read a ride',
          credits: 1,
          backend: { http: `${fleetUrl}/rides/{id}` },
        },
        {
          method: 'POST',
          path: '/v1/quotes',
          permission: 'quotes:create',
          summary: 'Quote a ride',
          credits: 3,
          backend: { lambda: 'quotes' },
        },
        {
          method: 'PUT',
          path: '/v1/quotes',
          permission: 'quotes:create',
          summary: 'Requote a ride',
          credits: 3,
          backend: { lambda: 'broken' },
        },
      ],
      plans: { basic: { requestsPerMinute: 600, customLimit: true } },
      defaultPlan: 'basic',
    });
    platform = await startTestPlatform({
      app: { definition, backends: { quotes, broken } },
      iam: { onDenial: (denial) => denials.push(denial) },
    });
  });
  afterAll(async () => {
    await platform.close();
    await closeServer(fleet);
  });

  async function anOrganizationWith(creditBalance: number) {
    const { organization, admin } = await platform.createOrganization({ creditBalance });
    const balance = async () => (await platform.provisioningDeps().organizations.get(organization.id))?.creditBalance;
    return { organizationId: organization.id, accountIds: organization.accounts.map(({ id }) => id), admin, balance };
  }

  it('charges a call to an HTTP backend and forwards it with the caller, whatever caller headers the client sent', async () => {
    const { organizationId, accountIds, admin, balance } = await anOrganizationWith(10);
    seen.length = 0;

    const response = await admin.post(
      '/v1/rides?priority=high',
      { from: 'A', to: 'B' },
      {
        headers: { 'X-Caller-Organization': 'org_someone_else', 'X-Caller-Permissions': 'admin' },
      },
    );

    expect(response.status).toBe(201);
    expect(response.body).toEqual({ ride: 'r_1' });
    expect(response.headers['x-fleet']).toBe('yes');
    expect(response.headers['x-credits-consumed']).toBe('2');
    expect(response.headers['x-credits-remaining']).toBe('8');
    expect(await balance()).toBe(8);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/fleet/rides?priority=high', body: '{"from":"A","to":"B"}' });
    expect(seen[0]?.headers).toMatchObject({
      'x-caller-organization': organizationId,
      'x-caller-permissions': 'admin',
      // The admin key's `*`, spelled out as its organization's sub-accounts.
      'x-caller-accounts': accountIds.join(','),
      'x-caller-environment': 'live',
    });
  });

  it('refunds a call the HTTP backend answers with 404, and passes the answer on', async () => {
    const { admin, balance } = await anOrganizationWith(10);

    const response = await admin.get('/v1/rides/r_missing');

    expect(response.status).toBe(404);
    expect(response.body).toEqual({ error: { code: 'not_found', message: 'No ride r_missing.' } });
    expect(response.headers['x-credits-consumed']).toBe('0');
    expect(await balance()).toBe(10);
  });

  it('answers 502 and refunds when the HTTP backend drops the connection', async () => {
    const { admin, balance } = await anOrganizationWith(10);

    const response = await admin.get('/v1/rides/r_gone');

    expect(response.status).toBe(502);
    expect(response.body.error.code).toBe('bad_gateway');
    expect(response.headers['x-credits-remaining']).toBe('10');
    expect(await balance()).toBe(10);
  });

  it('charges a call to a Lambda backend, which gets the proxy event with the caller', async () => {
    const { organizationId, admin, balance } = await anOrganizationWith(10);

    const response = await admin.post('/v1/quotes', { km: 4 });

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ quote: 12.5, organizationId });
    expect(response.headers['x-credits-consumed']).toBe('3');
    expect(await balance()).toBe(7);
    expect(denials).toEqual([]);
  });

  it('answers 502 in the platform error shape and refunds when the Lambda backend throws', async () => {
    const { admin, balance } = await anOrganizationWith(10);

    const response = await admin.put('/v1/quotes', { km: 4 });

    expect(broken).toHaveBeenCalled();
    expect(response.status).toBe(502);
    expect(response.body).toEqual({
      error: {
        code: 'bad_gateway',
        message: 'The service behind this route did not answer; the call was not charged. Retry later.',
      },
    });
    expect(response.headers['x-credits-consumed']).toBe('0');
    expect(await balance()).toBe(10);
  });

  it('never reaches a backend when the balance does not cover the call', async () => {
    const { admin, balance } = await anOrganizationWith(2);
    quotes.mockClear();

    const response = await admin.post('/v1/quotes', { km: 4 });

    expect(response.status).toBe(402);
    expect(quotes).not.toHaveBeenCalled();
    expect(await balance()).toBe(2);
  });
});
