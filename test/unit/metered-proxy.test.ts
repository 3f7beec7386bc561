/**
 * The metered proxy as its handler composes it: the credits middleware charges, forwardToBackend
 * calls the route's backend, and the middleware refunds whatever did not succeed.
 */

import type { APIGatewayProxyEvent } from 'aws-lambda';
import fc from 'fast-check';
import { loadApi } from '../../functions/definition/active-api';
import { API_KEY_HEADER_MODES } from '../../functions/definition/api';
import { CALLER_HEADERS, REDACTED_KEY } from '../../functions/definition/caller-headers';
import { type CreditHolder, type CreditLedger, costTable } from '../../functions/domain/credits';
import { BadGatewayError, GatewayTimeoutError, ValidationError } from '../../functions/domain/errors';
import { lambdaProxyResult } from '../../functions/domain/metering/backend-response';
import { backendUrl, forwardedHeaders } from '../../functions/domain/metering/forwarded-request';
import {
  type BackendResponse,
  type Backends,
  forwardToBackend,
  teamRouteOf,
} from '../../functions/domain/metering/metered-proxy';
import { credits } from '../../functions/runtime/credits';
import { backendFunctionArns, incomingRequestOf } from '../../functions/runtime/metered-proxy';
import { anAuthorizedEvent, aStack } from '../support/middleware-harness';
import { aTestApi } from '../support/test-api';

const api = loadApi(
  aTestApi({
    resources: { rides: ['read', 'create'] },
    routes: [
      {
        method: 'POST',
        path: '/v1/rides',
        permission: 'rides:create',
        summary: 'Book a ride',
        credits: 5,
        backend: { lambda: 'rides' },
      },
      {
        method: 'GET',
        path: '/v1/rides/{id}',
        permission: 'rides:read',
        summary: 'Read a ride',
        credits: 1,
        backend: { http: 'https://fleet.example/api/rides/{id}?source=platform' },
      },
    ],
  }).compiled,
);

/** A ledger that behaves as the DynamoDB one: a conditional decrement and an atomic add. */
function aLedger(balance: number) {
  const state = { balance };
  const ledger: CreditLedger = {
    consume: async (_holder: CreditHolder, cost: number) => {
      if (state.balance < cost) return { consumed: false, balance: state.balance };
      state.balance -= cost;
      return { consumed: true, balance: state.balance };
    },
    add: async (_holder: CreditHolder, amount: number) => {
      state.balance += amount;
      return state.balance;
    },
  };
  return { ledger, state };
}

const ok = (body: unknown): BackendResponse => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

function aMeteredProxy(options: { balance: number; backends?: Partial<Backends> }) {
  const { ledger, state } = aLedger(options.balance);
  const backends = {
    invokeFunction: jest.fn<ReturnType<Backends['invokeFunction']>, Parameters<Backends['invokeFunction']>>(
      options.backends?.invokeFunction ?? (async () => ok({ booked: true })),
    ),
    send: jest.fn<ReturnType<Backends['send']>, Parameters<Backends['send']>>(
      options.backends?.send ?? (async () => ok({ ride: 'r_1' })),
    ),
  };
  const invoke = aStack(credits(ledger, costTable(api.routes), { error: jest.fn() }), async (event) =>
    forwardToBackend(
      teamRouteOf(api.teamRoutes, event.httpMethod, event.resource),
      incomingRequestOf(event),
      backends,
      'authorization',
    ),
  );
  return { invoke, backends, state };
}

function aBooking(): APIGatewayProxyEvent {
  const event = anAuthorizedEvent({ method: 'POST', path: '/v1/rides' });
  event.body = '{"from":"A","to":"B"}';
  return event;
}

function aRideRead(headers: Record<string, string[]> = {}): APIGatewayProxyEvent {
  const event = anAuthorizedEvent({ method: 'GET', path: '/v1/rides/{id}' });
  event.path = '/v1/rides/r%2F1';
  event.pathParameters = { id: 'r/1' };
  event.multiValueQueryStringParameters = { fields: ['km', 'price'] };
  event.multiValueHeaders = headers;
  // As the authorizer signs (functions/authorizer/authorize.ts); the proxy passes it on untouched.
  Object.assign(event.requestContext.authorizer ?? {}, {
    callerAudience: 'abc123/live',
    callerIssuedAt: '1772366400',
    callerSignature: 'c2lnbmVk',
  });
  return event;
}

describe('metered proxy', () => {
  it('charges a paid call, then hands the same event to the Lambda backend and returns its answer', async () => {
    const { invoke, backends, state } = aMeteredProxy({ balance: 12 });
    const event = aBooking();

    const response = await invoke(event);

    expect(backends.invokeFunction).toHaveBeenCalledWith('rides', event);
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ booked: true });
    expect(response.headers).toMatchObject({
      'content-type': 'application/json',
      'X-Credits-Consumed': '5',
      'X-Credits-Remaining': '7',
    });
    expect(state.balance).toBe(7);
  });

  it('never calls the backend when the balance is too low, and answers 402', async () => {
    const { invoke, backends, state } = aMeteredProxy({ balance: 4 });

    const response = await invoke(aBooking());

    expect(backends.invokeFunction).not.toHaveBeenCalled();
    expect(response.statusCode).toBe(402);
    expect(JSON.parse(response.body).error.code).toBe('insufficient_credits');
    expect(response.headers).toMatchObject({ 'X-Credits-Consumed': '0', 'X-Credits-Remaining': '4' });
    expect(state.balance).toBe(4);
  });

  it.each([
    400, 404, 409, 500, 503,
  ])('refunds a call the backend answers with %i, and passes the answer on', async (status) => {
    const answer = { statusCode: status, headers: { 'x-backend': 'fleet' }, body: '{"error":{"code":"x"}}' };
    const { invoke, state } = aMeteredProxy({ balance: 12, backends: { invokeFunction: async () => answer } });

    const response = await invoke(aBooking());

    expect(response.statusCode).toBe(status);
    expect(response.body).toBe(answer.body);
    expect(response.headers).toMatchObject({
      'x-backend': 'fleet',
      'X-Credits-Consumed': '0',
      'X-Credits-Remaining': '12',
    });
    expect(state.balance).toBe(12);
  });

  it.each([
    [502, 'bad_gateway', new BadGatewayError('The service behind this route did not answer.')],
    [504, 'gateway_timeout', new GatewayTimeoutError('The service behind this route did not answer in time.')],
  ])('answers %i (%s) in the platform error shape when the backend gives no answer, and refunds', async (status, code, error) => {
    const { invoke, state } = aMeteredProxy({
      balance: 12,
      backends: {
        invokeFunction: async () => {
          throw error;
        },
      },
    });

    const response = await invoke(aBooking());

    expect(response.statusCode).toBe(status);
    expect(JSON.parse(response.body)).toEqual({ error: { code, message: error.message } });
    expect(response.headers).toMatchObject({ 'X-Credits-Consumed': '0', 'X-Credits-Remaining': '12' });
    expect(state.balance).toBe(12);
  });

  it('sends an HTTP backend the request: path parameters filled, query appended, caller headers set, key redacted', async () => {
    const { invoke, backends, state } = aMeteredProxy({ balance: 12 });

    const response = await invoke(
      aRideRead({
        accept: ['application/json'],
        Authorization: ['Bearer sk_live_the_customers_key'],
        'X-Caller-Organization': ['org_someone_else'],
        'X-Caller-Signature': ['forged'],
        Connection: ['close'],
      }),
    );

    expect(response.statusCode).toBe(200);
    expect(state.balance).toBe(11);
    const [request] = backends.send.mock.calls[0] ?? [];
    expect(request?.url.toString()).toBe(
      'https://fleet.example/api/rides/r%2F1?source=platform&fields=km&fields=price',
    );
    expect(request?.method).toBe('GET');
    expect(request?.body).toBeUndefined();
    expect(Object.fromEntries(request?.headers ?? [])).toEqual({
      accept: 'application/json',
      'X-Caller-Organization': 'org_1',
      'X-Caller-Key-Id': 'key_AAAAAAAAAAAAAAAA',
      'X-Caller-Permissions': 'admin',
      'X-Caller-Accounts': '*',
      'X-Caller-Environment': 'live',
      'X-Caller-Audience': 'abc123/live',
      'X-Caller-Issued-At': '1772366400',
      'X-Caller-Signature': 'c2lnbmVk',
      'x-api-key': REDACTED_KEY,
      Authorization: REDACTED_KEY,
    });
  });

  it.each([
    '..',
    '.',
  ])('refuses a path parameter %j with 400 naming it, never calls the backend, and refunds', async (id) => {
    const { invoke, backends, state } = aMeteredProxy({ balance: 12 });
    const event = aRideRead();
    event.pathParameters = { id };

    const response = await invoke(event);

    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body).error).toMatchObject({ code: 'invalid_request', fields: [{ field: 'id' }] });
    expect(backends.send).not.toHaveBeenCalled();
    expect(state.balance).toBe(12);
  });
});

describe('metered proxy and sub-accounts', () => {
  it("sends an HTTP backend the sub-accounts the authorizer spelled out and signed, not the platform's *", async () => {
    const { invoke, backends } = aMeteredProxy({ balance: 12 });
    const event = aRideRead();
    Object.assign(event.requestContext.authorizer ?? {}, { accounts: '"*"', callerAccounts: 'acc_1,acc_2' });

    await invoke(event);

    const [request] = backends.send.mock.calls[0] ?? [];
    expect(Object.fromEntries(request?.headers ?? [])).toMatchObject({ 'X-Caller-Accounts': 'acc_1,acc_2' });
  });

  it('sends an HTTP backend the rate limit the authorizer signed (caller-v2), so the signature still verifies', async () => {
    const { invoke, backends } = aMeteredProxy({ balance: 12 });
    const event = aRideRead();
    Object.assign(event.requestContext.authorizer ?? {}, { rateLimit: '600', rateLimitScope: 'organization' });

    await invoke(event);

    const [request] = backends.send.mock.calls[0] ?? [];
    expect(Object.fromEntries(request?.headers ?? [])).toMatchObject({
      'X-Caller-Rate-Limit': '600',
      'X-Caller-Rate-Limit-Scope': 'organization',
    });
  });
});

describe('forwardedHeaders', () => {
  const context = {
    organizationId: 'org_1',
    keyId: 'key_1',
    environment: 'test',
    callerPermissions: 'rides:read',
    callerAccounts: 'acc_1,acc_2',
    callerAudience: 'abc123/test',
    callerIssuedAt: '1772366400',
    callerSignature: 'c2lnbmVk',
  };

  it('sets every caller header from the authorizer context, whatever the client sent under those names', () => {
    const header = fc.constantFrom(...Object.keys(CALLER_HEADERS), 'accept', 'Connection', 'x-trace', 'Host');
    const casing = fc.boolean();
    fc.assert(
      fc.property(
        fc.array(fc.tuple(header, casing, fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 })), { maxLength: 8 }),
        (sent) => {
          const headers = Object.fromEntries(
            sent.map(([name, upper, values]) => [upper ? name.toUpperCase() : name, values]),
          );

          const forwarded = forwardedHeaders(headers, context, 'x-api-key');

          const callerPairs = forwarded.filter(([name]) => name.toLowerCase().startsWith('x-caller-'));
          expect(Object.fromEntries(callerPairs)).toEqual({
            'X-Caller-Organization': 'org_1',
            'X-Caller-Key-Id': 'key_1',
            'X-Caller-Permissions': 'rides:read',
            'X-Caller-Accounts': 'acc_1,acc_2',
            'X-Caller-Environment': 'test',
            'X-Caller-Audience': 'abc123/test',
            'X-Caller-Issued-At': '1772366400',
            'X-Caller-Signature': 'c2lnbmVk',
          });
          expect(callerPairs).toHaveLength(8);
          expect(forwarded.some(([name]) => ['host', 'connection'].includes(name.toLowerCase()))).toBe(false);
        },
      ),
    );
  });

  it("sends no caller header whose context value is missing or empty, as API Gateway skips such a mapping, and drops the client's", () => {
    const forwarded = forwardedHeaders(
      { 'x-caller-rate-limit': ['100000'], 'X-Caller-Rate-Limit-Scope': ['key'] },
      { ...context, rateLimitScope: '' },
      'x-api-key',
    );

    const names = forwarded.map(([name]) => name.toLowerCase());
    expect(names).not.toContain('x-caller-rate-limit');
    expect(names).not.toContain('x-caller-rate-limit-scope');
    expect(forwarded.every(([, value]) => value !== '')).toBe(true);
  });

  it('sends the rate limit and its scope when the context has them', () => {
    const forwarded = forwardedHeaders(
      {},
      { ...context, rateLimit: '60', rateLimitScope: 'organization' },
      'x-api-key',
    );

    expect(Object.fromEntries(forwarded)).toMatchObject({
      'X-Caller-Rate-Limit': '60',
      'X-Caller-Rate-Limit-Scope': 'organization',
    });
  });

  it('drops the headers the Connection header names, and keeps repeated values', () => {
    const forwarded = forwardedHeaders(
      { Connection: ['x-secret-hop'], 'x-secret-hop': ['1'], accept: ['a', 'b'] },
      context,
      'x-api-key',
    );

    expect(forwarded.filter(([name]) => !name.startsWith('X-Caller'))).toEqual([
      ['accept', 'a'],
      ['accept', 'b'],
      ['x-api-key', REDACTED_KEY],
    ]);
  });
});

describe('forwardedHeaders and the API key', () => {
  const key = 'sk_live_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

  it.each([
    ['x-api-key', { 'x-api-key': REDACTED_KEY, Authorization: 'Bearer user.jwt' }],
    ['authorization', { 'x-api-key': REDACTED_KEY, Authorization: REDACTED_KEY }],
    ['either', { 'x-api-key': REDACTED_KEY, Authorization: REDACTED_KEY }],
  ] as const)('in %s mode sends the key headers as the static value API Gateway maps', (mode, expected) => {
    const sent = mode === 'x-api-key' ? { 'X-Api-Key': [key], Authorization: ['Bearer user.jwt'] } : undefined;
    const headers = sent ?? { 'X-Api-Key': [key], authorization: [`Bearer ${key}`] };

    const forwarded = forwardedHeaders(headers, {}, mode);

    const keyPairs = forwarded.filter(([name]) => ['x-api-key', 'authorization'].includes(name.toLowerCase()));
    expect(Object.fromEntries(keyPairs)).toEqual(expected);
    expect(keyPairs).toHaveLength(Object.keys(expected).length);
  });

  it('never forwards the key, in any mode, whatever the casing or how often the client sent it', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...API_KEY_HEADER_MODES),
        fc.array(fc.tuple(fc.constantFrom('x-api-key', 'X-API-KEY', 'Authorization', 'authorization'), fc.nat(2))),
        (mode, sent) => {
          const headers: Record<string, string[]> = {};
          for (const [name, times] of sent) {
            headers[name] = Array.from({ length: times + 1 }, () => (name.startsWith('x') ? key : `Bearer ${key}`));
          }
          // In x-api-key mode Authorization is the client's own business: a key there is not the API key.
          const mayPass = (name: string) => mode === 'x-api-key' && name.toLowerCase() === 'authorization';

          const forwarded = forwardedHeaders(headers, {}, mode);

          const leaked = forwarded.filter(([name, value]) => value.includes(key) && !mayPass(name));
          expect(leaked).toEqual([]);
        },
      ),
    );
  });
});

describe('backendUrl', () => {
  it('encodes a path parameter as one segment, so it cannot climb out of the path', () => {
    expect(backendUrl('https://fleet.example/rides/{id}', { id: '../admin?x=1' }, null).toString()).toBe(
      'https://fleet.example/rides/..%2Fadmin%3Fx%3D1',
    );
  });

  it.each(['..', '.'])('refuses %j as a path parameter with a ValidationError naming it', (value) => {
    const build = () => backendUrl('https://svc.example/tenants/{tenant}/rides', { tenant: value }, null);

    expect(build).toThrow(ValidationError);
    expect(build).toThrow(/^tenant: /);
  });

  it("never leaves the template's path: each parameter stays one segment under the template's prefix", () => {
    const part = fc.oneof(
      fc.constantFrom('.', '..', '/', '%', '%2e', '%2E%2E', '%2F', '\\', '?', '#', ';', ' '),
      fc.string({ maxLength: 4 }),
    );
    const value = fc.array(part, { maxLength: 4 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(value, value, (tenant, id) => {
        let url: URL;
        try {
          url = backendUrl('https://svc.example/api/tenants/{tenant}/rides/{id}', { tenant, id }, null);
        } catch (error) {
          expect(error).toBeInstanceOf(ValidationError);
          return;
        }

        const segments = url.pathname.split('/');
        expect(url.origin).toBe('https://svc.example');
        expect(segments).toHaveLength(6);
        expect(segments.slice(0, 3)).toEqual(['', 'api', 'tenants']);
        expect(segments[4]).toBe('rides');
        expect(decodeURIComponent(segments[3] ?? '')).toBe(tenant);
        expect(decodeURIComponent(segments[5] ?? '')).toBe(id);
        expect(url.search).toBe('');
      }),
    );
  });
});

describe('lambdaProxyResult', () => {
  it('reads a proxy result, stringifying header values as API Gateway does', () => {
    expect(lambdaProxyResult('{"statusCode":201,"headers":{"x-count":3},"body":"{}"}', undefined)).toEqual({
      statusCode: 201,
      headers: { 'x-count': '3' },
      body: '{}',
    });
  });

  it.each([
    ['a function error', '{"errorType":"Error","errorMessage":"boom"}', 'Unhandled'],
    ['a payload that is not JSON', 'not json', undefined],
    ['JSON that is no proxy result', '{"booked":true}', undefined],
    ['a status out of range', '{"statusCode":99}', undefined],
  ])('turns %s into BadGatewayError', (_case, payload, functionError) => {
    expect(() => lambdaProxyResult(payload, functionError)).toThrow(BadGatewayError);
  });
});

describe('backendFunctionArns', () => {
  it('refuses, at cold start, a configuration without the ARN of a paid Lambda backend', () => {
    expect(() => backendFunctionArns('{}', api.teamRoutes)).toThrow(/no function ARN for rides/);
    expect(() => backendFunctionArns(undefined, api.teamRoutes)).toThrow(/no function ARN for rides/);
  });

  it('reads the ARNs by backend name', () => {
    const arns = { rides: 'arn:aws:lambda:eu-west-1:123456789012:function:rides' };

    expect(backendFunctionArns(JSON.stringify(arns), api.teamRoutes)).toEqual(arns);
  });
});
