/**
 * Webhook endpoints of an organization: register, list, edit, delete and rotate the secret. An
 * endpoint belongs to one organization and one environment (the calling key's), and is invisible
 * to everyone else.
 */
import { randomBytes } from 'node:crypto';
import type { CreateEndpointInput, UpdateEndpointInput } from '../../definition/schemas/webhooks';
import type { Caller } from '../caller';
import type { Clock } from '../clock';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import type { Page, PageRequest } from '../keys/key-model';
import { type EgressPolicy, urlProblem } from './egress-policy';
import { deriveEndpointSecret, SECRET_OVERLAP_MS } from './signing';
import type { EndpointSlots, MasterSecret, WebhookEndpoint, WebhookStore } from './webhook-model';

/** Per organization and environment: enough for every integration, and fan-out stays one small query. */
export const MAX_ENDPOINTS_PER_ORGANIZATION = 50;
export const WEBHOOK_ID_PATTERN = /^wh_[0-9a-f]{20}$/;

export interface EndpointDeps {
  endpoints: WebhookStore;
  slots: EndpointSlots;
  masterSecret: MasterSecret;
  clock: Clock;
  egress: EgressPolicy;
}

export async function createEndpoint(
  deps: EndpointDeps,
  caller: Caller,
  input: CreateEndpointInput,
): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  assertUrl(input.url, caller, deps.egress);
  const now = deps.clock().toISOString();
  const endpoint: WebhookEndpoint = {
    id: `wh_${randomBytes(10).toString('hex')}`,
    organizationId: caller.organizationId,
    environment: caller.environment,
    url: input.url,
    events: input.events,
    ...(input.description && { description: input.description }),
    status: 'enabled',
    secretVersion: 1,
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  await createWithinLimit(deps, endpoint);
  return { endpoint, secret: deriveEndpointSecret(await deps.masterSecret(), endpoint.id, 1) };
}

/** Takes a slot, then writes the endpoint; a write that fails gives the slot back. */
async function createWithinLimit(deps: Pick<EndpointDeps, 'endpoints' | 'slots'>, endpoint: WebhookEndpoint) {
  const { organizationId, environment } = endpoint;
  if (!(await deps.slots.reserve(organizationId, environment, MAX_ENDPOINTS_PER_ORGANIZATION))) {
    throw new ConflictError(
      `An organization can have at most ${MAX_ENDPOINTS_PER_ORGANIZATION} ${environment} webhook endpoints; delete one you no longer use.`,
    );
  }
  try {
    await deps.endpoints.create(endpoint);
  } catch (error) {
    // Should the undo fail as well, the slot stays taken: one endpoint fewer until the counter is
    // corrected (see DynamoEndpointSlots), never one more. The create's own error is the one to report.
    await undoCreate(deps, endpoint, error).catch(() => undefined);
    throw error;
  }
}

async function undoCreate(deps: Pick<EndpointDeps, 'endpoints' | 'slots'>, endpoint: WebhookEndpoint, error: unknown) {
  // A ConflictError means the id was taken and nothing was written. Any other error (a timeout,
  // say) may have come after DynamoDB took the write: remove what landed before giving the slot back.
  if (!(error instanceof ConflictError)) {
    const landed = await deps.endpoints.get(endpoint.id);
    if (landed?.organizationId === endpoint.organizationId && landed.createdAt === endpoint.createdAt)
      await deps.endpoints.delete(landed);
  }
  await deps.slots.release(endpoint.organizationId, endpoint.environment);
}

/** The caller's endpoint, or 404: another organization's or environment's id looks like a missing one. */
export async function ownedEndpoint(
  endpoints: Pick<WebhookStore, 'get'>,
  caller: Caller,
  id: string,
): Promise<WebhookEndpoint> {
  const endpoint = WEBHOOK_ID_PATTERN.test(id) ? await endpoints.get(id) : undefined;
  if (!endpoint || endpoint.organizationId !== caller.organizationId || endpoint.environment !== caller.environment) {
    throw new NotFoundError(`Webhook endpoint ${id} does not exist.`);
  }
  return endpoint;
}

export async function listEndpoints(
  deps: Pick<EndpointDeps, 'endpoints'>,
  caller: Caller,
  page: PageRequest,
): Promise<Page<WebhookEndpoint>> {
  return deps.endpoints.listByOrganization(caller.organizationId, caller.environment, page);
}

export async function updateEndpoint(
  deps: EndpointDeps,
  caller: Caller,
  id: string,
  patch: UpdateEndpointInput,
): Promise<WebhookEndpoint> {
  const current = await ownedEndpoint(deps.endpoints, caller, id);
  if (patch.url !== undefined) assertUrl(patch.url, caller, deps.egress);
  const now = deps.clock().toISOString();
  const next: WebhookEndpoint = { ...current, updatedAt: now, version: current.version + 1 };
  if (patch.url !== undefined) next.url = patch.url;
  if (patch.events !== undefined) next.events = patch.events;
  if (patch.description === null) delete next.description;
  else if (patch.description !== undefined) next.description = patch.description;
  if (patch.enabled === true) {
    next.status = 'enabled';
    delete next.disabledReason;
    delete next.disabledAt;
    delete next.failingSince;
  } else if (patch.enabled === false && current.status === 'enabled') {
    next.status = 'disabled';
    next.disabledReason = 'manual';
    next.disabledAt = now;
  }
  await deps.endpoints.replace(next);
  return next;
}

export async function deleteEndpoint(deps: Pick<EndpointDeps, 'endpoints' | 'slots'>, caller: Caller, id: string) {
  const endpoint = await ownedEndpoint(deps.endpoints, caller, id);
  // The delete is conditional on the version read, so of two concurrent deletes only one gets
  // here: the slot is given back once.
  await deps.endpoints.delete(endpoint);
  await deps.slots.release(endpoint.organizationId, endpoint.environment);
}

/** A new secret; the previous one keeps signing for SECRET_OVERLAP_MS, so receivers can switch over. */
export async function rotateSecret(
  deps: EndpointDeps,
  caller: Caller,
  id: string,
): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  const current = await ownedEndpoint(deps.endpoints, caller, id);
  const now = deps.clock();
  const next: WebhookEndpoint = {
    ...current,
    secretVersion: current.secretVersion + 1,
    previousSecretVersion: current.secretVersion,
    previousSecretExpiresAt: new Date(now.getTime() + SECRET_OVERLAP_MS).toISOString(),
    updatedAt: now.toISOString(),
    version: current.version + 1,
  };
  await deps.endpoints.replace(next);
  return { endpoint: next, secret: deriveEndpointSecret(await deps.masterSecret(), next.id, next.secretVersion) };
}

function assertUrl(url: string, caller: Caller, egress: EgressPolicy) {
  const problem = urlProblem(url, caller.environment, egress);
  if (problem) throw new ValidationError([{ field: 'url', message: problem }]);
}

/** What the API shows of an endpoint: never a secret. */
export function endpointView(endpoint: WebhookEndpoint, now: Date) {
  const overlapActive =
    endpoint.previousSecretExpiresAt !== undefined && Date.parse(endpoint.previousSecretExpiresAt) > now.getTime();
  return {
    id: endpoint.id,
    url: endpoint.url,
    events: endpoint.events,
    description: endpoint.description ?? null,
    environment: endpoint.environment,
    status: endpoint.status,
    disabledReason: endpoint.disabledReason ?? null,
    disabledAt: endpoint.disabledAt ?? null,
    failingSince: endpoint.failingSince ?? null,
    previousSecretExpiresAt: overlapActive ? (endpoint.previousSecretExpiresAt ?? null) : null,
    createdAt: endpoint.createdAt,
    updatedAt: endpoint.updatedAt,
  };
}
