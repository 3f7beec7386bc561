/** Small fixture factories for the unit tests: records, clocks, random sources and API Gateway events. */
import type {
  APIGatewayEventIdentity,
  APIGatewayEventRequestContextWithAuthorizer,
  APIGatewayProxyEvent,
  APIGatewayRequestAuthorizerEvent,
} from 'aws-lambda';
import type { AccessLogRecord } from '../../functions/definition/access-log';
import type { Clock } from '../../functions/domain/clock';
import { sealedCursors } from '../../functions/domain/cursors';
import { ValidationError } from '../../functions/domain/errors';
import { hashKey } from '../../functions/domain/keys/key-hash';
import type { ApiKeyRecord } from '../../functions/domain/keys/key-model';
import { generateKey, type KeyEnvironment, type RandomSource } from '../../functions/domain/keys/key-token';
import type { Organization } from '../../functions/domain/organization';

/** A fixed 32-byte pepper. */
export const PEPPER = Buffer.alloc(32, 0x5a);
/** The caller signing secret of unit tests (X-Caller-Signature). */
export const CALLER_SIGNING_SECRET = Buffer.alloc(32, 0x3c);

export const NOW = new Date('2026-03-01T12:00:00.000Z');

export const API_ARN = 'arn:aws:execute-api:us-east-1:123456789012:abc123';

/** The actor of an admin key, for tests that build a Caller by hand (the key service reads who acts). */
export const ADMIN_KEY_ACTOR = { kind: 'key', keyId: 'key_ADMINADMINADMIN', memberId: 'mem_1' } as const;

export function aKeyRecord(overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  return {
    id: 'key_AAAAAAAAAAAAAAAA',
    organizationId: 'org_1',
    name: 'CI key',
    secretHash: hashKey('not-a-real-token', PEPPER),
    last8: 'abcdefgh',
    environment: 'live',
    status: 'active',
    permissions: ['read'],
    accounts: '*',
    createdAt: '2026-01-01T00:00:00.000Z',
    createdBy: 'mem_1',
    rotationDueAt: '2026-04-01T00:00:00.000Z',
    version: 1,
    ...overrides,
  };
}

/** An organization; its people are member items (test/support/member-memory.ts `acmePeople`). */
export function anOrganization(overrides: Partial<Organization> = {}): Organization {
  return {
    id: 'org_1',
    name: 'Acme',
    accounts: [],
    rotationPeriodDays: 182,
    createdAt: NOW.toISOString(),
    plan: 'starter',
    creditBalance: 0,
    ...overrides,
  };
}

/** A freshly generated key and the record that stores it (hashed under PEPPER). */
export function aStoredKey(
  options: { environment?: KeyEnvironment; pepper?: Buffer; record?: Partial<ApiKeyRecord> } = {},
): { token: string; record: ApiKeyRecord } {
  const environment = options.environment ?? 'live';
  const key = generateKey(environment);
  const record = aKeyRecord({
    id: key.keyId,
    environment,
    last8: key.last8,
    secretHash: hashKey(key.token, options.pepper ?? PEPPER),
    ...options.record,
  });
  return { token: key.token, record };
}

/** A clock that stands still until moved. */
export function aManualClock(start: Date = NOW) {
  let current = start.getTime();
  const clock: Clock = () => new Date(current);
  return {
    clock,
    now: () => current,
    advance(ms: number) {
      current += ms;
    },
    set(at: Date) {
      current = at.getTime();
    },
  };
}

/** A RandomSource that serves the given bytes in order, over and over. */
export function cyclingByteSource(bytes: Uint8Array | readonly number[]): RandomSource {
  if (bytes.length === 0) throw new Error('cyclingByteSource needs at least one byte');
  let position = 0;
  return (size) => {
    const out = Buffer.alloc(size);
    for (let i = 0; i < size; i++) {
      out[i] = bytes[position % bytes.length] as number;
      position++;
    }
    return out;
  };
}

export function aMethodArn(options: { stage?: string; method?: string; path?: string } = {}): string {
  return `${API_ARN}/${options.stage ?? 'live'}/${options.method ?? 'GET'}${options.path ?? '/v1/whoami'}`;
}

function anIdentity(sourceIp: string, userAgent: string | null = null): APIGatewayEventIdentity {
  return {
    accessKey: null,
    accountId: null,
    apiKey: null,
    apiKeyId: null,
    caller: null,
    clientCert: null,
    cognitoAuthenticationProvider: null,
    cognitoAuthenticationType: null,
    cognitoIdentityId: null,
    cognitoIdentityPoolId: null,
    principalOrgId: null,
    sourceIp,
    user: null,
    userAgent,
    userArn: null,
  };
}

function aRequestContext<A>(
  authorizer: A,
  options: { stage: string; method: string; path: string; sourceIp: string },
): APIGatewayEventRequestContextWithAuthorizer<A> {
  return {
    accountId: '123456789012',
    apiId: 'abc123',
    authorizer,
    protocol: 'HTTP/1.1',
    httpMethod: options.method,
    identity: anIdentity(options.sourceIp),
    path: `/${options.stage}${options.path}`,
    stage: options.stage,
    requestId: 'req-1',
    requestTimeEpoch: NOW.getTime(),
    resourceId: 'res-1',
    resourcePath: options.path,
  };
}

export function anAuthorizerEvent(
  options: {
    stage?: string;
    method?: string;
    path?: string;
    headers?: Record<string, string | undefined> | null;
    sourceIp?: string;
    methodArn?: string;
  } = {},
): APIGatewayRequestAuthorizerEvent {
  const stage = options.stage ?? 'live';
  const method = options.method ?? 'GET';
  const path = options.path ?? '/v1/whoami';
  return {
    type: 'REQUEST',
    methodArn: options.methodArn ?? aMethodArn({ stage, method, path }),
    resource: path,
    path,
    httpMethod: method,
    headers: options.headers === undefined ? {} : options.headers,
    multiValueHeaders: null,
    pathParameters: null,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    requestContext: aRequestContext(undefined, { stage, method, path, sourceIp: options.sourceIp ?? '203.0.113.7' }),
  };
}

export function aProxyEvent(
  options: {
    method?: string;
    path?: string;
    body?: string | null;
    isBase64Encoded?: boolean;
    headers?: Record<string, string | undefined>;
    query?: Record<string, string | undefined> | null;
    pathParameters?: Record<string, string | undefined> | null;
  } = {},
): APIGatewayProxyEvent {
  const method = options.method ?? 'POST';
  const path = options.path ?? '/v1/keys';
  return {
    body: options.body ?? null,
    headers: options.headers ?? { 'content-type': 'application/json' },
    multiValueHeaders: {},
    httpMethod: method,
    isBase64Encoded: options.isBase64Encoded ?? false,
    path,
    pathParameters: options.pathParameters ?? null,
    queryStringParameters: options.query ?? null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    resource: path,
    requestContext: aRequestContext({}, { stage: 'live', method, path, sourceIp: '203.0.113.7' }),
  };
}

/**
 * The context the authorizer hands the handlers, as API Gateway passes it: strings only, lists as
 * JSON. `callerAccounts` (what backends read) is `accounts` comma-separated unless given.
 */
export function anAuthorizerContext(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const context: Record<string, unknown> = {
    keyId: 'key_a',
    organizationId: 'org_1',
    memberId: 'mem_1',
    environment: 'live',
    permissions: '["read"]',
    accounts: '"*"',
    ...overrides,
  };
  const accounts = typeof context.accounts === 'string' ? (JSON.parse(context.accounts) as '*' | string[]) : '*';
  return { callerAccounts: accounts === '*' ? '*' : accounts.join(','), ...context };
}

/** A cursor codec on a fixed 32-byte secret; another secret stands for another deployment. */
export function aCursorCodec(clock: Clock = () => new Date(), secret: Buffer = Buffer.alloc(32, 0xc5)) {
  return sealedCursors(async () => secret, clock);
}

/** The issues of the ValidationError `build` throws. */
export function validationIssuesOf(build: () => unknown) {
  try {
    build();
  } catch (error) {
    if (error instanceof ValidationError) return error.issues;
    throw error;
  }
  throw new Error('no ValidationError');
}

/** One access-log line as the gateway writes it: a key's successful GET /v1/contacts on the live stage. */
export function anAccessLogRecord(
  overrides: Partial<AccessLogRecord> & Pick<AccessLogRecord, 'keyId' | 'organizationId'>,
) {
  const time = overrides.requestTimeEpoch ?? String(Date.now());
  return {
    requestId: `req-${time}-${Math.random().toString(36).slice(2)}`,
    requestTimeEpoch: time,
    stage: 'live',
    httpMethod: 'GET',
    resourcePath: '/v1/contacts',
    status: '200',
    responseLatency: '5',
    sourceIp: '198.51.100.1',
    errorType: '',
    path: '/live/v1/contacts',
    userAgent: 'replayed',
    ...overrides,
  } satisfies AccessLogRecord;
}
