import { type OidcClaims, personOfClaims } from '../../functions/domain/members/oidc-person';
import { aMemberOf, MemoryMemberStore } from '../support/member-memory';
import { NOW } from '../support/unit-factories';

const ISSUER = 'https://id.example.com';
const clock = () => NOW;
const aMember = (overrides: Parameters<typeof aMemberOf>[0] = {}) =>
  aMemberOf({ id: 'mem_1', email: 'ada@acme.example', ...overrides });

function claimsOf(overrides: Partial<OidcClaims> = {}): OidcClaims {
  return { issuer: ISSUER, subject: 'user-1', email: 'Ada@Acme.example', emailVerified: true, ...overrides };
}

/** The store, and the OIDC subject each member is linked to. */
function membersOf(...stored: ReturnType<typeof aMember>[]) {
  const store = new MemoryMemberStore(stored);
  const linkOf = (memberId: string) => {
    const member = store.members.get(memberId);
    return member?.oidcSubject && { issuer: member.oidcIssuer, subject: member.oidcSubject };
  };
  return { store, linkOf };
}

describe('personOfClaims', () => {
  it('finds the member by a verified email and links the subject, so the next sign-in goes by subject', async () => {
    const { store, linkOf } = membersOf(aMember());

    const first = await personOfClaims(claimsOf(), store, undefined, clock);
    const linked = linkOf('mem_1');
    const afterAddressChange = await personOfClaims(claimsOf({ email: 'ada@new.example' }), store, undefined, clock);

    expect(first).toEqual({ kind: 'member', member: expect.objectContaining({ id: 'mem_1' }) });
    expect(linked).toEqual({ issuer: ISSUER, subject: 'user-1' });
    expect(afterAddressChange).toEqual({ kind: 'member', member: expect.objectContaining({ id: 'mem_1' }) });
  });

  it('does not map an unverified email', async () => {
    const { store, linkOf } = membersOf(aMember());

    expect(await personOfClaims(claimsOf({ emailVerified: false }), store, undefined, clock)).toBeUndefined();
    expect(linkOf('mem_1')).toBeUndefined();
  });

  it('is undefined for a person who is no member', async () => {
    const { store } = membersOf(aMember({ email: 'someone@acme.example' }));

    expect(await personOfClaims(claimsOf(), store, undefined, clock)).toBeUndefined();
  });

  it('does not give a member linked to another subject of the same issuer to a new holder of the address', async () => {
    const { store, linkOf } = membersOf(aMember({ oidcIssuer: ISSUER, oidcSubject: 'user-0' }));

    expect(await personOfClaims(claimsOf(), store, undefined, clock)).toBeUndefined();
    expect(linkOf('mem_1')).toEqual({ issuer: ISSUER, subject: 'user-0' });
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
