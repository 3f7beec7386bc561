import { auditActorOf } from '../../functions/domain/audit';
import type { MemberActor } from '../../functions/domain/caller';

const aPerson = (overrides: Partial<MemberActor> = {}): MemberActor => ({
  kind: 'member',
  memberId: 'mem_1',
  email: 'ada@acme.example',
  role: 'owner',
  readOnly: false,
  authMethod: 'session',
  sessionId: 'ses_0123456789abcdef',
  ...overrides,
});

describe('auditActorOf', () => {
  it('names the console session a person acted through, since whoever made it may not be them', () => {
    expect(auditActorOf({ actor: aPerson() })).toEqual({
      type: 'member',
      memberId: 'mem_1',
      email: 'ada@acme.example',
      authMethod: 'session',
      sessionId: 'ses_0123456789abcdef',
    });
  });

  it('names no session for an OIDC sign-in, and a key by its id and person', () => {
    const { sessionId: _, ...oidcPerson } = aPerson({ authMethod: 'oidc' });

    expect(auditActorOf({ actor: oidcPerson })).not.toHaveProperty('sessionId');
    expect(auditActorOf({ actor: { kind: 'key', keyId: 'key_1', memberId: 'mem_1' } })).toEqual({
      type: 'key',
      keyId: 'key_1',
      memberId: 'mem_1',
    });
  });
});
