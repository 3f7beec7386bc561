/**
 * The signed-in person's API client and who they are: the console's bearer token (a console
 * session's or the identity provider's) on every call, and for a person of several organizations
 * the one they chose.
 */
import { type ApiClient, createClient } from '../../../sdk/src/client';
import type { ApiError } from '../../../sdk/src/errors';
import { type ConsoleConfig, stageUrl } from './config';
import type { Me, Organization } from './context';
import { storedOrganizationId } from './session';

/**
 * A fetch that names the chosen organization (a person of several, signed in with the identity
 * provider) and reports a refused session (401) so the shell can sign out.
 */
function sessionFetch(onUnauthorized: () => void, organizationId: () => string | undefined) {
  return async (request: Request): Promise<Response> => {
    const chosen = organizationId();
    if (chosen) request.headers.set('x-organization-id', chosen);
    const response = await fetch(request);
    if (response.status === 401) onUnauthorized();
    return response;
  };
}

export function clientFor(
  config: ConsoleConfig,
  token: string,
  stage: string,
  onUnauthorized: () => void,
  organizationId: () => string | undefined = storedOrganizationId,
): ApiClient {
  return createClient({
    baseUrl: stageUrl(config, stage),
    apiKey: token,
    keyHeader: 'authorization',
    fetch: sessionFetch(onUnauthorized, organizationId),
  });
}

/**
 * The organizations a person of several may choose from: the management authorizer's 403
 * `organization_required` lists their ids in its message (management-authorize.ts
 * chooseOrganizationAnswer), as a gateway response carries only a code and a message. They are not
 * named by asking each one: a call naming an organization signs the person in to it (links their
 * identity, marks an invitation joined), which only their own choice may do.
 */
export function organizationChoices(error: ApiError): string[] {
  return [...new Set(error.message.match(/\borg_[A-Za-z0-9_-]+/g) ?? [])];
}

interface WhoAmI {
  memberId: string;
  email: string;
  role: Me['role'];
  readOnly: boolean;
  organizationId: string;
  permissions: string[];
  accounts: '*' | string[];
  organization?: Organization;
}

export async function loadMe(
  config: ConsoleConfig,
  token: string,
  onUnauthorized: () => void,
  organizationId?: () => string | undefined,
) {
  const api = clientFor(config, token, config.stages.live, onUnauthorized, organizationId);
  const whoami = (await api.GET('/v1/whoami')) as unknown as WhoAmI;
  const me: Me = {
    memberId: whoami.memberId,
    email: whoami.email,
    role: whoami.role,
    readOnly: whoami.readOnly,
    organizationId: whoami.organizationId,
    permissions: whoami.permissions,
    accounts: whoami.accounts,
  };
  const organization: Organization = whoami.organization ?? {
    id: whoami.organizationId,
    name: whoami.organizationId,
    locale: 'en',
    accounts: [],
  };
  return { me, organization };
}
