import middy from '@middy/core';
import {
  type AccountScopedContext,
  accountScope,
  callerFromHeaders,
  callerRateLimitHeaders,
  rateLimitHeaders,
  rateLimitHeadersMiddleware,
  signedCallerHeaders,
} from 'api-key-platform/backend';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { anAuthorizerContext, aProxyEvent, CALLER_SIGNING_SECRET, NOW } from '../support/unit-factories';

/** Each test its own organization: the toolkit counts per instance, across the whole test file. */
function anEventOf(organizationId: string, limit?: { rateLimit: string; rateLimitScope: string }) {
  const event = aProxyEvent({ method: 'GET', path: '/v1/contacts', query: { account_id: 'acc_1' } });
  event.requestContext.authorizer = anAuthorizerContext({ organizationId, accounts: '["acc_1"]', ...limit });
  return event;
}
const plan = (perMinute: number) => ({ rateLimit: String(perMinute), rateLimitScope: 'organization' });

describe('rateLimitHeaders (Lambda backends, plain)', () => {
  it("reports the plan's limit, what this instance saw remain and the seconds to reset", () => {
    rateLimitHeaders(anEventOf('org_plain', plan(60)), NOW);

    const headers = rateLimitHeaders(anEventOf('org_plain', plan(60)), new Date(NOW.getTime() + 20_000));

    expect(headers).toEqual({ 'X-RateLimit-Limit': '60', 'X-RateLimit-Remaining': '58', 'X-RateLimit-Reset': '40' });
  });

  it('counts an event once, however often its headers are asked for', () => {
    const event = anEventOf('org_once', plan(10));

    rateLimitHeaders(event, NOW);
    const again = rateLimitHeaders(event, NOW);

    expect(again['X-RateLimit-Remaining']).toBe('9');
  });

  it('gives no headers for an event without a limit', () => {
    expect(rateLimitHeaders(anEventOf('org_none'), NOW)).toEqual({});
    expect(rateLimitHeaders({ requestContext: null }, NOW)).toEqual({});
  });
});

describe('rateLimitHeadersMiddleware (Lambda backends, middy)', () => {
  const aHandler = (work: (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>) => {
    const stack = middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, AccountScopedContext>()
      .use(rateLimitHeadersMiddleware())
      .use({
        onError: async (request) => {
          request.response = { statusCode: 404, headers: { 'content-type': 'application/json' }, body: '{}' };
        },
      })
      .use(accountScope())
      .handler(work);
    return (event: APIGatewayProxyEvent) => stack(event, {} as AccountScopedContext & Context);
  };

  it("puts the headers on the handler's answer, next to its own", async () => {
    const handler = aHandler(async () => ({ statusCode: 200, headers: { etag: '"1"' }, body: '{}' }));

    const response = await handler(anEventOf('org_middy', plan(300)));

    expect(response.headers).toMatchObject({ etag: '"1"', 'X-RateLimit-Limit': '300', 'X-RateLimit-Remaining': '299' });
    expect(Number(response.headers?.['X-RateLimit-Reset'])).toBeGreaterThanOrEqual(1);
  });

  it("replaces the handler's own X-RateLimit-* in any letter case, in headers and multiValueHeaders", async () => {
    const handler = aHandler(async () => ({
      statusCode: 200,
      headers: { 'x-ratelimit-limit': '1000', 'X-RATELIMIT-RESET': '99', etag: '"1"' },
      multiValueHeaders: { 'X-RateLimit-Remaining': ['5'], 'set-cookie': ['a=1', 'b=2'] },
      body: '{}',
    }));

    const response = await handler(anEventOf('org_own_headers', plan(300)));

    const all = [
      ...Object.entries(response.headers ?? {}),
      ...Object.entries(response.multiValueHeaders ?? {}).flatMap(([name, values]) => values.map((v) => [name, v])),
    ];
    const rateLimitNames = all
      .map(([name]) => String(name).toLowerCase())
      .filter((name) => name.startsWith('x-ratelimit-'));
    expect(rateLimitNames.sort()).toEqual(['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset']);
    expect(response.headers).toMatchObject({ etag: '"1"', 'X-RateLimit-Limit': '300', 'X-RateLimit-Remaining': '299' });
    expect(response.multiValueHeaders).toEqual({ 'set-cookie': ['a=1', 'b=2'] });
  });

  it("leaves the handler's answer as it is for an event without a limit", async () => {
    const answer = { statusCode: 200, headers: { 'X-RateLimit-Limit': '7' }, body: '{}' };
    const handler = aHandler(async () => answer);

    const response = await handler(anEventOf('org_no_limit'));

    expect(response.headers).toEqual({ 'X-RateLimit-Limit': '7' });
  });

  it("puts them on the error handler's answer", async () => {
    const handler = aHandler(async () => {
      throw new Error('not found');
    });

    const response = await handler(anEventOf('org_error', plan(300)));

    expect(response.statusCode).toBe(404);
    expect(response.headers).toMatchObject({ 'X-RateLimit-Limit': '300', 'X-RateLimit-Remaining': '299' });
  });

  it("puts them on accountScope's own early 403, counting the call once", async () => {
    const handler = aHandler(async () => ({ statusCode: 200, body: '{}' }));
    const event = anEventOf('org_early', plan(300));
    event.queryStringParameters = { account_id: 'acc_2' };

    const response = await handler(event);

    expect(response.statusCode).toBe(403);
    expect(response.headers).toMatchObject({ 'X-RateLimit-Limit': '300', 'X-RateLimit-Remaining': '299' });
  });
});

describe('callerRateLimitHeaders (HTTP backends)', () => {
  const signingSecret = CALLER_SIGNING_SECRET;
  const caller = {
    organizationId: 'org_http',
    keyId: 'key_http',
    environment: 'live' as const,
    permissions: ['read'],
    accounts: ['acc_1'],
  };

  it('reads the limit from signed caller headers and gives the headers of a node:http answer', () => {
    const headers = signedCallerHeaders(
      { ...caller, rateLimit: { perMinute: 25, scope: 'key' } },
      { signingSecret, now: NOW },
    );
    const verified = callerFromHeaders(headers, { signingSecret, now: () => NOW });

    callerRateLimitHeaders(verified, NOW);
    const answer = callerRateLimitHeaders(verified, new Date(NOW.getTime() + 59_500));

    expect(headers['X-Caller-Rate-Limit']).toBe('25');
    expect(verified.rateLimit).toEqual({ perMinute: 25, scope: 'key' });
    expect(answer).toEqual({ 'X-RateLimit-Limit': '25', 'X-RateLimit-Remaining': '23', 'X-RateLimit-Reset': '1' });
  });

  it('refuses caller headers whose limit was changed or stripped after signing', () => {
    const headers = signedCallerHeaders(
      { ...caller, rateLimit: { perMinute: 25, scope: 'key' } },
      { signingSecret, now: NOW },
    );
    const check = { signingSecret, now: () => NOW };

    expect(() => callerFromHeaders({ ...headers, 'X-Caller-Rate-Limit': '2500' }, check)).toThrow(/does not match/);
    expect(() => callerFromHeaders({ ...headers, 'X-Caller-Rate-Limit-Scope': 'organization' }, check)).toThrow(
      /does not match/,
    );
    const { 'X-Caller-Rate-Limit': _, 'X-Caller-Rate-Limit-Scope': __, ...stripped } = headers;
    expect(() => callerFromHeaders(stripped, check)).toThrow(/does not match/);
  });

  it('still accepts the signature of an authorizer that sends no limit, and then gives no headers', () => {
    const headers = signedCallerHeaders(caller, { signingSecret, now: NOW });
    const verified = callerFromHeaders(headers, { signingSecret, now: () => NOW });

    expect(verified.rateLimit).toBeUndefined();
    expect(callerRateLimitHeaders(verified, NOW)).toEqual({});
  });

  it.each([
    ['sent empty', { 'X-Caller-Rate-Limit': '', 'X-Caller-Rate-Limit-Scope': '' }],
    ['sent blank', { 'X-Caller-Rate-Limit': ' ', 'X-Caller-Rate-Limit-Scope': '' }],
    ['with only the scope empty', { 'X-Caller-Rate-Limit-Scope': '' }],
  ])('treats a limit %s as none: the caller-v1 signature verifies and no headers follow', (_how, empty) => {
    const headers = { ...signedCallerHeaders(caller, { signingSecret, now: NOW }), ...empty };

    const verified = callerFromHeaders(headers, { signingSecret, now: () => NOW });

    expect(verified.rateLimit).toBeUndefined();
    expect(callerRateLimitHeaders(verified, NOW)).toEqual({});
  });

  it('sends no rate-limit caller headers for a caller without a limit, as the gateway does', () => {
    const headers = signedCallerHeaders(caller, { signingSecret, now: NOW });

    expect(Object.keys(headers)).not.toContain('X-Caller-Rate-Limit');
    expect(Object.keys(headers)).not.toContain('X-Caller-Rate-Limit-Scope');
  });

  it('refuses a malformed limit, naming the header', () => {
    const headers = { ...signedCallerHeaders(caller, { signingSecret, now: NOW }), 'X-Caller-Rate-Limit': 'many' };

    expect(() => callerFromHeaders(headers, { unsigned: true })).toThrow(/X-Caller-Rate-Limit must be a whole number/);
  });
});
