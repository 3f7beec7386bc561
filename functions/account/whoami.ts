import { isReadOnly } from '../domain/caller';
import { route } from '../runtime/http';
import { json } from '../runtime/http-response';

/**
 * Any valid key or signed-in person may describe themself: it reveals nothing they do not already
 * have. A person is told their role and what they hold, so a console knows what to offer.
 */
export const handler = route(async ({ caller }) => {
  const { actor, organizationId, environment, permissions, accounts } = caller;
  if (actor.kind === 'member') {
    return json(200, {
      type: 'member',
      memberId: actor.memberId,
      email: actor.email,
      role: actor.role,
      readOnly: isReadOnly(caller),
      organizationId,
      environment,
      permissions,
      accounts,
    });
  }
  return json(200, {
    keyId: actor.keyId,
    organizationId,
    memberId: caller.memberId,
    environment,
    permissions,
    accounts,
  });
});
