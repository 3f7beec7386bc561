import { inspect } from 'node:util';
import { z } from 'zod';
import { createKeyInput } from '../../functions/definition/schemas/keys';
import { ForbiddenError, UnsupportedMediaTypeError, ValidationError } from '../../functions/domain/errors';
import {
  headerOf,
  pageOf,
  parseBody,
  pathParameter,
  platformCallerOf,
  validate,
} from '../../functions/runtime/http-request';
import { anAuthorizerContext, aProxyEvent } from '../support/unit-factories';

const schema = z.strictObject({
  name: z.string({ error: 'must be a string' }),
  permissions: z.array(z.string({ error: 'must be a string' }).min(1, 'must not be empty')).optional(),
  nested: z.strictObject({ size: z.number({ error: 'must be a number' }).min(0, 'must be 0 or more') }).optional(),
});

function caught(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

function validationIssues(action: () => unknown) {
  const error = caught(action);
  expect(error).toBeInstanceOf(ValidationError);
  expect((error as ValidationError).status).toBe(400);
  return (error as ValidationError).issues;
}

describe('parseBody', () => {
  it('returns the parsed body', () => {
    const event = aProxyEvent({ body: JSON.stringify({ name: 'ci', permissions: ['read'] }) });

    expect(parseBody(event, schema)).toEqual({ name: 'ci', permissions: ['read'] });
  });

  it('reads a base64-encoded body', () => {
    const event = aProxyEvent({ body: Buffer.from('{"name":"ci"}').toString('base64'), isBase64Encoded: true });

    expect(parseBody(event, schema)).toEqual({ name: 'ci' });
  });

  it('treats an absent or blank body as {}', () => {
    const optional = z.strictObject({ name: z.string().optional() });

    expect(parseBody(aProxyEvent({ body: null }), optional)).toEqual({});
    expect(parseBody(aProxyEvent({ body: '  \n' }), optional)).toEqual({});
  });

  it.each(['{', 'not json', '{"name": "ci",}', "{'name': 'ci'}"])('rejects the invalid JSON %j naming body', (body) => {
    expect(validationIssues(() => parseBody(aProxyEvent({ body }), schema))).toEqual([
      { field: 'body', message: 'is not valid JSON' },
    ]);
  });

  it.each([
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/jsonp',
  ])('rejects the content-type %s as unsupported', (contentType) => {
    const error = caught(() =>
      parseBody(aProxyEvent({ body: '{"name":"ci"}', headers: { 'Content-Type': contentType } }), schema),
    );

    expect(error).toBeInstanceOf(UnsupportedMediaTypeError);
    expect((error as UnsupportedMediaTypeError).status).toBe(415);
    expect((error as Error).message).toContain(contentType);
  });

  it.each([
    'application/json',
    'application/json; charset=utf-8',
    'APPLICATION/JSON',
    'application/merge-patch+json',
  ])('accepts the content-type %s', (contentType) => {
    const event = aProxyEvent({ body: '{"name":"ci"}', headers: { 'content-type': contentType } });

    expect(parseBody(event, schema)).toEqual({ name: 'ci' });
  });

  it('accepts a JSON body without a content-type', () => {
    expect(parseBody(aProxyEvent({ body: '{"name":"ci"}', headers: {} }), schema)).toEqual({ name: 'ci' });
  });

  it('rejects a body over 64 KiB with 413 payload_too_large', () => {
    const body = JSON.stringify({ name: 'x'.repeat(64 * 1024) });

    expect(() => parseBody(aProxyEvent({ body }), schema)).toThrow(
      expect.objectContaining({ status: 413, message: 'The body must be at most 65536 bytes.' }),
    );
  });

  it('takes a larger body where the route allows one', () => {
    const body = JSON.stringify({ name: 'x'.repeat(64 * 1024) });

    expect(() => parseBody(aProxyEvent({ body }), z.object({ name: z.string() }), { maxBytes: 300_000 })).not.toThrow();
  });

  it('names array elements with brackets', () => {
    const event = aProxyEvent({ body: JSON.stringify({ name: 'ci', permissions: ['read', ''] }) });

    expect(validationIssues(() => parseBody(event, schema))).toEqual([
      { field: 'permissions[1]', message: 'must not be empty' },
    ]);
  });

  it('names the key-input permission that is wrong, by index', () => {
    const event = aProxyEvent({ body: JSON.stringify({ name: 'ci', permissions: ['read', 'bogus'] }) });

    const issues = validationIssues(() => parseBody(event, createKeyInput));

    expect(issues).toHaveLength(1);
    expect(issues[0]?.field).toBe('permissions[1]');
    expect(issues[0]?.message).toContain("'bogus'");
  });

  it('names nested fields with dots', () => {
    const event = aProxyEvent({ body: JSON.stringify({ name: 'ci', nested: { size: -1 } }) });

    expect(validationIssues(() => parseBody(event, schema))).toEqual([
      { field: 'nested.size', message: 'must be 0 or more' },
    ]);
  });

  it('names unknown fields', () => {
    const event = aProxyEvent({ body: JSON.stringify({ name: 'ci', owner: 'x', colour: 'red' }) });

    expect(validationIssues(() => parseBody(event, schema))).toEqual([
      { field: 'owner, colour', message: 'is not a field that can be set here' },
    ]);
  });

  it('says a missing field is required', () => {
    const event = aProxyEvent({ body: JSON.stringify({ permissions: [] }) });

    expect(validationIssues(() => parseBody(event, schema))).toEqual([{ field: 'name', message: 'is required' }]);
  });

  it('names the body itself when it is not an object', () => {
    const issues = validationIssues(() => parseBody(aProxyEvent({ body: '[1,2]' }), schema));

    expect(issues).toHaveLength(1);
    expect(issues[0]?.field).toBe('body');
  });

  // A present field of the wrong type must not be reported as missing.
  it('keeps the schema message for a present field of the wrong type', () => {
    const event = aProxyEvent({ body: JSON.stringify({ name: 123, permissions: ['read', 7] }) });

    expect(validationIssues(() => parseBody(event, schema))).toEqual([
      { field: 'name', message: 'must be a string' },
      { field: 'permissions[1]', message: 'must be a string' },
    ]);
  });
});

describe('validate', () => {
  const secret = 'sk_live_0123456789abcdef';

  it('keeps zod issues as the cause, without the input they were about (a logged error prints its cause)', () => {
    const error = caught(() => validate(schema, { name: { token: secret }, nested: { size: secret } }, 'body'));

    const cause = (error as ValidationError).cause as z.ZodError;
    expect(cause).toBeInstanceOf(z.ZodError);
    expect(cause.issues.map((issue) => [issue.path.join('.'), issue.code])).toEqual([
      ['name', 'invalid_type'],
      ['nested.size', 'invalid_type'],
    ]);
    expect(cause.issues.some((issue) => 'input' in issue)).toBe(false);
    expect(inspect(error, { depth: 20 })).not.toContain(secret);
  });

  it('keeps no cause quoting a body that is not JSON (JSON.parse quotes its first characters)', () => {
    const error = caught(() => parseBody(aProxyEvent({ body: secret }), schema));

    expect(inspect(error, { depth: 20 })).not.toContain(secret.slice(0, 10));
  });

  it('returns the parsed value', () => {
    expect(validate(z.object({ a: z.coerce.number() }), { a: '3' }, 'query')).toEqual({ a: 3 });
  });

  it('names the root when the value itself is wrong', () => {
    expect(validationIssues(() => validate(z.string(), 5, 'query'))[0]?.field).toBe('query');
  });
});

describe('pageOf', () => {
  it('defaults to 25 items and no cursor', () => {
    expect(pageOf(aProxyEvent({ query: null }))).toEqual({ limit: 25 });
  });

  it('reads limit and cursor', () => {
    expect(pageOf(aProxyEvent({ query: { limit: '100', cursor: 'abc' } }))).toEqual({ limit: 100, cursor: 'abc' });
    expect(pageOf(aProxyEvent({ query: { limit: '1' } }))).toEqual({ limit: 1 });
  });

  it.each(['0', '101', 'abc', '2.5', '-1'])('rejects limit=%s naming limit', (limit) => {
    const issues = validationIssues(() => pageOf(aProxyEvent({ query: { limit } })));

    expect(issues.map((issue) => issue.field)).toEqual(['limit']);
  });

  it.each(['0', '101'])('explains the allowed range for limit=%s', (limit) => {
    expect(validationIssues(() => pageOf(aProxyEvent({ query: { limit } })))).toEqual([
      { field: 'limit', message: 'must be a whole number from 1 to 100' },
    ]);
  });

  // A coerced NaN and a non-integer are invalid_type issues in zod 4, yet the client did send a limit.
  it.each(['abc', '2.5'])('explains the allowed range for limit=%s', (limit) => {
    expect(validationIssues(() => pageOf(aProxyEvent({ query: { limit } })))).toEqual([
      { field: 'limit', message: 'must be a whole number from 1 to 100' },
    ]);
  });

  it('rejects an over-long cursor naming cursor', () => {
    const issues = validationIssues(() => pageOf(aProxyEvent({ query: { cursor: 'c'.repeat(2049) } })));

    expect(issues.map((issue) => issue.field)).toEqual(['cursor']);
  });

  it('ignores other query parameters', () => {
    expect(pageOf(aProxyEvent({ query: { limit: '5', account_id: 'acc_1' } }))).toEqual({ limit: 5 });
  });
});

describe('headerOf', () => {
  it('finds a header in any case', () => {
    const event = aProxyEvent({ headers: { 'Content-Type': 'application/json' } });

    expect(headerOf(event, 'content-type')).toBe('application/json');
    expect(headerOf(event, 'CONTENT-TYPE')).toBe('application/json');
    expect(headerOf(event, 'accept')).toBeUndefined();
  });
});

describe('pathParameter', () => {
  it('returns a parameter that matches the pattern', () => {
    const event = aProxyEvent({ pathParameters: { id: 'key_abc' } });

    expect(pathParameter(event, 'id', /^key_[a-z]+$/, 'key_…')).toBe('key_abc');
  });

  it.each([null, {}, { id: '' }, { id: 'nope' }])('rejects %j naming the parameter', (pathParameters) => {
    const event = aProxyEvent({ pathParameters });

    expect(validationIssues(() => pathParameter(event, 'id', /^key_[a-z]+$/, 'key_…'))).toEqual([
      { field: 'id', message: 'must look like key_…' },
    ]);
  });
});

describe('platformCallerOf', () => {
  it("reads the authorizer context, with the key's own accounts rather than the ones spelled out for backends", () => {
    const event = aProxyEvent();
    event.requestContext.authorizer = anAuthorizerContext({ callerAccounts: 'acc_1,acc_2' });

    expect(platformCallerOf(event)).toMatchObject({
      keyId: 'key_a',
      organizationId: 'org_1',
      memberId: 'mem_1',
      environment: 'live',
      permissions: ['read'],
      accounts: '*',
      sourceIp: '203.0.113.7',
    });
  });

  it('fails closed without an authorizer context', () => {
    expect(caught(() => platformCallerOf(aProxyEvent()))).toBeInstanceOf(ForbiddenError);
  });

  it.each([
    ['a string, as API Gateway passes context values', '25', 25],
    ['a number, as the local gateway may pass it', 25, 25],
    ['absent', undefined, undefined],
  ])('reads rateLimitPerMinute given as %s', (_case, value, expected) => {
    const event = aProxyEvent();
    event.requestContext.authorizer = anAuthorizerContext(value === undefined ? {} : { rateLimitPerMinute: value });

    expect(platformCallerOf(event).rateLimitPerMinute).toBe(expected);
  });

  it.each(['0', '-1', '1.5', 'ten', ''])('fails closed on the malformed rateLimitPerMinute %j', (value) => {
    const event = aProxyEvent();
    event.requestContext.authorizer = anAuthorizerContext({ rateLimitPerMinute: value });

    expect(caught(() => platformCallerOf(event))).toBeInstanceOf(ForbiddenError);
  });
});

describe('platformCallerOf for people', () => {
  const personContext = (overrides: Record<string, unknown> = {}) => ({
    actorType: 'member',
    memberId: 'mem_9',
    email: 'ana@example.com',
    role: 'member',
    readOnly: 'true',
    authMethod: 'session',
    sessionId: 'ses_1',
    organizationId: 'org_1',
    environment: 'test',
    permissions: '["rides:read"]',
    accounts: '["acc_1"]',
    ...overrides,
  });

  it('reads a person as a member actor without a key', () => {
    const event = aProxyEvent();
    event.requestContext.authorizer = personContext();

    const caller = platformCallerOf(event);

    expect(caller.actor).toEqual({
      kind: 'member',
      memberId: 'mem_9',
      email: 'ana@example.com',
      role: 'member',
      readOnly: true,
      authMethod: 'session',
      sessionId: 'ses_1',
    });
    expect(caller).toMatchObject({ memberId: 'mem_9', environment: 'test', accounts: ['acc_1'] });
    expect(caller.keyId).toBeUndefined();
  });

  it('reads a key as a key actor', () => {
    const event = aProxyEvent();
    event.requestContext.authorizer = anAuthorizerContext();

    expect(platformCallerOf(event).actor).toEqual({ kind: 'key', keyId: 'key_a', memberId: 'mem_1' });
  });

  it('fails closed on a person context with an unknown role', () => {
    const event = aProxyEvent();
    event.requestContext.authorizer = personContext({ role: 'superuser' });

    expect(caught(() => platformCallerOf(event))).toBeInstanceOf(ForbiddenError);
  });
});
