/**
 * Key management. Every change is read → checked here → written conditionally on the version read,
 * one item at a time, so a failed or raced write leaves nothing half-done.
 */

import type { CreateKeyInput, RotateKeyInput, UpdateKeyInput } from '../../definition/schemas/keys';
import { actorLabel, type Caller, isReadOnly } from '../caller';
import type { Clock } from '../clock';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors';
import { type ExpiryScheduler, scheduleExpiryOf } from '../key-expiry/schedule';
import type { MemberStore } from '../members/member-model';
import { rightsOfMember } from '../members/member-rights';
import { assertAccountsBelong, type Organization, type OrganizationStore } from '../organization';
import { accountsWithin, assertWithinActor, type Rights, withActorBounds } from './grant-rule';
import { hashKey } from './key-hash';
import { type AccountScope, type ApiKeyRecord, effectiveStatus, type KeyStore, type PageRequest } from './key-model';
import { generateKey, type KeyEnvironment, type RandomSource } from './key-token';

/** Empties API Gateway's cached authorizer answers, so a stopped or narrowed key takes effect at once. */
export interface AuthorizerCacheFlusher {
  flush(environment: KeyEnvironment): Promise<void>;
}

export interface KeyServiceDeps {
  keys: KeyStore;
  organizations: OrganizationStore;
  /** A person's role and holdings, read afresh on every write they make (the authorizer's may be a second old). */
  members: Pick<MemberStore, 'get'>;
  pepper: () => Promise<Buffer>;
  clock: Clock;
  authorizerCache: AuthorizerCacheFlusher;
  /**
   * Schedules the cache flush of each expiry a write sets, since an expiry stops a key without a
   * write. The key handlers pass it; without it (provisioning, unit tests) nothing is scheduled.
   */
  expiries?: ExpiryScheduler;
  random?: RandomSource;
}

export type StatusChange = 'deactivate' | 'activate' | 'revoke';

const DAY_MS = 24 * 3600 * 1000;

export async function createKey(
  deps: Pick<KeyServiceDeps, 'keys' | 'organizations' | 'members' | 'pepper' | 'clock' | 'random' | 'expiries'>,
  caller: Caller,
  input: CreateKeyInput,
) {
  assertMayWrite(caller);
  const organization = await organizationOf(deps, caller);
  const actor = await actorRights(deps, caller);
  const settings = withActorBounds(actor, { ...input, environment: input.environment ?? caller.environment });
  const accounts = settings.accounts ?? '*';
  assertAccountsBelong(organization, accounts, 'accounts');
  assertFuture(settings.expiresAt, deps.clock(), 'expiresAt');
  assertWithinActor(actor, { ...settings, accounts });
  // The person or key that acted, never what a request says: the record must not be forgeable.
  return issueKey(deps, organization, {
    ...settings,
    accounts,
    createdBy: actorLabel(caller),
    ownerMemberId: caller.memberId,
  });
}

export type KeySettings = Omit<CreateKeyInput, 'environment' | 'accounts'> & {
  environment: KeyEnvironment;
  accounts: AccountScope;
  createdBy: string;
  ownerMemberId: string;
};

/** Generates, hashes and stores a new key; the plaintext is returned once and never kept. */
export async function issueKey(
  deps: Pick<KeyServiceDeps, 'keys' | 'pepper' | 'clock' | 'random' | 'expiries'>,
  organization: Organization,
  settings: KeySettings,
) {
  const now = deps.clock();
  const generated = generateKey(settings.environment, deps.random);
  const record: ApiKeyRecord = {
    id: generated.keyId,
    organizationId: organization.id,
    name: settings.name,
    secretHash: hashKey(generated.token, await deps.pepper()),
    last8: generated.last8,
    environment: generated.environment,
    status: 'active',
    permissions: settings.permissions,
    accounts: settings.accounts,
    ...(settings.ipAllowlist && { ipAllowlist: settings.ipAllowlist }),
    ...(settings.expiresAt && { expiresAt: new Date(settings.expiresAt).toISOString() }),
    ...(settings.rateLimitPerMinute !== undefined && { rateLimitPerMinute: settings.rateLimitPerMinute }),
    createdAt: now.toISOString(),
    createdBy: settings.createdBy,
    ownerMemberId: settings.ownerMemberId,
    rotationDueAt: rotationDueAt(organization, now),
    ...(organization.usageIdentifierKey && { usageIdentifierKey: organization.usageIdentifierKey }),
    version: 1,
  };
  await scheduleExpiryOf(deps.expiries, record);
  await deps.keys.create(record);
  return { record, token: generated.token };
}

/** How many pages of the organization's keys one list of a person's visible keys reads at most. */
export const FILTERED_PAGES_READ = 5;

/**
 * A person sees only some keys (keysVisibleTo). There is no index by creator or sub-account, so
 * their list reads the organization's pages, each asking for what is still missing, until the page
 * is full or FILTERED_PAGES_READ pages were read: a page may come back short (even empty) with a
 * `nextCursor`, and following it goes on where the reading stopped.
 */
export async function listKeys(deps: Pick<KeyServiceDeps, 'keys'>, caller: Caller, page: PageRequest) {
  const visible = keysVisibleTo(caller);
  if (!visible) return deps.keys.listByOrganization(caller.organizationId, caller.environment, page);
  const items: ApiKeyRecord[] = [];
  let cursor = page.cursor;
  for (let read = 0; read < FILTERED_PAGES_READ && items.length < page.limit; read++) {
    const next = await deps.keys.listByOrganization(caller.organizationId, caller.environment, {
      limit: page.limit - items.length,
      ...(cursor !== undefined && { cursor }),
    });
    items.push(...next.items.filter(visible));
    cursor = next.nextCursor;
    if (cursor === undefined) break;
  }
  return { items, ...(cursor !== undefined && { nextCursor: cursor }) };
}

/**
 * Another organization's key, or a key of the other environment, is reported as missing, not
 * forbidden, so ids leak nothing: a sandbox key never sees or touches a live one. So is a key the
 * calling person may not see (keysVisibleTo).
 */
export async function getKey(deps: Pick<KeyServiceDeps, 'keys'>, caller: Caller, keyId: string) {
  const key = await deps.keys.get(keyId);
  const visible = keysVisibleTo(caller);
  if (
    !key ||
    key.organizationId !== caller.organizationId ||
    key.environment !== caller.environment ||
    (visible !== undefined && !visible(key))
  ) {
    throw notFound(caller, keyId);
  }
  return key;
}

function notFound(caller: Caller, keyId: string) {
  const where = caller.environment === 'live' ? 'live' : 'sandbox';
  return new NotFoundError(`No ${where} key ${keyId} in this organization. List keys with GET /v1/keys.`);
}

/**
 * Which of the organization's keys a person sees, as the authorizer vouched for them (writes check
 * again against the member read afresh, in actorRights): a person with the `member` role only the
 * keys they made, and anyone but an owner, when limited to some sub-accounts, only keys within
 * them. Undefined when the caller sees every key of the environment (keys, owners, people with '*').
 */
function keysVisibleTo(caller: Caller): ((key: ApiKeyRecord) => boolean) | undefined {
  if (caller.actor.kind !== 'member') return undefined;
  const { role, memberId } = caller.actor;
  return visibilityOf(role === 'member' ? memberId : undefined, role === 'owner' ? '*' : caller.accounts);
}

function visibilityOf(
  creator: string | undefined,
  accounts: AccountScope,
): ((key: ApiKeyRecord) => boolean) | undefined {
  if (creator === undefined && accounts === '*') return undefined;
  return (key) => (creator === undefined || key.createdBy === creator) && accountsWithin(accounts, key.accounts);
}

/** Viewers and read-only sessions read only: the management authorizer lets them call GET routes alone, and this checks again. */
function assertMayWrite(caller: Caller) {
  if (isReadOnly(caller)) {
    throw new ForbiddenError("This session is read-only (or a viewer's): it may read keys, not change them.");
  }
}

/** What a key holds, as the grant rule compares it. */
export function rightsOf(key: ApiKeyRecord): Rights {
  return {
    environment: key.environment,
    permissions: key.permissions,
    accounts: key.accounts,
    ...(key.expiresAt !== undefined && { expiresAt: key.expiresAt }),
    ...(key.ipAllowlist !== undefined && { ipAllowlist: key.ipAllowlist }),
    ...(key.rateLimitPerMinute !== undefined && { rateLimitPerMinute: key.rateLimitPerMinute }),
  };
}

/**
 * The actor's rights, read afresh (one consistent GetItem): the authorizer's context may be up to a
 * cache TTL old, and it does not carry a key's expiry or allowlist. A person holds what their role
 * holds now (domain/members/member-rights.ts): a removed member holds nothing, a member demoted a
 * moment ago holds the new role's rights, and a person acts only on keys they see now (`target`,
 * the key acted on; keysVisibleTo): one narrowed a moment ago gets 404, as on a read.
 */
async function actorRights(
  deps: Pick<KeyServiceDeps, 'keys' | 'members' | 'clock'>,
  caller: Caller,
  target?: ApiKeyRecord,
): Promise<Rights> {
  if (caller.actor.kind === 'member') {
    const member = await deps.members.get(caller.organizationId, caller.actor.memberId);
    if (!member) {
      throw new ForbiddenError('You are no longer a member of this organization; ask one of its admins to invite you.');
    }
    if (member.role === 'viewer') throw new ForbiddenError('A viewer may read keys, not change them.');
    const rights = rightsOfMember(member, caller.environment);
    const visible = visibilityOf(member.role === 'member' ? member.id : undefined, rights.accounts);
    if (target && visible && !visible(target)) throw notFound(caller, target.id);
    return rights;
  }
  const actor = await deps.keys.get(caller.actor.keyId);
  if (!actor || actor.organizationId !== caller.organizationId || effectiveStatus(actor, deps.clock()) !== 'active') {
    throw new ForbiddenError('The calling key is no longer active; use an active key.');
  }
  return rightsOf(actor);
}

export async function updateKey(
  deps: Pick<KeyServiceDeps, 'keys' | 'organizations' | 'members' | 'clock' | 'authorizerCache' | 'expiries'>,
  caller: Caller,
  keyId: string,
  patch: UpdateKeyInput,
) {
  assertMayWrite(caller);
  const current = await getKey(deps, caller, keyId);
  if (current.status === 'revoked') throw new ConflictError(`Key ${keyId} is revoked; a revoked key cannot be edited.`);
  // Editing a retired key (e.g. clearing the expiresAt its rotation set) would bring it back to life.
  if (current.rotatedToKeyId) {
    throw new ConflictError(
      `Key ${keyId} was rotated to ${current.rotatedToKeyId}; a rotated key cannot be edited. Edit ${current.rotatedToKeyId} instead.`,
    );
  }
  const now = deps.clock();
  const actor = await actorRights(deps, caller, current);
  if (patch.accounts !== undefined)
    assertAccountsBelong(await organizationOf(deps, caller), patch.accounts, 'accounts');
  if (patch.expiresAt) assertFuture(patch.expiresAt, now, 'expiresAt');
  const next: ApiKeyRecord = { ...current, version: current.version + 1 };
  if (patch.name !== undefined) next.name = patch.name;
  if (patch.permissions !== undefined) next.permissions = patch.permissions;
  if (patch.accounts !== undefined) next.accounts = patch.accounts;
  applyOptional(next, 'ipAllowlist', patch.ipAllowlist);
  applyOptional(next, 'expiresAt', patch.expiresAt && new Date(patch.expiresAt).toISOString());
  applyOptional(next, 'rateLimitPerMinute', patch.rateLimitPerMinute);
  // The whole edited key must fit, not only the fields sent: a key no actor could make stays unmade.
  assertWithinActor(actor, rightsOf(next));
  await scheduleExpiryOf(deps.expiries, next, current);
  await deps.keys.replace(next);
  await deps.authorizerCache.flush(next.environment);
  return next;
}

export async function changeKeyStatus(
  deps: Pick<KeyServiceDeps, 'keys' | 'members' | 'clock' | 'authorizerCache'>,
  caller: Caller,
  keyId: string,
  change: StatusChange,
) {
  assertMayWrite(caller);
  const current = await getKey(deps, caller, keyId);
  const status = effectiveStatus(current, deps.clock());
  if (status === 'revoked') throw new ConflictError(`Key ${keyId} is revoked; revocation is permanent.`);
  if (change === 'activate' && status === 'expired') {
    throw new ConflictError(`Key ${keyId} has expired; set a later expiresAt with PATCH, or create a new key.`);
  }
  if (change === 'activate' && current.rotatedToKeyId) {
    throw new ConflictError(
      `Key ${keyId} was rotated to ${current.rotatedToKeyId}; a rotated key cannot be activated again.`,
    );
  }
  assertWithinActor(await actorRights(deps, caller, current), rightsOf(current));
  const target = { deactivate: 'inactive', activate: 'active', revoke: 'revoked' } as const;
  const next: ApiKeyRecord = { ...current, status: target[change], version: current.version + 1 };
  await deps.keys.replace(next);
  if (change !== 'activate') await deps.authorizerCache.flush(next.environment);
  return next;
}

export async function deleteKey(
  deps: Pick<KeyServiceDeps, 'keys' | 'members' | 'clock' | 'authorizerCache'>,
  caller: Caller,
  keyId: string,
) {
  assertMayWrite(caller);
  const current = await getKey(deps, caller, keyId);
  assertWithinActor(await actorRights(deps, caller, current), rightsOf(current));
  await deps.keys.delete(current);
  await deps.authorizerCache.flush(current.environment);
  return current;
}

/**
 * The new key copies the old one's settings; the old key stops at once (grace 0) or when the grace
 * period ends. The new key is written first: if retiring the old one then fails, the new one is
 * deleted again, and if the process dies in between, the leftover key's plaintext was never shown,
 * so nobody can use it.
 */
export async function rotateKey(deps: KeyServiceDeps, caller: Caller, keyId: string, input: RotateKeyInput) {
  assertMayWrite(caller);
  const old = await getKey(deps, caller, keyId);
  const now = deps.clock();
  const status = effectiveStatus(old, now);
  if (status === 'revoked' || status === 'expired') {
    throw new ConflictError(`Key ${keyId} is ${status}; only an active or inactive key can be rotated.`);
  }
  if (old.rotatedToKeyId) throw new ConflictError(`Key ${keyId} was already rotated to ${old.rotatedToKeyId}.`);
  // The new key copies the old one's rights: rotating must not hand out a key wider than the actor's.
  assertWithinActor(await actorRights(deps, caller, old), rightsOf(old));
  const organization = await organizationOf(deps, caller);
  const generated = generateKey(old.environment, deps.random);
  const replacement: ApiKeyRecord = {
    ...old,
    id: generated.keyId,
    secretHash: hashKey(generated.token, await deps.pepper()),
    last8: generated.last8,
    createdAt: now.toISOString(),
    createdBy: actorLabel(caller),
    ownerMemberId: caller.memberId,
    rotationDueAt: rotationDueAt(organization, now),
    rotatedFromKeyId: old.id,
    version: 1,
  };
  delete replacement.lastUsedAt;
  delete replacement.rotatedToKeyId;
  // The new key starts at age 0: its reminders start over.
  delete replacement.lastReminderStage;
  delete replacement.graceWarningSentAt;
  const graceEnd = new Date(now.getTime() + input.gracePeriodSeconds * 1000);
  const stopsAt =
    old.expiresAt && Date.parse(old.expiresAt) < graceEnd.getTime() ? old.expiresAt : graceEnd.toISOString();
  const retired: ApiKeyRecord = {
    ...old,
    expiresAt: stopsAt,
    rotatedToKeyId: replacement.id,
    version: old.version + 1,
  };

  await scheduleExpiryOf(deps.expiries, replacement);
  await scheduleExpiryOf(deps.expiries, retired, old);
  await deps.keys.create(replacement);
  try {
    await deps.keys.replace(retired);
  } catch (error) {
    await deps.keys.delete(replacement);
    throw error;
  }
  await deps.authorizerCache.flush(old.environment);
  return { record: replacement, token: generated.token, retired };
}

async function organizationOf(deps: Pick<KeyServiceDeps, 'organizations'>, caller: Caller): Promise<Organization> {
  const organization = await deps.organizations.get(caller.organizationId);
  if (!organization) throw new NotFoundError(`Organization ${caller.organizationId} no longer exists.`);
  return organization;
}

function assertFuture(isoDate: string | undefined, now: Date, field: string) {
  if (isoDate !== undefined && Date.parse(isoDate) <= now.getTime()) {
    throw new ValidationError([{ field, message: 'must be in the future' }]);
  }
}

function rotationDueAt(organization: Organization, from: Date): string {
  return new Date(from.getTime() + organization.rotationPeriodDays * DAY_MS).toISOString();
}

function applyOptional<K extends 'ipAllowlist' | 'expiresAt' | 'rateLimitPerMinute'>(
  record: ApiKeyRecord,
  field: K,
  value: ApiKeyRecord[K] | null | undefined,
) {
  if (value === null) delete record[field];
  else if (value !== undefined) record[field] = value;
}
