/**
 * Whose rights bound what a caller does to people (members, console sessions), read afresh: the
 * authorizer's answer may be a second old, and a key outlives its maker's role. A person acts as
 * their member item says now; a key acts only while it is an active live admin key over every
 * sub-account AND the person answerable for it (`answerableMemberOf`) is still an owner or admin:
 * otherwise an admin who is demoted or removed could go on managing people with the key they made.
 */
import type { Caller } from '../caller';
import type { Clock } from '../clock';
import { ForbiddenError } from '../errors';
import { type ApiKeyRecord, answerableMemberOf, effectiveStatus, type KeyStore } from '../keys/key-model';
import type { Member, MemberStore } from './member-model';

export interface ActingPersonDeps {
  members: Pick<MemberStore, 'get'>;
  keys: Pick<KeyStore, 'get'>;
  clock: Clock;
}

export interface ActingPerson {
  /** The signed-in person, or the person answerable for the calling key: an owner or admin. */
  person: Member;
  /** The calling key as stored now, when a key calls. */
  key?: ApiKeyRecord;
}

/** What is being managed, as the refusals name it. */
export type PeopleManaged = 'members' | 'console sessions';

export const SANDBOX_KEY_MESSAGE = 'People span live and sandbox; use a live admin key.';

export async function actingPersonOf(
  deps: ActingPersonDeps,
  caller: Caller,
  managed: PeopleManaged,
): Promise<ActingPerson> {
  if (caller.actor.kind === 'member') {
    const person = await deps.members.get(caller.organizationId, caller.actor.memberId);
    if (!person) {
      throw new ForbiddenError('You are no longer a member of this organization; ask one of its admins to invite you.');
    }
    if (!isPeopleManager(person)) throw new ForbiddenError(`Only owners and admins manage ${managed}.`);
    return { person };
  }
  const key = await deps.keys.get(caller.actor.keyId);
  if (!key || key.organizationId !== caller.organizationId || effectiveStatus(key, deps.clock()) !== 'active') {
    throw new ForbiddenError('The calling key is no longer active; use an active key.');
  }
  if (key.environment !== 'live') throw new ForbiddenError(SANDBOX_KEY_MESSAGE);
  if (!key.permissions.includes('admin') || key.accounts !== '*') {
    throw new ForbiddenError(`Managing ${managed} needs an admin key with accounts '*'.`);
  }
  const personId = answerableMemberOf(key);
  const person = await deps.members.get(caller.organizationId, personId);
  if (!person) {
    throw new ForbiddenError(
      `Key ${key.id} answers to ${personId}, who is no longer a member of this organization; use a key of a current owner or admin (and revoke this one).`,
    );
  }
  if (!isPeopleManager(person)) {
    throw new ForbiddenError(
      `Key ${key.id} answers to ${person.email}, who is now a ${person.role}; only owners' and admins' keys manage ${managed}.`,
    );
  }
  return { person, key };
}

const isPeopleManager = (person: Member) => person.role === 'owner' || person.role === 'admin';
