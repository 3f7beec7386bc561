import { CALLER_HEADERS, callerFromHeaders, callerOf, MissingCallerError } from 'api-key-platform/backend';
import { callerHeaderContext, callerHeadersOf } from '../../functions/definition/caller-headers';
import { anAuthorizerContext, aProxyEvent } from '../support/unit-factories';

function caught(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

/** These tests are about reading the headers; test/unit/caller-signature.test.ts checks their signature. */
const UNSIGNED = { unsigned: true } as const;

const someHeaders = (overrides: Record<string, string | undefined> = {}) => ({
  'X-Caller-Organization': 'org_1',
  'X-Caller-Key-Id': 'key_AbCdEfGh12345678',
  'X-Caller-Permissions': 'read,contacts:write',
  'X-Caller-Accounts': 'acc_1,acc_2',
  'X-Caller-Environment': 'test',
  ...overrides,
});

describe('callerOf', () => {
  it('reads the caller the authorizer put in the proxy event, and nothing of the platform beyond it', () => {
    const event = aProxyEvent();
    event.requestContext.authorizer = anAuthorizerContext({ accounts: '["acc_1"]', rateLimitPerMinute: '5' });

    expect(callerOf(event)).toEqual({
      organizationId: 'org_1',
      keyId: 'key_a',
      environment: 'live',
      permissions: ['read'],
      accounts: ['acc_1'],
    });
  });

  it("takes the accounts the authorizer spelled out for backends, not the platform's '*'", () => {
    const event = aProxyEvent();
    event.requestContext.authorizer = anAuthorizerContext({ accounts: '"*"', callerAccounts: 'acc_1,acc_2' });

    expect(callerOf(event).accounts).toEqual(['acc_1', 'acc_2']);
  });

  it.each([
    ['*', '*'],
    ['~', []],
    ['', []],
  ])('reads callerAccounts %j as %j', (callerAccounts, expected) => {
    const event = aProxyEvent();
    event.requestContext.authorizer = anAuthorizerContext({ callerAccounts });

    expect(callerOf(event).accounts).toEqual(expected);
  });

  it.each([
    ['no authorizer context', undefined],
    ['a context without the organization', anAuthorizerContext({ organizationId: undefined })],
    ['permissions that are not JSON', anAuthorizerContext({ permissions: 'read,write' })],
    ['a context without callerAccounts', anAuthorizerContext({ callerAccounts: undefined })],
    ['malformed callerAccounts', anAuthorizerContext({ callerAccounts: 'acc 1' })],
  ])('refuses %s with a 403 that says the route must sit behind the authorizer', (_case, authorizer) => {
    const event = aProxyEvent();
    event.requestContext.authorizer = authorizer;

    const error = caught(() => callerOf(event));

    expect(error).toBeInstanceOf(MissingCallerError);
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      error: { code: 'forbidden', message: 'This route must sit behind the API key authorizer.' },
    });
  });
});

describe('callerFromHeaders', () => {
  it('reads the caller headers whatever their case', () => {
    const lowerCase = Object.fromEntries(
      Object.entries(someHeaders()).map(([name, value]) => [name.toLowerCase(), value]),
    );

    expect(callerFromHeaders(lowerCase, UNSIGNED)).toEqual({
      organizationId: 'org_1',
      keyId: 'key_AbCdEfGh12345678',
      environment: 'test',
      permissions: ['read', 'contacts:write'],
      accounts: ['acc_1', 'acc_2'],
    });
  });

  it('reads a fetch Headers object and accounts *', () => {
    const headers = new Headers(someHeaders({ 'X-Caller-Accounts': '*' }));

    expect(callerFromHeaders(headers, UNSIGNED).accounts).toBe('*');
  });

  it.each([
    [['acc_9']],
    [[]],
  ])('reads back what the gateway writes from the authorizer context, accounts %j', (accounts) => {
    const key = { permissions: ['read', 'tables:*'], accounts };
    const context = { organizationId: 'org_7', keyId: 'key_x', environment: 'live', ...callerHeaderContext(key) };

    expect(callerFromHeaders(callerHeadersOf(context), UNSIGNED)).toEqual({
      organizationId: 'org_7',
      keyId: 'key_x',
      environment: 'live',
      ...key,
    });
  });

  it('names every missing or malformed header in one 403', () => {
    const headers = someHeaders({
      'X-Caller-Organization': undefined,
      'X-Caller-Environment': 'production',
      'X-Caller-Accounts': 'acc 1',
    });

    const error = caught(() => callerFromHeaders(headers, UNSIGNED)) as MissingCallerError;

    expect(error).toBeInstanceOf(MissingCallerError);
    expect(error.status).toBe(403);
    expect(error.message).toContain('X-Caller-Organization is missing');
    expect(error.message).toContain('X-Caller-Environment must be live or test');
    expect(error.message).toContain('X-Caller-Accounts must be *, ~ or a comma-separated list of ids');
  });

  it('refuses a caller header sent twice, as a client adding its own would', () => {
    const headers = { ...someHeaders(), 'x-caller-accounts': '*' };

    expect(caught(() => callerFromHeaders(headers, UNSIGNED))).toBeInstanceOf(MissingCallerError);
  });

  it('names each header in CALLER_HEADERS', () => {
    const signature = ['X-Caller-Audience', 'X-Caller-Issued-At', 'X-Caller-Signature'];
    const rateLimit = ['X-Caller-Rate-Limit', 'X-Caller-Rate-Limit-Scope'];
    expect(Object.keys(CALLER_HEADERS).sort()).toEqual(
      [...Object.keys(someHeaders()), ...signature, ...rateLimit].sort(),
    );
  });
});
