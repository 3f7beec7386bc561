/**
 * The local gateway's HTTP proxy integration refuses what the metered proxy refuses: a path
 * parameter that would resolve as a dot segment in the backend URL.
 */
import { activeApi } from '../../functions/definition/active-api';
import type { IncomingCall } from '../../local/gateway/events';
import { proxyHttp } from '../../local/gateway/integrations';

const aCall = (pathParameters: Record<string, string>): IncomingCall => ({
  restApiId: 'local',
  stage: 'live',
  method: 'GET',
  path: `/v1/widgets/${pathParameters.id}`,
  route: activeApi().routes[0] as IncomingCall['route'],
  pathParameters,
  headers: {},
  query: {},
  body: Buffer.alloc(0),
  sourceIp: '127.0.0.1',
  requestId: 'req_1',
  requestTime: new Date(0),
});

describe('proxyHttp', () => {
  it.each(['..', '.'])('answers 400 naming the parameter for %j, before any connection', async (id) => {
    // Port 1 has no listener: a request sent there would come back 502.
    const response = await proxyHttp('http://127.0.0.1:1/items/{id}', aCall({ id }), {}, 'x-api-key');

    expect(response.statusCode).toBe(400);
    expect(response.headers).toMatchObject({ 'content-type': 'application/json', 'x-amzn-requestid': 'req_1' });
    expect(JSON.parse(response.body).error).toMatchObject({ code: 'invalid_request', fields: [{ field: 'id' }] });
  });
});
