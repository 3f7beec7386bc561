import { ConflictError, NotFoundError } from '../../functions/domain/errors';
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

  it('asks a person linked in several organizations to choose one, listing every candidate, and takes the one named', async () => {
    const { store } = membersOf(
      aMember({ organizationId: 'org_1', id: 'mem_1', oidcIssuer: ISSUER, oidcSubject: 'user-1' }),
      aMember({ organizationId: 'org_2', id: 'mem_2', oidcIssuer: ISSUER, oidcSubject: 'user-1' }),
      aMember({ organizationId: 'org_3', id: 'mem_3' }),
    );

    const unnamed = await personOfClaims(claimsOf(), store, undefined, clock);
    const named = await personOfClaims(claimsOf(), store, 'org_3', clock);
    const elsewhere = await personOfClaims(claimsOf(), store, 'org_4', clock);

    expect(unnamed).toEqual({ kind: 'choose-organization', organizationIds: ['org_1', 'org_2', 'org_3'] });
    expect(named).toEqual({
      kind: 'member',
      member: expect.objectContaining({ id: 'mem_3', organizationId: 'org_3' }),
    });
    expect(elsewhere).toBeUndefined();
  });

  it('takes the one organization the subject is linked to, without a hint, though another invited the email', async () => {
    const { store, linkOf } = membersOf(
      aMember({ organizationId: 'org_1', id: 'mem_1', oidcIssuer: ISSUER, oidcSubject: 'user-1' }),
      aMember({ organizationId: 'org_2', id: 'mem_2' }),
    );

    const emailLookups = jest.spyOn(store, 'membershipsOfEmail');

    const person = await personOfClaims(claimsOf(), store, undefined, clock);

    expect(person).toEqual({
      kind: 'member',
      member: expect.objectContaining({ id: 'mem_1', organizationId: 'org_1' }),
    });
    expect(linkOf('mem_2')).toBeUndefined();
    // Not even looked up: the email lookup is a Query and a read per membership, on every sign-in.
    expect(emailLookups).not.toHaveBeenCalled();
  });

  it('asks a person found by email only in several organizations to choose one', async () => {
    const { store } = membersOf(
      aMember({ organizationId: 'org_1', id: 'mem_1' }),
      aMember({ organizationId: 'org_2', id: 'mem_2' }),
    );

    expect(await personOfClaims(claimsOf(), store, undefined, clock)).toEqual({
      kind: 'choose-organization',
      organizationIds: ['org_1', 'org_2'],
    });
  });

  it.each([
    ['the member was removed before the link', new NotFoundError('mem_1')],
    ['a concurrent sign-in linked another subject', new ConflictError('linked')],
  ])('refuses, rather than failing, when %s', async (_, refusal) => {
    const { store } = membersOf(aMember());
    store.linkOidcSubject = async () => {
      throw refusal;
    };

    expect(await personOfClaims(claimsOf(), store, undefined, clock)).toBeUndefined();
  });

  it('refuses an invited member whose joining the store refuses, and lets a platform failure through', async () => {
    const { store } = membersOf(aMember({ status: 'invited', oidcIssuer: ISSUER, oidcSubject: 'user-1' }));
    store.markJoined = async () => {
      throw new NotFoundError('mem_1');
    };
    const refused = await personOfClaims(claimsOf(), store, undefined, clock);
    store.markJoined = async () => {
      throw new Error('DynamoDB is down');
    };

    expect(refused).toBeUndefined();
    await expect(personOfClaims(claimsOf(), store, undefined, clock)).rejects.toThrow('DynamoDB is down');
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
