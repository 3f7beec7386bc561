/** webhooks: register, list, read, edit, delete webhook endpoints and rotate their secret. */

import { createEndpointInput, updateEndpointInput } from '../definition/schemas/webhooks';
import { systemClock } from '../domain/clock';
import {
  createEndpoint,
  deleteEndpoint,
  endpointView,
  listEndpoints,
  ownedEndpoint,
  rotateSecret,
  updateEndpoint,
} from '../domain/webhooks/endpoint-service';
import { dispatch, type RouteContext } from '../runtime/http';
import { pageOf, parseBody } from '../runtime/http-request';
import { json, noContent } from '../runtime/http-response';
import { egressFromEnvironment, endpointSlots, masterSecretFromEnvironment, webhookStore } from '../runtime/webhooks';

const deps = {
  endpoints: webhookStore,
  slots: endpointSlots,
  masterSecret: masterSecretFromEnvironment(),
  clock: systemClock,
  egress: egressFromEnvironment().policy,
};

const AUDIT_ACTIONS: Record<string, string> = {
  'POST /v1/webhooks': 'webhook.create',
  'PATCH /v1/webhooks/{id}': 'webhook.update',
  'DELETE /v1/webhooks/{id}': 'webhook.delete',
  'POST /v1/webhooks/{id}/rotate-secret': 'webhook.rotate_secret',
  'GET /v1/webhooks': 'webhook.list',
  'GET /v1/webhooks/{id}': 'webhook.get',
};

const idOf = ({ event }: RouteContext) => event.pathParameters?.id ?? '';

export const handler = dispatch(
  {
    'POST /v1/webhooks': async ({ event, caller, audit }) => {
      const { endpoint, secret } = await createEndpoint(deps, caller, parseBody(event, createEndpointInput));
      audit.details = { webhookId: endpoint.id, url: endpoint.url, events: endpoint.events };
      // The only time the secret is shown; it is derived, never stored, and rotate-secret replaces it.
      return json(
        201,
        { ...endpointView(endpoint, deps.clock()), secret },
        { location: `/v1/webhooks/${endpoint.id}` },
      );
    },
    'GET /v1/webhooks': async ({ event, caller }) => {
      const page = await listEndpoints(deps, caller, pageOf(event));
      const now = deps.clock();
      return json(200, {
        items: page.items.map((endpoint) => endpointView(endpoint, now)),
        nextCursor: page.nextCursor ?? null,
      });
    },
    'GET /v1/webhooks/{id}': async (context) =>
      json(200, endpointView(await ownedEndpoint(deps.endpoints, context.caller, idOf(context)), deps.clock())),
    'PATCH /v1/webhooks/{id}': async (context) => {
      const patch = parseBody(context.event, updateEndpointInput);
      context.audit.details = { webhookId: idOf(context), changed: Object.keys(patch) };
      const endpoint = await updateEndpoint(deps, context.caller, idOf(context), patch);
      return json(200, endpointView(endpoint, deps.clock()));
    },
    'DELETE /v1/webhooks/{id}': async (context) => {
      context.audit.details = { webhookId: idOf(context) };
      await deleteEndpoint(deps, context.caller, idOf(context));
      return noContent();
    },
    'POST /v1/webhooks/{id}/rotate-secret': async (context) => {
      context.audit.details = { webhookId: idOf(context) };
      const { endpoint, secret } = await rotateSecret(deps, context.caller, idOf(context));
      return json(200, { ...endpointView(endpoint, deps.clock()), secret });
    },
  },
  { auditAction: (event) => AUDIT_ACTIONS[`${event.httpMethod} ${event.resource}`] ?? 'webhook' },
);
