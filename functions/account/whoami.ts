import { route } from '../runtime/http';
import { json } from '../runtime/http-response';

/** Any valid key may describe itself: it reveals nothing the key's holder does not already have. */
export const handler = route(async ({ caller }) =>
  json(200, {
    keyId: caller.keyId,
    organizationId: caller.organizationId,
    memberId: caller.memberId,
    environment: caller.environment,
    permissions: caller.permissions,
    accounts: caller.accounts,
  }),
);
