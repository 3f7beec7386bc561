/** The key service's stores in memory, for unit tests of its rules: keys, an organization, members. */
import type { Caller } from '../../functions/domain/caller';
import {
  type ApiKeyRecord,
  answerableMemberOf,
  type KeyStore,
  type PageRequest,
} from '../../functions/domain/keys/key-model';
import type { Member } from '../../functions/domain/members/member-model';
import type { Organization } from '../../functions/domain/organization';
import { MemoryMemberStore } from './member-memory';
import { aManualClock, anOrganization, PEPPER } from './unit-factories';

/** Keys in insertion order; a page's cursor is the index of its next key. */
export class InMemoryKeys implements KeyStore {
  readonly records = new Map<string, ApiKeyRecord>();
  /** Every page request listByOrganization was asked, in order. */
  readonly pagesRead: PageRequest[] = [];
  async get(keyId: string) {
    const record = this.records.get(keyId);
    return record && structuredClone(record);
  }
  async create(record: ApiKeyRecord) {
    this.records.set(record.id, structuredClone(record));
  }
  async replace(next: ApiKeyRecord) {
    this.records.set(next.id, structuredClone(next));
  }
  async delete(record: ApiKeyRecord) {
    this.records.delete(record.id);
  }
  async listByOrganization(organizationId: string, environment: string, page: PageRequest) {
    this.pagesRead.push(page);
    const all = [...this.records.values()].filter(
      (key) => key.organizationId === organizationId && key.environment === environment,
    );
    const start = Number(page.cursor ?? 0);
    const end = start + page.limit;
    return { items: all.slice(start, end), ...(end < all.length && { nextCursor: String(end) }) };
  }
  async recordLastUsed() {}
}

/** Members, counting reads of a whole organization's and recording the ids each getMany asked for. */
export class CountingMemberStore extends MemoryMemberStore {
  listCalls = 0;
  readonly getManyCalls: string[][] = [];
  override async list(organizationId: string) {
    this.listCalls += 1;
    return super.list(organizationId);
  }
  override async getMany(organizationId: string, memberIds: readonly string[]) {
    this.getManyCalls.push([...memberIds]);
    return super.getMany(organizationId, memberIds);
  }
}

/** The key service's deps over these stores, holding `records` and `members`. */
export function keyServiceWith(
  records: readonly ApiKeyRecord[] = [],
  options: { organization?: Organization; members?: readonly Member[] } = {},
) {
  const keys = new InMemoryKeys();
  for (const record of records) keys.records.set(record.id, record);
  const members = new CountingMemberStore(options.members);
  const organization = options.organization ?? anOrganization();
  const deps = {
    keys,
    members,
    organizations: {
      get: async () => organization,
      create: async () => {},
      setPlan: async () => {},
      delete: async () => {},
      setLeakedKeyAction: async () => {},
    },
    pepper: async () => PEPPER,
    clock: aManualClock().clock,
    authorizerCache: { flush: async () => {} },
  };
  return { keys, members, deps };
}

/** A key acting on the management API, as the authorizer vouches for it. */
export function keyCaller(actor: ApiKeyRecord): Caller {
  return {
    actor: { kind: 'key', keyId: actor.id, memberId: answerableMemberOf(actor) },
    keyId: actor.id,
    organizationId: actor.organizationId,
    memberId: answerableMemberOf(actor),
    environment: actor.environment,
    permissions: actor.permissions,
    accounts: actor.accounts,
    sourceIp: '203.0.113.7',
  };
}

/** A person signed in with a console session, as the management authorizer vouches for them. */
export function personCaller(
  member: Member,
  options: { readOnly?: boolean; environment?: 'live' | 'test' } = {},
): Caller {
  return {
    actor: {
      kind: 'member',
      memberId: member.id,
      email: member.email,
      role: member.role,
      readOnly: options.readOnly ?? false,
      authMethod: 'session',
      sessionId: 'ses_1',
    },
    organizationId: member.organizationId,
    memberId: member.id,
    environment: options.environment ?? 'live',
    permissions: member.permissions,
    accounts: member.accounts,
    sourceIp: '203.0.113.7',
  };
}
