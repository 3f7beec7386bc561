/** In-memory SessionStore and member lookups for the session service's unit tests (same contract as the DynamoDB adapter). */
import type { ApiKeyRecord, PageRequest } from '../../functions/domain/keys/key-model';
import type { Member } from '../../functions/domain/members/member-model';
import {
  type ConsoleSession,
  LinkUsedOrExpiredError,
  type SessionLink,
  type SessionStore,
} from '../../functions/domain/sessions/session-model';

export class InMemorySessions implements SessionStore {
  readonly sessions = new Map<string, ConsoleSession>();
  readonly links = new Map<string, SessionLink>();

  async create(session: ConsoleSession, link: SessionLink) {
    this.sessions.set(session.id, { ...session });
    this.links.set(link.hash, { ...link });
  }

  async get(sessionId: string) {
    const session = this.sessions.get(sessionId);
    return session && { ...session };
  }

  async exchange(linkHash: string, browserTokenHashFor: (sessionId: string) => string, now: Date) {
    const link = this.links.get(linkHash);
    if (!link || Date.parse(link.expiresAt) <= now.getTime()) throw new LinkUsedOrExpiredError();
    this.links.delete(linkHash);
    const session = this.sessions.get(link.sessionId);
    if (!session || session.browserTokenHash || Date.parse(session.expiresAt) <= now.getTime()) {
      throw new LinkUsedOrExpiredError();
    }
    session.browserTokenHash = browserTokenHashFor(session.id);
    return { ...session };
  }

  async revoke(organizationId: string, sessionId: string) {
    const session = this.sessions.get(sessionId);
    if (!session || session.organizationId !== organizationId) return false;
    this.sessions.delete(sessionId);
    this.links.delete(session.linkHash);
    return true;
  }

  /** The cursor is the offset: enough for the service's tests (the adapter's test covers sealed cursors). */
  async listActive(organizationId: string, now: Date, page: PageRequest) {
    const active = [...this.sessions.values()]
      .filter((session) => session.organizationId === organizationId && Date.parse(session.expiresAt) > now.getTime())
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    const from = Number(page.cursor ?? 0);
    const next = from + page.limit;
    return { items: active.slice(from, next), ...(next < active.length && { nextCursor: String(next) }) };
  }
}

export function membersOf(list: Member[]) {
  const joined: string[] = [];
  return {
    joined,
    async get(organizationId: string, memberId: string) {
      return list.find((member) => member.organizationId === organizationId && member.id === memberId);
    },
    async findByEmail(organizationId: string, email: string) {
      return list.find((member) => member.organizationId === organizationId && member.email === email.toLowerCase());
    },
    async markJoined(organizationId: string, memberId: string) {
      joined.push(`${organizationId}/${memberId}`);
      return list.find((member) => member.id === memberId);
    },
  };
}

export function aPerson(overrides: Partial<Member> = {}): Member {
  return {
    id: 'mem_00000000000000a1',
    organizationId: 'org_1',
    email: 'ada@acme.example',
    role: 'member',
    accounts: ['acct_1'],
    permissions: ['read'],
    status: 'invited',
    invitedAt: '2026-03-01T00:00:00.000Z',
    invitedBy: 'key_AAAAAAAAAAAAAAAA',
    version: 1,
    ...overrides,
  };
}

/** The key lookups the session service makes of the calling key. */
export function keysOf(list: ApiKeyRecord[]) {
  return {
    async get(keyId: string) {
      const key = list.find((candidate) => candidate.id === keyId);
      return key && { ...key };
    },
  };
}
