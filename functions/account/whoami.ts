import { type OrganizationProfileFields, organizationProfileReader } from '../adapters/organization-profile-reader';
import { type Caller, isReadOnly } from '../domain/caller';
import { NotFoundError } from '../domain/errors';
import { organizationSeenBy } from '../domain/organization-profile';
import { dynamoDb } from '../runtime/clients';
import { loadConfig, tableConfig } from '../runtime/config';
import { route } from '../runtime/http';
import { json } from '../runtime/http-response';

const readOrganization = organizationProfileReader(dynamoDb, loadConfig(tableConfig).TABLE_NAME);

/**
 * Any valid key or signed-in person may describe themself: it reveals nothing they do not already
 * have. A person is told their role and what they hold, so a console knows what to offer; both are
 * told their organization's name, locale and the sub-accounts they reach, so it can name them.
 */
export const handler = route(async ({ caller }) => {
  const stored = await readOrganization(caller.organizationId);
  // The authorizer just read it: gone means deleted in between, and the caller with it.
  if (!stored) throw new NotFoundError(`Organization ${caller.organizationId} does not exist.`);
  return json(200, whoamiView(caller, stored));
});

/** The answer of GET /v1/whoami (its schema: WhoAmI in definition/schemas/account.ts). */
export function whoamiView(caller: Caller, stored: OrganizationProfileFields) {
  const { actor, organizationId, environment, permissions, accounts } = caller;
  const organization = organizationSeenBy(stored, accounts);
  if (actor.kind === 'member') {
    return {
      type: 'member' as const,
      memberId: actor.memberId,
      email: actor.email,
      role: actor.role,
      readOnly: isReadOnly(caller),
      organizationId,
      environment,
      permissions,
      accounts,
      organization,
    };
  }
  return {
    keyId: actor.keyId,
    organizationId,
    memberId: caller.memberId,
    environment,
    permissions,
    accounts,
    organization,
  };
}
