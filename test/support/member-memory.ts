/** A MemberStore in memory for unit tests of the member service's rules; the Dynamo adapter has its own tests. */
import { ConcurrentModificationError, ConflictError, NotFoundError } from '../../functions/domain/errors';
import {
  LastOwnerError,
  type Member,
  type MemberStore,
  type Membership,
} from '../../functions/domain/members/member-model';

export class MemoryMemberStore implements MemberStore {
  readonly members = new Map<string, Member>();
  constructor(members: readonly Member[] = []) {
    for (const member of members) this.members.set(member.id, structuredClone(member));
  }
  async list(organizationId: string) {
    return [...this.members.values()].filter((m) => m.organizationId === organizationId).map((m) => structuredClone(m));
  }
  async get(organizationId: string, memberId: string) {
    const member = this.members.get(memberId);
    return member?.organizationId === organizationId ? structuredClone(member) : undefined;
  }
  async getMany(organizationId: string, memberIds: readonly string[]) {
    return [...new Set(memberIds)].flatMap((id) => {
      const member = this.members.get(id);
      return member?.organizationId === organizationId ? [structuredClone(member)] : [];
    });
  }
  async findByEmail(organizationId: string, email: string) {
    return (await this.list(organizationId)).find((m) => m.email === email.toLowerCase());
  }
  async membershipsOfEmail(email: string): Promise<Membership[]> {
    return [...this.members.values()]
      .filter((m) => m.email === email.toLowerCase())
      .map((m) => ({ organizationId: m.organizationId, memberId: m.id }));
  }
  async invite(member: Member) {
    if (await this.findByEmail(member.organizationId, member.email)) throw new ConflictError(`${member.email} exists`);
    this.members.set(member.id, structuredClone(member));
  }
  async update(next: Member) {
    const current = this.members.get(next.id);
    if (!current) throw new NotFoundError(next.id);
    if (current.version !== next.version - 1) throw new ConcurrentModificationError(next.id);
    if (current.role === 'owner' && next.role !== 'owner') this.assertAnotherOwner(current);
    this.members.set(next.id, structuredClone(next));
  }
  async remove(member: Member) {
    if (member.role === 'owner') this.assertAnotherOwner(member);
    this.members.delete(member.id);
  }
  async markJoined(organizationId: string, memberId: string, at: string) {
    const member = this.members.get(memberId);
    if (member?.organizationId !== organizationId) return undefined;
    Object.assign(member, { status: 'active', joinedAt: member.joinedAt ?? at });
    return structuredClone(member);
  }
  async linkOidcSubject(organizationId: string, memberId: string, issuer: string, subject: string) {
    const member = this.members.get(memberId);
    if (member?.organizationId !== organizationId) throw new NotFoundError(memberId);
    Object.assign(member, { oidcIssuer: issuer, oidcSubject: subject });
  }
  async membershipsOfOidcSubject(issuer: string, subject: string) {
    return [...this.members.values()]
      .filter((m) => m.oidcIssuer === issuer && m.oidcSubject === subject)
      .map((m) => ({ organizationId: m.organizationId, memberId: m.id }));
  }
  private assertAnotherOwner(member: Member) {
    const owners = [...this.members.values()].filter(
      (m) => m.organizationId === member.organizationId && m.role === 'owner' && m.id !== member.id,
    );
    if (owners.length === 0) throw new LastOwnerError();
  }
}

export function aMemberOf(overrides: Partial<Member> = {}): Member {
  return {
    id: 'mem_0000000000000001',
    organizationId: 'org_1',
    email: 'ana@acme.example',
    role: 'member',
    accounts: ['acct_1'],
    permissions: ['read'],
    status: 'active',
    invitedAt: '2026-01-01T00:00:00.000Z',
    invitedBy: 'key_AAAAAAAAAAAAAAAA',
    version: 1,
    ...overrides,
  };
}

/** The people of unit-factories' anOrganization: an owner, an admin and a plain member (addresses differ in case). */
export function acmePeople(): Member[] {
  return [
    aMemberOf({ id: 'mem_owner', email: 'Owner@Acme.example', role: 'owner', accounts: '*', permissions: [] }),
    aMemberOf({ id: 'mem_admin', email: 'admin@acme.example', role: 'admin', accounts: '*', permissions: [] }),
    aMemberOf({ id: 'mem_member', email: 'member@acme.example' }),
  ];
}
