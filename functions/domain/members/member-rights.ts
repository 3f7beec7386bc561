/**
 * What a person holds, as the grant rule (domain/keys/grant-rule.ts) sees an actor: owners and
 * admins the `admin` preset, members their own scopes, viewers nothing to grant. People span live
 * and sandbox, so the environment is the calling stage's, and nothing bounds their expiry, addresses
 * or rate.
 */

import { ADMIN_PRESET } from '../../definition/scopes';
import type { Rights } from '../keys/grant-rule';
import type { KeyEnvironment } from '../keys/key-token';
import type { Member } from './member-model';

export function rightsOfMember(
  member: Pick<Member, 'role' | 'accounts' | 'permissions'>,
  environment: KeyEnvironment,
): Rights {
  switch (member.role) {
    case 'owner':
      return { environment, permissions: [ADMIN_PRESET], accounts: '*' };
    case 'admin':
      return { environment, permissions: [ADMIN_PRESET], accounts: member.accounts };
    case 'member':
      return {
        environment,
        permissions: member.permissions.filter((permission) => permission !== ADMIN_PRESET),
        accounts: member.accounts,
      };
    default:
      // viewer: reads only.
      return { environment, permissions: [], accounts: member.accounts };
  }
}
