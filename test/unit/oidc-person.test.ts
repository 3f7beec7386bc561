import type { Member, MemberStore } from '../../functions/domain/members/member-model';
import { type OidcClaims, personOfClaims } from '../../functions/domain/members/oidc-person';
import { NOW } from '../support/unit-factories';

const ISSUER = 'https://id.example.com';
const clock = () => NOW;

function aMember(overrides: Partial<Member> = {}): Member {
  return {
    id: 'mem_1',
    organizationId: 'org_1',
    email: 'ada@acme.example',
    role: 'member',
    accounts: ['acct_1'],
    permissions: ['read'],
    status: 'active',
    invitedAt: '2026-01-01T00:00:00.000Z',
    invitedBy: 'key_1',
    version: 1,
    ...overrides,
  };
}

function claimsOf(overrides: Partial<OidcClaims> = {}): OidcClaims {
  return { issuer: ISSUER, subject: 'user-1', email: 'Ada@Acme.example', emailVerified: true, ...overrides };
}

/** The lookups personOfClaims reads and writes, over a list of members; the rest is not its business. */
function membersOf(...stored: Member[]) {
  const links: { organizationId: string; memberId: string; issuer: string; subject: string }[] = [];
  const find = (organizationId: string, memberId: string) =>
    stored.find((m) => m.organizationId === organizationId && m.id === memberId);
  const membershipOf = (m: Member) => ({ organizationId: m.organizationId, memberId: m.id });
  const store: Partial<MemberStore> = {
    get: async (organizationId, memberId) => find(organizationId, memberId),
    membershipsOfEmail: async (email) => stored.filter((m) => m.email === email).map(membershipOf),
    membershipsOfOidcSubject: async (issuer, subject) =>
      stored.filter((m) => m.oidcIssuer === issuer && m.oidcSubject === subject).map(membershipOf),
    linkOidcSubject: async (organizationId, memberId, issuer, subject) => {
      links.push({ organizationId, memberId, issuer, subject });
      Object.assign(find(organizationId, memberId) as Member, { oidcIssuer: issuer, oidcSubject: subject });
    },
    markJoined: async (organizationId, memberId, at) => {
      const member = find(organizationId, memberId);
      return member && Object.assign(member, { status: 'active', joinedAt: member.joinedAt ?? at });
    },
  };
  return { store: store as MemberStore, links };
}

describe('personOfClaims', () => {
  it('finds the member by a verified email and links the subject, so the next sign-in goes by subject', async () => {
    const { store, links } = membersOf(aMember());

    const first = await personOfClaims(claimsOf(), store, undefined, clock);
    const afterAddressChange = await personOfClaims(claimsOf({ email: 'ada@new.example' }), store, undefined, clock);

    expect(first).toEqual({ kind: 'member', member: expect.objectContaining({ id: 'mem_1' }) });
    expect(links).toEqual([{ organizationId: 'org_1', memberId: 'mem_1', issuer: ISSUER, subject: 'user-1' }]);
    expect(afterAddressChange).toEqual(first);
  });

  it('does not map an unverified email', async () => {
    const { store, links } = membersOf(aMember());

    expect(await personOfClaims(claimsOf({ emailVerified: false }), store, undefined, clock)).toBeUndefined();
    expect(links).toEqual([]);
  });

  it('is undefined for a person who is no member', async () => {
    const { store } = membersOf(aMember({ email: 'someone@acme.example' }));

    expect(await personOfClaims(claimsOf(), store, undefined, clock)).toBeUndefined();
  });

  it('does not give a member linked to another subject of the same issuer to a new holder of the address', async () => {
    const { store, links } = membersOf(aMember({ oidcIssuer: ISSUER, oidcSubject: 'user-0' }));

    expect(await personOfClaims(claimsOf(), store, undefined, clock)).toBeUndefined();
    expect(links).toEqual([]);
  });

  it('asks a member of several organizations to choose one, and takes the one named', async () => {
    const { store } = membersOf(
      aMember({ organizationId: 'org_1', id: 'mem_1', oidcIssuer: ISSUER, oidcSubject: 'user-1' }),
      aMember({ organizationId: 'org_2', id: 'mem_2' }),
    );

    const unnamed = await personOfClaims(claimsOf(), store, undefined, clock);
    const named = await personOfClaims(claimsOf(), store, 'org_2', clock);
    const elsewhere = await personOfClaims(claimsOf(), store, 'org_3', clock);

    expect(unnamed).toEqual({ kind: 'choose-organization', organizationIds: ['org_1', 'org_2'] });
    expect(named).toEqual({
      kind: 'member',
      member: expect.objectContaining({ id: 'mem_2', organizationId: 'org_2' }),
    });
    expect(elsewhere).toBeUndefined();
  });

  it('marks an invited member joined on the first sign-in', async () => {
    const { store } = membersOf(aMember({ status: 'invited' }));

    const person = await personOfClaims(claimsOf(), store, undefined, clock);

    expect(person).toEqual({
      kind: 'member',
      member: expect.objectContaining({ status: 'active', joinedAt: NOW.toISOString() }),
    });
  });

  it('is undefined when the linked member was removed since', async () => {
    const { store } = membersOf();
    store.membershipsOfOidcSubject = async () => [{ organizationId: 'org_1', memberId: 'mem_gone' }];

    expect(await personOfClaims(claimsOf({ emailVerified: false }), store, 'org_1', clock)).toBeUndefined();
  });
});
