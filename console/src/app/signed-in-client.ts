/**
 * The signed-in person's API client and who they are: the console's bearer token (a console
 * session's or the identity provider's) on every call, and for a person of several organizations
 * the one they chose.
 */
import { type ApiClient, createClient } from '../../../sdk/src/client';
import type { ApiError } from '../../../sdk/src/errors';
import type { OrganizationChoice } from './ChooseOrganization';
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
 * The management authorizer's 403 `organization_required` lists the person's organizations in its
 * message (management-authorize.ts chooseOrganizationAnswer); each is named by its own whoami.
 */
export async function organizationChoices(
  config: ConsoleConfig,
  token: string,
  error: ApiError,
): Promise<OrganizationChoice[]> {
  const ids = [...new Set(error.message.match(/\borg_[A-Za-z0-9_-]+/g) ?? [])];
  return Promise.all(
    ids.map(async (id) => {
      const { organization } = await loadMe(
        config,
        token,
        () => undefined,
        () => id,
      ).catch(() => ({
        organization: undefined,
      }));
      return { id, name: organization?.name ?? id };
    }),
  );
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
