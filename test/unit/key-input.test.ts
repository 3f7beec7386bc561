import fc from 'fast-check';
import type { z } from 'zod';
import { createKeyInput, rotateKeyInput, updateKeyInput } from '../../functions/definition/schemas/keys';
import { permission } from '../support/unit-arbitraries';

const SCHEMAS: [string, z.ZodType][] = [
  ['createKeyInput', createKeyInput],
  ['updateKeyInput', updateKeyInput],
  ['rotateKeyInput', rotateKeyInput],
];

function issuesOf(schema: z.ZodType, value: unknown) {
  const result = schema.safeParse(value);
  if (result.success) throw new Error(`expected a failure, got ${JSON.stringify(result.data)}`);
  return result.error.issues;
}

describe('createKeyInput', () => {
  it('accepts a minimal key, leaving accounts to the acting key (the grant rule fills them in)', () => {
    expect(createKeyInput.parse({ name: '  CI  ', permissions: ['read'] })).toEqual({
      name: 'CI',
      permissions: ['read'],
    });
  });

  it('accepts every field', () => {
    const input = {
      name: 'CI',
      permissions: ['contacts:read', 'tables:*', 'admin'],
      accounts: ['acc_1', 'acc_2'],
      environment: 'test',
      expiresAt: '2027-01-31T00:00:00Z',
      rateLimitPerMinute: 600,
      ipAllowlist: ['203.0.113.7', '10.0.0.0/8', '2001:db8::/32'],
    };

    expect(createKeyInput.parse(input)).toEqual(input);
  });

  it('accepts any non-empty set of valid permissions', () => {
    fc.assert(
      fc.property(fc.uniqueArray(permission, { minLength: 1, maxLength: 50 }), (permissions) => {
        expect(createKeyInput.safeParse({ name: 'k', permissions }).success).toBe(true);
      }),
    );
  });

  it.each([
    ['an empty name', { name: '   ', permissions: ['read'] }, ['name']],
    ['no permissions', { name: 'k', permissions: [] }, ['permissions']],
    ['an unknown permission', { name: 'k', permissions: ['read', 'root'] }, ['permissions', 1]],
    ['a repeated permission', { name: 'k', permissions: ['read', 'read'] }, ['permissions']],
    ['an empty account list', { name: 'k', permissions: ['read'], accounts: [] }, ['accounts']],
    ['a bad environment', { name: 'k', permissions: ['read'], environment: 'prod' }, ['environment']],
    ['a date without offset', { name: 'k', permissions: ['read'], expiresAt: '2027-01-31' }, ['expiresAt']],
    ['a rate limit of 0', { name: 'k', permissions: ['read'], rateLimitPerMinute: 0 }, ['rateLimitPerMinute']],
    ['a fractional rate limit', { name: 'k', permissions: ['read'], rateLimitPerMinute: 1.5 }, ['rateLimitPerMinute']],
    ['a bad IP', { name: 'k', permissions: ['read'], ipAllowlist: ['10.0.0.1', 'nope'] }, ['ipAllowlist', 1]],
  ])('rejects %s at the right path', (_label, input, path) => {
    expect(issuesOf(createKeyInput, input).map((issue) => issue.path)).toContainEqual(path);
  });

  it('rejects unknown fields', () => {
    const issues = issuesOf(createKeyInput, { name: 'k', permissions: ['read'], status: 'active' });

    expect(issues).toEqual([expect.objectContaining({ code: 'unrecognized_keys', keys: ['status'] })]);
  });

  it('refuses createdBy: a key names the person or key that made it, never what a body says', () => {
    const issues = issuesOf(createKeyInput, { name: 'k', permissions: ['read'], createdBy: 'mem_someone_else' });

    expect(issues).toEqual([expect.objectContaining({ code: 'unrecognized_keys', keys: ['createdBy'] })]);
  });
});

describe('updateKeyInput', () => {
  it('accepts a partial edit and null to clear optional fields', () => {
    const patch = { name: 'renamed', ipAllowlist: null, expiresAt: null, rateLimitPerMinute: null };

    expect(updateKeyInput.parse(patch)).toEqual(patch);
    expect(updateKeyInput.parse({ permissions: ['write'] })).toEqual({ permissions: ['write'] });
  });

  it('rejects an empty edit', () => {
    expect(issuesOf(updateKeyInput, {})[0]?.message).toContain('send at least one of');
  });

  it('rejects fields that cannot be edited', () => {
    expect(issuesOf(updateKeyInput, { environment: 'test' })[0]).toMatchObject({ code: 'unrecognized_keys' });
  });

  it('rejects null for fields that cannot be cleared', () => {
    expect(issuesOf(updateKeyInput, { name: null }).map((issue) => issue.path)).toContainEqual(['name']);
    expect(issuesOf(updateKeyInput, { permissions: null }).map((issue) => issue.path)).toContainEqual(['permissions']);
  });
});

describe('rotateKeyInput', () => {
  it('defaults the grace period to 0 and accepts up to 30 days', () => {
    expect(rotateKeyInput.parse({})).toEqual({ gracePeriodSeconds: 0 });
    expect(rotateKeyInput.parse({ gracePeriodSeconds: 30 * 24 * 3600 })).toEqual({ gracePeriodSeconds: 2592000 });
  });

  it.each([-1, 30 * 24 * 3600 + 1, 1.5, '60'])('rejects gracePeriodSeconds %j', (gracePeriodSeconds) => {
    expect(issuesOf(rotateKeyInput, { gracePeriodSeconds }).map((issue) => issue.path)).toEqual([
      ['gracePeriodSeconds'],
    ]);
  });
});

describe.each(SCHEMAS)('%s.safeParse', (_name, schema) => {
  it('returns success or a failure with at least one issue for any JSON value, never throws', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const result = schema.safeParse(value);

        if (!result.success) expect(result.error.issues.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });

  it('returns success or a failure with at least one issue for anything at all, never throws', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        const result = schema.safeParse(value);

        if (!result.success) expect(result.error.issues.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });

  it('returns success or a failure for objects shaped like the input, never throws', () => {
    const field = fc.constantFrom(
      'name',
      'permissions',
      'accounts',
      'environment',
      'expiresAt',
      'rateLimitPerMinute',
      'ipAllowlist',
      'createdBy',
      'gracePeriodSeconds',
    );
    fc.assert(
      fc.property(fc.dictionary(field, fc.jsonValue({ maxDepth: 2 })), (value) => {
        const result = schema.safeParse(value);

        if (!result.success) expect(result.error.issues.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });
});
