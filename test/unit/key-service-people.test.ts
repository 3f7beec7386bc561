import { createKeyInput } from '../../functions/definition/schemas/keys';
import { ExceedsOwnRightsError, ForbiddenError, NotFoundError } from '../../functions/domain/errors';
import { answerableMemberOf } from '../../functions/domain/keys/key-model';
import {
  changeKeyStatus,
  createKey,
  deleteKey,
  FILTERED_PAGES_READ,
  getKey,
  listKeys,
  rotateKey,
  updateKey,
} from '../../functions/domain/keys/key-service';
import { creatorEmailsOf, keyView } from '../../functions/domain/keys/key-view';
import { keyCaller, keyServiceWith, personCaller } from '../support/key-service-memory';
import { aMemberOf } from '../support/member-memory';
import { aKeyRecord, anOrganization, NOW } from '../support/unit-factories';

const ORGANIZATION = anOrganization({
  accounts: ['acct_1', 'acct_2'].map((id) => ({ id, name: id })),
});
const ANA = aMemberOf({ id: 'mem_ana', email: 'ana@acme.example', accounts: ['acct_1'], permissions: ['read'] });
const BEN = aMemberOf({ id: 'mem_ben', email: 'ben@acme.example', accounts: ['acct_1'], permissions: ['read'] });
const OWNER = aMemberOf({ id: 'mem_owner', email: 'owner@acme.example', role: 'owner' });
const ANAS_KEY = aKeyRecord({ id: 'key_ANAANAANAANAANAA', createdBy: ANA.id, accounts: ['acct_1'] });
const BENS_KEY = aKeyRecord({ id: 'key_BENBENBENBENBENB', createdBy: BEN.id, accounts: ['acct_1'] });

function service(members = [ANA, BEN, OWNER]) {
  return keyServiceWith([ANAS_KEY, BENS_KEY], { organization: ORGANIZATION, members });
}

describe('createKey by a person', () => {
  it('lets a member create a key within their sub-accounts and permissions, made by them', async () => {
    const { deps } = service();

    const { record } = await createKey(
      deps,
      personCaller(ANA),
      createKeyInput.parse({ name: 'mine', permissions: ['read'] }),
    );

    expect(record).toMatchObject({
      createdBy: ANA.id,
      accounts: ['acct_1'],
      permissions: ['read'],
      environment: 'live',
    });
  });

  it.each([
    ['another sub-account', { accounts: ['acct_2'] }, 'accounts'],
    ['every sub-account', { accounts: '*' }, 'accounts'],
    ['a permission the member lacks', { permissions: ['write'] }, 'permissions'],
  ])('refuses a member %s with ExceedsOwnRightsError, writing nothing', async (_label, extra, field) => {
    const { keys, deps } = service();

    const attempt = createKey(
      deps,
      personCaller(ANA),
      createKeyInput.parse({ name: 'x', permissions: ['read'], ...extra }),
    );

    await expect(attempt).rejects.toBeInstanceOf(ExceedsOwnRightsError);
    await expect(attempt).rejects.toMatchObject({ status: 403, issues: [expect.objectContaining({ field })] });
    expect(keys.records.size).toBe(2);
  });

  it('lets an owner create any key of the stage, named as its creator', async () => {
    const { deps } = service();

    const { record } = await createKey(
      deps,
      personCaller(OWNER, { environment: 'test' }),
      createKeyInput.parse({ name: 'ci', permissions: ['admin'] }),
    );

    expect(record).toMatchObject({ createdBy: OWNER.id, accounts: '*', environment: 'test' });
  });

  it('judges the person as the store holds them now, not as the session said', async () => {
    const { deps } = service([{ ...ANA, accounts: ['acct_2'] }, OWNER]);

    const attempt = createKey(
      deps,
      personCaller(ANA),
      createKeyInput.parse({ name: 'x', permissions: ['read'], accounts: ['acct_1'] }),
    );

    await expect(attempt).rejects.toBeInstanceOf(ExceedsOwnRightsError);
  });

  it('refuses a removed member with 403 saying so', async () => {
    const { deps } = service([BEN, OWNER]);

    const attempt = createKey(deps, personCaller(ANA), createKeyInput.parse({ name: 'x', permissions: ['read'] }));

    await expect(attempt).rejects.toBeInstanceOf(ForbiddenError);
    await expect(attempt).rejects.toThrow('no longer a member');
  });
});

describe('createdBy is whoever acted', () => {
  it('names the acting key by its id when a key creates a key', async () => {
    const admin = aKeyRecord({ id: 'key_ADMINADMINADMIN', permissions: ['admin'], createdBy: OWNER.id });
    const { deps } = keyServiceWith([admin], { organization: ORGANIZATION });

    const { record } = await createKey(
      deps,
      keyCaller(admin),
      createKeyInput.parse({ name: 'x', permissions: ['read'] }),
    );

    expect(record.createdBy).toBe(admin.id);
  });

  it('keeps the person behind the acting key answerable, through keys made by keys', async () => {
    const admin = aKeyRecord({ id: 'key_ADMINADMINADMIN', permissions: ['admin'], createdBy: OWNER.id });
    const { deps } = keyServiceWith([admin], { organization: ORGANIZATION });
    const { record: child } = await createKey(
      deps,
      keyCaller(admin),
      createKeyInput.parse({ name: 'child', permissions: ['admin'] }),
    );

    const { record: grandchild } = await createKey(
      deps,
      keyCaller(child),
      createKeyInput.parse({ name: 'grandchild', permissions: ['read'] }),
    );

    expect(child).toMatchObject({ createdBy: admin.id, ownerMemberId: OWNER.id });
    expect(grandchild).toMatchObject({ createdBy: child.id, ownerMemberId: OWNER.id });
    expect(answerableMemberOf(grandchild)).toBe(OWNER.id);
  });

  it('names the rotating person as the new key’s creator', async () => {
    const { deps } = service();

    const { record } = await rotateKey(deps, personCaller(OWNER), ANAS_KEY.id, { gracePeriodSeconds: 0 });

    expect(record.createdBy).toBe(OWNER.id);
  });
});

describe('a member sees and manages only their own keys', () => {
  it('gets their own key, and another’s as missing', async () => {
    const { deps } = service();

    await expect(getKey(deps, personCaller(ANA), ANAS_KEY.id)).resolves.toMatchObject({ id: ANAS_KEY.id });
    await expect(getKey(deps, personCaller(ANA), BENS_KEY.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it.each([
    ['edit', (deps: Deps) => updateKey(deps, personCaller(ANA), BENS_KEY.id, { name: 'taken' })],
    ['deactivate', (deps: Deps) => changeKeyStatus(deps, personCaller(ANA), BENS_KEY.id, 'deactivate')],
    ['revoke', (deps: Deps) => changeKeyStatus(deps, personCaller(ANA), BENS_KEY.id, 'revoke')],
    ['rotate', (deps: Deps) => rotateKey(deps, personCaller(ANA), BENS_KEY.id, { gracePeriodSeconds: 0 })],
    ['delete', (deps: Deps) => deleteKey(deps, personCaller(ANA), BENS_KEY.id)],
  ])('cannot %s another member’s key: 404, nothing changed', async (_action, act) => {
    const { keys, deps } = service();

    await expect(act(deps)).rejects.toBeInstanceOf(NotFoundError);
    expect(await keys.get(BENS_KEY.id)).toEqual(BENS_KEY);
    expect(keys.records.size).toBe(2);
  });

  it('manages their own key', async () => {
    const { deps } = service();

    await expect(changeKeyStatus(deps, personCaller(ANA), ANAS_KEY.id, 'deactivate')).resolves.toMatchObject({
      status: 'inactive',
    });
    await expect(deleteKey(deps, personCaller(ANA), ANAS_KEY.id)).resolves.toMatchObject({ id: ANAS_KEY.id });
  });

  it('is held to their own keys once demoted, though the session still says admin', async () => {
    const { deps } = service();

    const attempt = deleteKey(deps, personCaller({ ...ANA, role: 'admin' }), BENS_KEY.id);

    await expect(attempt).rejects.toBeInstanceOf(NotFoundError);
  });

  it('lets an owner see and manage everyone’s keys', async () => {
    const { deps } = service();

    await expect(getKey(deps, personCaller(OWNER), BENS_KEY.id)).resolves.toMatchObject({ id: BENS_KEY.id });
    await expect(changeKeyStatus(deps, personCaller(OWNER), BENS_KEY.id, 'revoke')).resolves.toMatchObject({
      status: 'revoked',
    });
  });
});

type Deps = ReturnType<typeof service>['deps'];

describe('listKeys for a member', () => {
  const others = (count: number, from = 0) =>
    Array.from({ length: count }, (_, i) =>
      aKeyRecord({ id: `key_OTHER${String(from + i).padStart(11, '0')}`, createdBy: BEN.id }),
    );
  // A member makes keys within their sub-accounts only.
  const mineNumbered = (i: number) =>
    aKeyRecord({ id: `key_MINE${String(i).padStart(12, '0')}`, createdBy: ANA.id, accounts: ANA.accounts });

  it('lists only their own keys, reading pages until the page is full', async () => {
    const mine = [mineNumbered(1), mineNumbered(2), mineNumbered(3)];
    const records = [mine[0], ...others(3), mine[1], ...others(3, 3), mine[2]].filter((key) => key !== undefined);
    const { deps } = keyServiceWith(records, { members: [ANA, BEN] });

    const page = await listKeys(deps, personCaller(ANA), { limit: 2 });
    const rest = await listKeys(deps, personCaller(ANA), { limit: 2, cursor: page.nextCursor as string });

    expect(page.items.map((key) => key.id)).toEqual([mine[0]?.id, mine[1]?.id]);
    expect(rest.items.map((key) => key.id)).toEqual([mine[2]?.id]);
    expect(rest.nextCursor).toBeUndefined();
  });

  it(`reads at most ${FILTERED_PAGES_READ} pages, then answers a short page whose cursor goes on`, async () => {
    const mine = mineNumbered(1);
    const { keys, deps } = keyServiceWith([...others(20), mine], { members: [ANA, BEN] });

    const page = await listKeys(deps, personCaller(ANA), { limit: 3 });
    const next = await listKeys(deps, personCaller(ANA), { limit: 3, cursor: page.nextCursor as string });

    expect(page.items).toEqual([]);
    expect(page.nextCursor).toBe('15');
    expect(keys.pagesRead.slice(0, FILTERED_PAGES_READ).every((request) => request.limit === 3)).toBe(true);
    expect(next.items.map((key) => key.id)).toEqual([mine.id]);
  });

  it('lists every key to an admin person, as to a key', async () => {
    const { deps } = service();

    const page = await listKeys(deps, personCaller({ ...ANA, role: 'admin' }), { limit: 10 });

    expect(page.items).toHaveLength(2);
  });
});

describe('a person limited to some sub-accounts', () => {
  const LIMITED_ADMIN = aMemberOf({ id: 'mem_limited', role: 'admin', accounts: ['acct_1'], permissions: [] });
  const LIMITED_VIEWER = aMemberOf({ id: 'mem_viewer', role: 'viewer', accounts: ['acct_1'], permissions: [] });
  const inAcct1 = aKeyRecord({ id: 'key_ACCT1ACCT1ACCT1', createdBy: OWNER.id, accounts: ['acct_1'] });
  const inAcct2 = aKeyRecord({ id: 'key_ACCT2ACCT2ACCT2', createdBy: OWNER.id, accounts: ['acct_2'] });
  const inBoth = aKeyRecord({ id: 'key_BOTHBOTHBOTHBOTH', createdBy: OWNER.id, accounts: ['acct_1', 'acct_2'] });
  const inEvery = aKeyRecord({ id: 'key_EVERYEVERYEVERY', createdBy: OWNER.id, accounts: '*' });
  const beyond = [inAcct2, inBoth, inEvery];

  function limited(members = [LIMITED_ADMIN, LIMITED_VIEWER, OWNER]) {
    return keyServiceWith([inAcct2, inEvery, inAcct1, inBoth], { organization: ORGANIZATION, members });
  }

  it.each([
    ['an admin', LIMITED_ADMIN],
    ['a viewer', LIMITED_VIEWER],
  ])('%s gets keys within their sub-accounts, and the others as missing', async (_label, person) => {
    const { deps } = limited();

    await expect(getKey(deps, personCaller(person), inAcct1.id)).resolves.toMatchObject({ id: inAcct1.id });
    for (const key of beyond) {
      await expect(getKey(deps, personCaller(person), key.id)).rejects.toBeInstanceOf(NotFoundError);
    }
  });

  it.each([
    ['an admin', LIMITED_ADMIN],
    ['a viewer', LIMITED_VIEWER],
  ])('%s lists only keys within their sub-accounts, filling the page', async (_label, person) => {
    const { deps } = limited();

    const page = await listKeys(deps, personCaller(person), { limit: 1 });

    expect(page.items.map((key) => key.id)).toEqual([inAcct1.id]);
  });

  it.each([
    ['edit', (deps: Deps, key: string) => updateKey(deps, personCaller(LIMITED_ADMIN), key, { name: 'taken' })],
    ['deactivate', (deps: Deps, key: string) => changeKeyStatus(deps, personCaller(LIMITED_ADMIN), key, 'deactivate')],
    [
      'rotate',
      (deps: Deps, key: string) => rotateKey(deps, personCaller(LIMITED_ADMIN), key, { gracePeriodSeconds: 0 }),
    ],
    ['delete', (deps: Deps, key: string) => deleteKey(deps, personCaller(LIMITED_ADMIN), key)],
  ])('an admin cannot %s a key beyond their sub-accounts: 404, nothing changed', async (_action, act) => {
    const { keys, deps } = limited();
    const before = structuredClone([...keys.records.values()]);

    for (const key of beyond) await expect(act(deps, key.id)).rejects.toBeInstanceOf(NotFoundError);
    expect([...keys.records.values()]).toEqual(before);
  });

  it('is held to the sub-accounts the store holds now, though the session still says every one', async () => {
    const { keys, deps } = limited();
    const session = personCaller({ ...LIMITED_ADMIN, accounts: '*' });

    await expect(deleteKey(deps, session, inAcct2.id)).rejects.toBeInstanceOf(NotFoundError);
    expect(keys.records.has(inAcct2.id)).toBe(true);
  });

  it('does not narrow an owner, whatever sub-accounts their member item lists', async () => {
    const { deps } = limited();

    const page = await listKeys(deps, personCaller({ ...OWNER, accounts: ['acct_1'] }), { limit: 10 });

    expect(page.items).toHaveLength(4);
  });
});

describe('read-only callers', () => {
  it.each([
    ['a read-only session', personCaller(OWNER, { readOnly: true })],
    ['a viewer', personCaller({ ...OWNER, role: 'viewer' })],
  ])('%s reads keys but changes none: 403 on every write', async (_label, caller) => {
    const { keys, deps } = service();
    const before = structuredClone([...keys.records.values()]);

    await expect(getKey(deps, caller, ANAS_KEY.id)).resolves.toMatchObject({ id: ANAS_KEY.id });
    const writes = [
      createKey(deps, caller, createKeyInput.parse({ name: 'x', permissions: ['read'] })),
      updateKey(deps, caller, ANAS_KEY.id, { name: 'y' }),
      changeKeyStatus(deps, caller, ANAS_KEY.id, 'deactivate'),
      rotateKey(deps, caller, ANAS_KEY.id, { gracePeriodSeconds: 0 }),
      deleteKey(deps, caller, ANAS_KEY.id),
    ];
    for (const write of writes) await expect(write).rejects.toBeInstanceOf(ForbiddenError);
    expect([...keys.records.values()]).toEqual(before);
  });

  it('refuses a person made viewer since the session began', async () => {
    const { deps } = service([{ ...OWNER, role: 'viewer' }]);

    await expect(deleteKey(deps, personCaller(OWNER), ANAS_KEY.id)).rejects.toBeInstanceOf(ForbiddenError);
  });
});

describe('creatorEmailsOf and keyView', () => {
  const byKey = aKeyRecord({ id: 'key_BYKEYBYKEYBYKEY', createdBy: 'key_ADMINADMINADMIN' });

  it("reads only the page's distinct creators, once, never the whole member list", async () => {
    const anasOther = aKeyRecord({ id: 'key_ANA2ANA2ANA2ANA2', createdBy: ANA.id });
    const { members } = service();

    const creators = await creatorEmailsOf(members, personCaller(OWNER), [ANAS_KEY, BENS_KEY, anasOther, byKey]);

    expect(members.listCalls).toBe(0);
    expect(members.getManyCalls).toEqual([[ANA.id, BEN.id]]);
    expect(keyView(ANAS_KEY, NOW, creators)).toMatchObject({ createdBy: ANA.id, createdByEmail: ANA.email });
    expect(keyView(BENS_KEY, NOW, creators).createdByEmail).toBe(BEN.email);
    expect(keyView(byKey, NOW, creators)).not.toHaveProperty('createdByEmail');
  });

  it('shows no email for a creator who is no longer a member', async () => {
    const { members } = service([ANA, OWNER]);

    const creators = await creatorEmailsOf(members, personCaller(OWNER), [BENS_KEY]);

    expect(keyView(BENS_KEY, NOW, creators)).not.toHaveProperty('createdByEmail');
  });

  it('reads no members when every creator is a key or the calling person', async () => {
    const { members } = service();

    const creators = await creatorEmailsOf(members, personCaller(ANA), [ANAS_KEY, byKey]);

    expect(members.listCalls).toBe(0);
    expect(members.getManyCalls).toEqual([]);
    expect(keyView(ANAS_KEY, NOW, creators).createdByEmail).toBe(ANA.email);
  });
});
