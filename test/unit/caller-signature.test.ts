import {
  type Caller,
  CallerSignatureError,
  callerFromHeaders,
  DEFAULT_CALLER_MAX_AGE_SECONDS,
  signedCallerHeaders,
} from 'api-key-platform/backend';
import fc from 'fast-check';
import { callerOf } from '../../functions/backend/caller';
import { NO_ACCOUNTS } from '../../functions/definition/caller-headers';
import { anAuthorizerContext, aProxyEvent, CALLER_SIGNING_SECRET, NOW } from '../support/unit-factories';

const NOW_SECONDS = NOW.getTime() / 1000;
const API = 'a1b2c3d4e5';

/** The headers the gateway sends for a caller, signed as the authorizer signs (functions/authorizer/authorize.ts). */
const gatewayHeaders = (
  caller: Caller,
  at: { audience?: string; issuedAtSeconds?: number; secret?: Buffer } = {},
): Record<string, string> =>
  signedCallerHeaders(caller, {
    signingSecret: at.secret ?? CALLER_SIGNING_SECRET,
    audience: at.audience ?? `${API}/live`,
    now: new Date((at.issuedAtSeconds ?? NOW_SECONDS) * 1000),
  });

const aCaller = (overrides: Partial<Caller> = {}): Caller => ({
  organizationId: 'org_1',
  keyId: 'key_AbCdEfGh12345678',
  environment: 'live',
  permissions: ['rides:read', 'read'],
  accounts: ['acc_1', 'acc_2'],
  ...overrides,
});

const verify = (
  headers: Record<string, string | undefined>,
  options: { audience?: string; maxAgeSeconds?: number } = {},
) => callerFromHeaders(headers, { signingSecret: CALLER_SIGNING_SECRET, now: () => NOW, ...options });

function refusal(action: () => unknown): CallerSignatureError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(CallerSignatureError);
    return error as CallerSignatureError;
  }
  throw new Error('expected a CallerSignatureError');
}

describe('callerFromHeaders with a signing secret', () => {
  it('accepts the headers the gateway signed and returns the caller', () => {
    const caller = aCaller();

    expect(verify(gatewayHeaders(caller))).toEqual(caller);
  });

  it('carries a caller without sub-accounts as a non-empty X-Caller-Accounts, read back as none by both readers', () => {
    const caller = aCaller({ accounts: [] });

    const headers = gatewayHeaders(caller);
    const lambdaEvent = aProxyEvent();
    lambdaEvent.requestContext.authorizer = anAuthorizerContext({ callerAccounts: headers['X-Caller-Accounts'] });

    expect(headers['X-Caller-Accounts']).toBe(NO_ACCOUNTS);
    expect(verify(headers)).toEqual(caller);
    expect(callerOf(lambdaEvent).accounts).toEqual([]);
  });

  it('takes the secret as Secrets Manager holds it, base64 text', () => {
    const headers = gatewayHeaders(aCaller());

    const caller = callerFromHeaders(headers, {
      signingSecret: CALLER_SIGNING_SECRET.toString('base64'),
      now: () => NOW,
    });

    expect(caller.organizationId).toBe('org_1');
  });

  it.each([
    ['organization', 'X-Caller-Organization', 'org_2'],
    ['key id', 'X-Caller-Key-Id', 'key_Other'],
    ['permissions', 'X-Caller-Permissions', 'admin'],
    ['accounts', 'X-Caller-Accounts', '*'],
    ['environment', 'X-Caller-Environment', 'test'],
    ['time of signing', 'X-Caller-Issued-At', String(NOW_SECONDS - 1)],
    ['audience', 'X-Caller-Audience', `${API}/sandbox`],
  ])('refuses a tampered %s with a 401 in the platform shape', (_field, header, forged) => {
    const headers = { ...gatewayHeaders(aCaller()), [header]: forged };

    const error = refusal(() => verify(headers));

    expect(error.status).toBe(401);
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      error: { code: 'unauthorized', message: expect.stringContaining('X-Caller-Signature does not match') },
    });
  });

  it('refuses a signature made with another secret', () => {
    const headers = gatewayHeaders(aCaller(), { secret: Buffer.alloc(32, 0x01) });

    expect(refusal(() => verify(headers)).message).toContain('does not match');
  });

  it('refuses a signature for another API, or another stage when the backend names one', () => {
    const otherApi = gatewayHeaders(aCaller(), { audience: 'zzzzzzzzzz/live' });
    const sandbox = gatewayHeaders(aCaller(), { audience: `${API}/sandbox` });

    expect(refusal(() => verify(otherApi, { audience: API })).message).toContain('another API');
    expect(refusal(() => verify(sandbox, { audience: `${API}/live` })).message).toContain('another API');
    expect(verify(sandbox, { audience: API }).organizationId).toBe('org_1');
  });

  it('accepts a signature up to maxAgeSeconds old, and refuses it after', () => {
    const edge = gatewayHeaders(aCaller(), { issuedAtSeconds: NOW_SECONDS - DEFAULT_CALLER_MAX_AGE_SECONDS });
    const expired = gatewayHeaders(aCaller(), { issuedAtSeconds: NOW_SECONDS - DEFAULT_CALLER_MAX_AGE_SECONDS - 1 });

    expect(verify(edge).keyId).toBe('key_AbCdEfGh12345678');
    expect(refusal(() => verify(expired)).message).toContain('outside its 360 s window');
    expect(refusal(() => verify(edge, { maxAgeSeconds: 60 })).message).toContain('outside its 60 s window');
  });

  it('outlives the longest authorizer cache TTL (300 s), during which the gateway reuses one signature', () => {
    const cachedFor300Seconds = gatewayHeaders(aCaller(), { issuedAtSeconds: NOW_SECONDS - 300 });

    expect(verify(cachedFor300Seconds).organizationId).toBe('org_1');
  });

  it('refuses a signature from far in the future', () => {
    const future = gatewayHeaders(aCaller(), { issuedAtSeconds: NOW_SECONDS + 3600 });

    expect(refusal(() => verify(future)).message).toContain('window');
  });

  it.each([
    ['X-Caller-Signature', 'X-Caller-Signature is missing'],
    ['X-Caller-Issued-At', 'X-Caller-Issued-At must be epoch seconds'],
    ['X-Caller-Audience', 'X-Caller-Audience is missing'],
  ])('refuses headers without %s', (header, problem) => {
    const headers = { ...gatewayHeaders(aCaller()), [header]: undefined };

    expect(refusal(() => verify(headers)).message).toContain(problem);
  });

  it('refuses plain caller headers, as a client calling the backend directly sends them', () => {
    const forged = {
      'X-Caller-Organization': 'org_victim',
      'X-Caller-Key-Id': 'key_x',
      'X-Caller-Permissions': 'admin',
      'X-Caller-Accounts': '*',
      'X-Caller-Environment': 'live',
    };

    expect(refusal(() => verify(forged)).status).toBe(401);
  });

  it('never puts the signature in its message', () => {
    const headers = gatewayHeaders(aCaller());
    const signature = headers['X-Caller-Signature'] as string;

    const error = refusal(() => verify({ ...headers, 'X-Caller-Organization': 'org_2' }));

    expect(JSON.stringify(error)).not.toContain(signature);
    expect(error.message).not.toContain(signature);
  });

  it('refuses to run without a signing secret unless told the headers need none', () => {
    const headers = gatewayHeaders(aCaller());

    expect(() => callerFromHeaders(headers, {} as never)).toThrow(/needs \{ signingSecret \}/);
    expect(() => callerFromHeaders(headers, undefined as never)).toThrow(/unsigned: true/);
    expect(() => callerFromHeaders(headers, { signingSecret: 'arn:aws:secretsmanager:x' })).toThrow(/its value/);
    expect(callerFromHeaders(headers, { unsigned: true }).organizationId).toBe('org_1');
  });

  it('verifies any caller it signed, and no caller with one field changed', () => {
    const token = fc.stringMatching(/^[A-Za-z0-9_:.-]{1,24}$/);
    const callers = fc.record({
      organizationId: token,
      keyId: token,
      environment: fc.constantFrom('live' as const, 'test' as const),
      permissions: fc.array(token, { minLength: 1, maxLength: 5 }),
      accounts: fc.oneof(fc.constant('*' as const), fc.array(token, { minLength: 1, maxLength: 4 })),
    });
    fc.assert(
      fc.property(callers, token, fc.integer({ min: 0, max: DEFAULT_CALLER_MAX_AGE_SECONDS }), (caller, other, age) => {
        const headers = gatewayHeaders(caller, { issuedAtSeconds: NOW_SECONDS - age });

        expect(verify(headers)).toEqual(caller);
        fc.pre(other !== caller.organizationId);
        expect(() => verify({ ...headers, 'X-Caller-Organization': other })).toThrow(CallerSignatureError);
      }),
    );
  });
});
