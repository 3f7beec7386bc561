import fc from 'fast-check';
import { activeApi } from '../../functions/definition/active-api';
import { createKeyInput, updateKeyInput } from '../../functions/definition/schemas/keys';
import { AppError, ExceedsOwnRightsError } from '../../functions/domain/errors';
import { ipAllowed } from '../../functions/domain/ip-allowlist';
import { entryWithin, excessOf, type Rights } from '../../functions/domain/keys/grant-rule';
import type { ApiKeyRecord } from '../../functions/domain/keys/key-model';
import { changeKeyStatus, createKey, deleteKey, rotateKey, updateKey } from '../../functions/domain/keys/key-service';
import { grantsRoute } from '../../functions/domain/permissions';
import { keyCaller, keyServiceWith } from '../support/key-service-memory';
import { aKeyRecord, anOrganization, NOW } from '../support/unit-factories';

/** The platform's routes and Leadbase's (the active definition, test/support/active-api-setup.ts). */
const ROUTES = activeApi().routes;

const ACCOUNTS = ['acct_1', 'acct_2', 'acct_3'];
const ORGANIZATION = anOrganization({ accounts: ACCOUNTS.map((id) => ({ id, name: id })) });
const ACTOR_ID = 'key_ACTORACTORACTOR';
const TARGET_ID = 'key_TARGETTARGETTA';

function rights(overrides: Partial<Rights> = {}): Rights {
  return { environment: 'live', permissions: ['admin'], accounts: '*', ...overrides };
}

function serviceWith(...records: ApiKeyRecord[]) {
  return keyServiceWith(records, { organization: ORGANIZATION });
}

const callerFor = keyCaller;

describe('excessOf', () => {
  it('lets an unrestricted admin grant anything of its environment', () => {
    const granted = rights({ permissions: ['read', 'events:publish'], accounts: ['acct_1'], rateLimitPerMinute: 5 });
    expect(excessOf(rights(), granted)).toEqual([]);
  });

  it('refuses the other environment', () => {
    expect(excessOf(rights({ environment: 'test' }), rights()).map((issue) => issue.field)).toEqual(['environment']);
  });

  it('judges permissions by the routes they open, not by their spelling', () => {
    const actor = rights({ permissions: ['read', 'write', 'delete'] });
    expect(excessOf(actor, rights({ permissions: ['contacts:*'] }))).toEqual([]);
    const [issue] = excessOf(rights({ permissions: ['contacts:*'] }), rights({ permissions: ['read'] }));
    expect(issue?.field).toBe('permissions');
    expect(issue?.message).toContain('GET /v1/tables');
  });

  it.each([
    ['*', ['acct_1']],
    [['acct_1'], '*'],
    [['acct_1'], ['acct_1', 'acct_2']],
  ] as const)('refuses accounts wider than the actor: actor %j, granted %j', (actorAccounts, granted) => {
    const issues = excessOf(
      rights({ accounts: actorAccounts as Rights['accounts'] }),
      rights({ accounts: granted as Rights['accounts'] }),
    );
    expect(issues.length > 0).toBe(actorAccounts !== '*');
  });

  it('refuses no expiry or a later one under an expiring actor', () => {
    const actor = rights({ expiresAt: '2026-03-01T13:00:00.000Z' });
    expect(excessOf(actor, rights())).toHaveLength(1);
    expect(excessOf(actor, rights({ expiresAt: '2026-03-01T13:00:01.000Z' }))).toHaveLength(1);
    expect(excessOf(actor, rights({ expiresAt: '2026-03-01T13:00:00.000Z' }))).toEqual([]);
  });

  it('refuses no allowlist, or an entry outside, under an allowlisted actor', () => {
    const actor = rights({ ipAllowlist: ['10.1.0.0/16', '2001:db8::/32'] });
    expect(excessOf(actor, rights())).toHaveLength(1);
    expect(excessOf(actor, rights({ ipAllowlist: [] }))).toHaveLength(1);
    expect(excessOf(actor, rights({ ipAllowlist: ['10.1.2.0/24', '10.2.0.1'] }))).toHaveLength(1);
    expect(excessOf(actor, rights({ ipAllowlist: ['10.1.2.0/24', '10.1.9.9', '2001:db8:1::/48'] }))).toEqual([]);
  });

  it('refuses no limit or a higher one under a limited actor', () => {
    const actor = rights({ rateLimitPerMinute: 5 });
    expect(excessOf(actor, rights())).toHaveLength(1);
    expect(excessOf(actor, rights({ rateLimitPerMinute: 6 }))).toHaveLength(1);
    expect(excessOf(actor, rights({ rateLimitPerMinute: 5 }))).toEqual([]);
  });
});

describe('entryWithin', () => {
  it.each([
    ['10.1.2.3', '10.1.0.0/16', true],
    ['10.1.0.0/15', '10.1.0.0/16', false],
    ['10.1.0.0/16', '10.1.2.3', false],
    ['::ffff:10.1.2.3', '10.1.0.0/16', true],
    ['10.1.2.3', '::/0', false],
    ['2001:db8::1', '2001:db8::/32', true],
    ['::127.0.0.1', '127.0.0.0/8', false],
  ])('%s within %s: %s', (entry, outer, expected) => {
    expect(entryWithin(entry, outer)).toBe(expected);
  });
});

// Arbitraries over a small address space, so that random ranges often nest and often do not.
const cidr = fc
  .tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.constantFrom(8, 16, 24, 30, 32))
  .map(([b, c, bits]) => `10.${b}.${c}.${bits === 32 ? 5 : 0}${bits === 32 ? '' : `/${bits}`}`);
const permissionSet = fc.uniqueArray(
  fc.constantFrom(
    'read',
    'write',
    'delete',
    'enrich',
    'search',
    'admin',
    'contacts:*',
    'tables:read',
    'events:publish',
  ),
  { minLength: 1, maxLength: 4 },
);
const accountScope = fc.oneof(
  fc.constant('*' as const),
  fc.uniqueArray(fc.constantFrom(...ACCOUNTS), { minLength: 1, maxLength: 3 }),
);
const minutesAhead = fc
  .integer({ min: 1, max: 600 })
  .map((minutes) => new Date(NOW.getTime() + minutes * 60_000).toISOString());
const bounds = fc.record(
  {
    expiresAt: minutesAhead,
    ipAllowlist: fc.uniqueArray(cidr, { minLength: 1, maxLength: 3 }),
    rateLimitPerMinute: fc.integer({ min: 1, max: 100 }),
  },
  { requiredKeys: [] },
);
const actorRecord = fc
  .tuple(
    fc.constantFrom('live', 'test' as const),
    fc.constantFrom<string[]>(['admin'], ['admin'], ['read', 'write']),
    accountScope,
    bounds,
  )
  .map(([environment, permissions, accounts, extra]) =>
    aKeyRecord({ id: ACTOR_ID, environment: environment as 'live' | 'test', permissions, accounts, ...extra }),
  );
const body = fc.record(
  {
    name: fc.constant('made'),
    permissions: permissionSet,
    accounts: accountScope,
    environment: fc.constantFrom('live', 'test'),
    expiresAt: minutesAhead,
    ipAllowlist: fc.uniqueArray(cidr, { minLength: 1, maxLength: 3 }),
    rateLimitPerMinute: fc.integer({ min: 1, max: 100 }),
  },
  { requiredKeys: ['name', 'permissions'] },
);
const patch = fc
  .record(
    {
      permissions: permissionSet,
      accounts: accountScope,
      expiresAt: fc.option(minutesAhead, { nil: null }),
      ipAllowlist: fc.option(fc.uniqueArray(cidr, { minLength: 1, maxLength: 3 }), { nil: null }),
      rateLimitPerMinute: fc.option(fc.integer({ min: 1, max: 100 }), { nil: null }),
    },
    { requiredKeys: [] },
    // An empty patch is a 400 before the rule is reached, which says nothing about the rule.
  )
  .filter((changes) => Object.keys(changes).length > 0);

/** An oracle that knows nothing of the rule's code: what each key lets its holder actually do. */
function assertHoldsNoMore(result: ApiKeyRecord, actor: ApiKeyRecord) {
  expect(result.environment).toBe(actor.environment);
  for (const route of ROUTES)
    if (grantsRoute(result.permissions, route)) expect(grantsRoute(actor.permissions, route)).toBe(true);
  const reach = (accounts: ApiKeyRecord['accounts']) => (accounts === '*' ? ACCOUNTS : accounts);
  for (const account of reach(result.accounts)) expect(reach(actor.accounts)).toContain(account);
  if (actor.expiresAt)
    expect(Date.parse(result.expiresAt ?? 'Infinity')).toBeLessThanOrEqual(Date.parse(actor.expiresAt));
  if (actor.rateLimitPerMinute)
    expect(result.rateLimitPerMinute ?? Infinity).toBeLessThanOrEqual(actor.rateLimitPerMinute);
  const admits = (key: ApiKeyRecord, ip: string) => !key.ipAllowlist?.length || ipAllowed(key.ipAllowlist, ip);
  for (let b = 0; b < 4; b++)
    for (let c = 0; c < 4; c++)
      for (const d of [0, 3, 5, 200])
        if (admits(result, `10.${b}.${c}.${d}`)) expect(admits(actor, `10.${b}.${c}.${d}`)).toBe(true);
  expect(admits(result, '192.0.2.1') ? admits(actor, '192.0.2.1') : true).toBe(true);
}

/** Only refusals of bad requests may stop the rule; anything else is a defect. */
async function outcomeOf<T>(attempt: Promise<T>): Promise<T | undefined> {
  try {
    return await attempt;
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).status).toBeLessThan(500);
    return undefined;
  }
}

describe('the grant rule through the key service (properties)', () => {
  it('a created key never holds more than the key that made it', async () => {
    await fc.assert(
      fc.asyncProperty(actorRecord, body, async (actor, request) => {
        const { keys, deps } = serviceWith(actor);

        const created = await outcomeOf(createKey(deps, callerFor(actor), createKeyInput.parse(request)));

        if (created) assertHoldsNoMore((await keys.get(created.record.id)) as ApiKeyRecord, actor);
      }),
      { numRuns: 300 },
    );
  });

  it('an edited key, the actor itself included, never ends up holding more than the actor', async () => {
    await fc.assert(
      fc.asyncProperty(actorRecord, patch, fc.boolean(), async (actor, changes, editSelf) => {
        const target = editSelf
          ? actor
          : aKeyRecord({
              id: TARGET_ID,
              environment: actor.environment,
              permissions: ['read'],
              accounts: actor.accounts,
            });
        const { keys, deps } = serviceWith(actor, target);
        const snapshot = structuredClone(actor);

        const edited = await outcomeOf(updateKey(deps, callerFor(actor), target.id, updateKeyInput.parse(changes)));

        if (edited) assertHoldsNoMore((await keys.get(target.id)) as ApiKeyRecord, snapshot);
      }),
      { numRuns: 300 },
    );
  });

  it('a rotation hands out only a key the actor could have made', async () => {
    await fc.assert(
      fc.asyncProperty(actorRecord, actorRecord, async (actor, other) => {
        const target = { ...other, id: TARGET_ID };
        const { deps } = serviceWith(actor, target);

        const rotated = await outcomeOf(rotateKey(deps, callerFor(actor), target.id, { gracePeriodSeconds: 0 }));

        if (rotated) assertHoldsNoMore(rotated.record, actor);
      }),
      { numRuns: 200 },
    );
  });
});

describe('key service under the grant rule', () => {
  it('manages only keys the actor could have made, and activates no rotated key', async () => {
    const narrow = aKeyRecord({ id: ACTOR_ID, accounts: ['acct_1'], rateLimitPerMinute: 5 });
    const wide = aKeyRecord({ id: TARGET_ID, status: 'inactive' });
    const { keys, deps } = serviceWith(narrow, wide);
    const caller = callerFor(narrow);

    for (const change of ['activate', 'deactivate', 'revoke'] as const) {
      await expect(changeKeyStatus(deps, caller, TARGET_ID, change)).rejects.toBeInstanceOf(ExceedsOwnRightsError);
    }
    await expect(deleteKey(deps, caller, TARGET_ID)).rejects.toBeInstanceOf(ExceedsOwnRightsError);
    expect((await keys.get(TARGET_ID))?.status).toBe('inactive');

    keys.records.set(TARGET_ID, {
      ...wide,
      accounts: ['acct_1'],
      rateLimitPerMinute: 5,
      rotatedToKeyId: 'key_NEWNEWNEWNEWNEWN',
    });
    await expect(changeKeyStatus(deps, caller, TARGET_ID, 'activate')).rejects.toMatchObject({ status: 409 });
    await expect(changeKeyStatus(deps, caller, TARGET_ID, 'revoke')).resolves.toMatchObject({ status: 'revoked' });
  });

  it('gives a new key the actor bounds the request leaves out', async () => {
    const actor = aKeyRecord({
      id: ACTOR_ID,
      accounts: ['acct_2'],
      expiresAt: '2026-03-01T13:00:00.000Z',
      ipAllowlist: ['10.0.0.0/8'],
      rateLimitPerMinute: 5,
    });
    const { deps } = serviceWith(actor);

    const { record } = await createKey(
      deps,
      callerFor(actor),
      createKeyInput.parse({ name: 'x', permissions: ['read'] }),
    );

    expect(record).toMatchObject({
      accounts: ['acct_2'],
      expiresAt: '2026-03-01T13:00:00.000Z',
      ipAllowlist: ['10.0.0.0/8'],
      rateLimitPerMinute: 5,
    });
  });

  it('refuses to widen, naming every field', async () => {
    const actor = aKeyRecord({ id: ACTOR_ID, accounts: ['acct_2'], rateLimitPerMinute: 5 });
    const { deps } = serviceWith(actor);

    const attempt = updateKey(deps, callerFor(actor), ACTOR_ID, { accounts: '*', rateLimitPerMinute: null });

    await expect(attempt).rejects.toBeInstanceOf(ExceedsOwnRightsError);
    await expect(attempt).rejects.toMatchObject({
      status: 403,
      issues: [
        expect.objectContaining({ field: 'accounts' }),
        expect.objectContaining({ field: 'rateLimitPerMinute' }),
      ],
    });
  });

  it('will not edit a rotated key back into use', async () => {
    const actor = aKeyRecord({ id: ACTOR_ID });
    const retired = aKeyRecord({ id: TARGET_ID, expiresAt: NOW.toISOString(), rotatedToKeyId: 'key_NEWNEWNEWNEWNEWN' });
    const { deps } = serviceWith(actor, retired);

    await expect(updateKey(deps, callerFor(actor), TARGET_ID, { expiresAt: null })).rejects.toMatchObject({
      status: 409,
    });
  });
});
