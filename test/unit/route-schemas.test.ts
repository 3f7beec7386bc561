/**
 * The schema registry: every platform route is described, and the response schemas accept what
 * the handlers and the domain views they return really produce (and refuse a field nobody
 * documented, where the view is exact).
 */

import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { z } from 'zod';
import { activeApi } from '../../functions/definition/active-api';
import { PLATFORM_ROUTES } from '../../functions/definition/platform-routes';
import { ACCOUNT_ROUTE_SCHEMAS, whoamiSchema } from '../../functions/definition/schemas/account';
import { leakVerdictsSchema } from '../../functions/definition/schemas/events';
import { PLATFORM_ROUTE_SCHEMAS } from '../../functions/definition/schemas/index';
import {
  callViewSchema,
  createdKeySchema,
  keyViewSchema,
  rotatedKeySchema,
} from '../../functions/definition/schemas/keys';
import { type RouteSchemas, routeKey } from '../../functions/definition/schemas/route-schemas';
import { notificationSchema, usageQueryInput, usageReportSchema } from '../../functions/definition/schemas/usage';
import {
  deliveryViewSchema,
  endpointViewSchema,
  endpointWithSecretSchema,
  eventCatalogSchema,
  recoverResultSchema,
} from '../../functions/definition/schemas/webhooks';
import type { Caller } from '../../functions/domain/caller';
import type { KeyStore } from '../../functions/domain/keys/key-model';
import { keyView } from '../../functions/domain/keys/key-view';
import type { Notification } from '../../functions/domain/reminders/reminder-service';
import { handleLeakReports, type LeakServiceDeps } from '../../functions/domain/secret-scanning/leak-service';
import { callView } from '../../functions/domain/usage/call-log';
import { usageReport } from '../../functions/domain/usage/usage-report';
import { catalogView } from '../../functions/domain/webhooks/catalog';
import { endpointView } from '../../functions/domain/webhooks/endpoint-service';
import { deliveryView } from '../../functions/domain/webhooks/redelivery';
import { platformCallerOf } from '../../functions/runtime/http-request';
import { anAuthorizedEvent } from '../support/middleware-harness';
import { MemoryRecentUsageStore } from '../support/recent-usage-memory';
import { ADMIN_KEY_ACTOR, aKeyRecord, aManualClock, NOW } from '../support/unit-factories';
import { MemoryKeyStore, MemoryUsageStore } from '../support/usage-memory';
import { aDelivery, anAttempt, anEndpoint } from '../support/webhook-memory';

const entries = Object.entries(PLATFORM_ROUTE_SCHEMAS) as [string, RouteSchemas][];
const schemasOf = (schemas: RouteSchemas) => [
  ...(schemas.query ? [{ schema: schemas.query, io: 'input' as const }] : []),
  ...(schemas.body ? [{ schema: schemas.body, io: 'input' as const }] : []),
  ...Object.values(schemas.responses).flatMap((response) =>
    response.schema ? [{ schema: response.schema, io: 'output' as const }] : [],
  ),
];

/** The api-docs function's routes answer the document, HTML and assets, described with the generator (openapi/). */
const NOT_JSON_ROUTES: ReadonlySet<string> = new Set([
  'GET /v1/openapi.json',
  'GET /docs',
  'GET /docs/{asset}',
  'GET /console',
  'GET /console/{asset}',
]);
const jsonRoutes = PLATFORM_ROUTES.map((route) => routeKey(route)).filter((key) => !NOT_JSON_ROUTES.has(key));

const ajv = addFormats(new Ajv2020({ allErrors: true, strict: false }));

/**
 * What the check of the document does to an answer: its JSON, against the JSON Schema the document
 * holds (in which a z.object is closed), and against the zod schema itself.
 */
function problemsOf(schema: z.ZodType, answer: unknown) {
  const sent: unknown = JSON.parse(JSON.stringify(answer));
  const validate = ajv.compile(
    z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'output', unrepresentable: 'any' }),
  );
  return { zod: schema.safeParse(sent).error?.issues ?? [], jsonSchema: validate(sent) ? [] : validate.errors };
}
const NO_PROBLEMS = { zod: [], jsonSchema: [] };

describe('PLATFORM_ROUTE_SCHEMAS', () => {
  it.each(jsonRoutes)('describes %s', (key) => {
    const schemas = PLATFORM_ROUTE_SCHEMAS[key];

    expect(schemas).toBeDefined();
    const statuses = Object.keys(schemas?.responses ?? {}).map(Number);
    expect(statuses.length).toBeGreaterThan(0);
    for (const status of statuses) {
      expect(status >= 200 && status < 300).toBe(true);
      // Only a 204 has no body to describe.
      expect(schemas?.responses[status]?.schema === undefined).toBe(status === 204);
    }
  });

  it('names only routes of PLATFORM_ROUTES', () => {
    const routes = new Set(PLATFORM_ROUTES.map((route) => routeKey(route)));

    expect(Object.keys(PLATFORM_ROUTE_SCHEMAS).filter((key) => !routes.has(key as never))).toEqual([]);
  });

  it.each(entries.filter(([, schemas]) => schemas.body))('%s can answer 400 and 413 for its body', (_, schemas) => {
    expect(schemas.errors).toEqual(expect.arrayContaining([400, 413]));
  });

  it.each(entries.filter(([key]) => key.includes('{id}')))('%s can answer 404 for an unknown id', (_, schemas) => {
    expect(schemas.errors).toContain(404);
  });

  it.each(entries)('%s turns into JSON Schema, and its examples fit', (_, schemas) => {
    for (const { schema, io } of schemasOf(schemas)) {
      expect(() => z.toJSONSchema(schema, { io, target: 'draft-2020-12' })).not.toThrow();
      for (const example of (z.globalRegistry.get(schema)?.examples ?? []) as unknown[]) {
        expect(problemsOf(schema, example)).toEqual(NO_PROBLEMS);
      }
    }
  });
});

/** Handler modules read their configuration on import: TABLE_NAME names a table no test touches. */
async function handlerModules() {
  process.env.TABLE_NAME ??= 'route-schemas-test';
  return {
    whoamiView: (await import('../../functions/account/whoami')).whoamiView,
    notificationView: (await import('../../functions/notifications/list')).notificationView,
  };
}

describe('the response schemas', () => {
  const everyField = aKeyRecord({
    ipAllowlist: ['192.0.2.0/24'],
    expiresAt: '2027-01-31T00:00:00+02:00',
    rateLimitPerMinute: 60,
    lastUsedAt: '2026-02-28T10:00:00.000Z',
    rotatedFromKeyId: 'key_BBBBBBBBBBBBBBBB',
    rotatedToKeyId: 'key_CCCCCCCCCCCCCCCC',
    lastReminderStage: 2,
  });

  it.each([
    ['a fresh key', aKeyRecord()],
    ['a key with every optional field', everyField],
    ['an expired key', aKeyRecord({ expiresAt: '2026-01-02T00:00:00.000Z' })],
  ])('accept keyView of %s, created and rotated', (_, record) => {
    const view = keyView(record, NOW);

    expect(problemsOf(keyViewSchema, view)).toEqual(NO_PROBLEMS);
    expect(problemsOf(createdKeySchema, { ...view, key: 'sk_live_x' })).toEqual(NO_PROBLEMS);
    expect(problemsOf(rotatedKeySchema, { ...view, key: 'sk_live_x', previousKey: view })).toEqual(NO_PROBLEMS);
  });

  it('refuse a key view with a field they do not describe, or without the key on creation', () => {
    const view = keyView(aKeyRecord(), NOW);

    expect(problemsOf(keyViewSchema, { ...view, secretHash: 'abc' })).not.toEqual(NO_PROBLEMS);
    expect(problemsOf(createdKeySchema, view)).not.toEqual(NO_PROBLEMS);
  });

  it('accept endpointView of an enabled and a disabled endpoint, with a secret after creation', () => {
    const enabled = endpointView(anEndpoint({ description: 'Ops' }), NOW);
    const disabled = endpointView(
      anEndpoint({
        status: 'disabled',
        disabledReason: 'failing',
        disabledAt: NOW.toISOString(),
        failingSince: '2026-02-27T00:00:00.000Z',
        previousSecretVersion: 1,
        previousSecretExpiresAt: '2026-03-02T00:00:00.000Z',
      }),
      NOW,
    );

    for (const view of [enabled, disabled]) expect(problemsOf(endpointViewSchema, view)).toEqual(NO_PROBLEMS);
    expect(problemsOf(endpointWithSecretSchema, { ...enabled, secret: 'whsec_x' })).toEqual(NO_PROBLEMS);
    expect(problemsOf(endpointViewSchema, { ...enabled, secretVersion: 1 })).not.toEqual(NO_PROBLEMS);
  });

  it('accept deliveryView of a new and of a retried delivery', () => {
    const retried = aDelivery({
      status: 'failed',
      attempts: [anAttempt(), anAttempt({ statusCode: null, error: 'timeout', response: null })],
      nextAttemptAt: NOW.toISOString(),
      failureReason: 'endpoint disabled',
      test: true,
    });

    for (const delivery of [aDelivery(), retried]) {
      expect(problemsOf(deliveryViewSchema, deliveryView(delivery))).toEqual(NO_PROBLEMS);
    }
    expect(problemsOf(recoverResultSchema, { recovered: 3, more: false })).toEqual(NO_PROBLEMS);
  });

  it('accept the event catalog of the active definition', () => {
    expect(problemsOf(eventCatalogSchema, { items: catalogView(activeApi()) })).toEqual(NO_PROBLEMS);
  });

  it('accept a call of the call log', () => {
    const call = {
      time: NOW.getTime(),
      method: 'GET',
      path: '/v1/contacts',
      status: 200,
      latencyMs: 12,
      ip: '192.0.2.1',
      userAgent: 'curl/8',
      credits: 0,
      requestId: 'req-1',
    };

    expect(problemsOf(callViewSchema, callView(call))).toEqual(NO_PROBLEMS);
  });

  it('accept a usage report, by key and by organization', async () => {
    const deps = {
      keys: new MemoryKeyStore([{ id: 'key_AAAAAAAAAAAAAAAA', organizationId: 'org_1' }]) as unknown as KeyStore,
      usage: new MemoryUsageStore(),
      recent: new MemoryRecentUsageStore(),
      clock: aManualClock().clock,
    };
    const caller = {
      actor: ADMIN_KEY_ACTOR,
      organizationId: 'org_1',
      environment: 'live',
      keyId: 'key_ADMINADMINADMIN',
    } as Caller;

    for (const query of [{}, { keyId: 'key_AAAAAAAAAAAAAAAA', granularity: 'week' }]) {
      const report = await usageReport(deps, caller, usageQueryInput.parse(query));
      expect(problemsOf(usageReportSchema, report)).toEqual(NO_PROBLEMS);
    }
  });

  it.each<Notification>([
    {
      id: 'ntf_1',
      organizationId: 'org_1',
      environment: 'live',
      title: 'Rotate CI key',
      message: 'It is 6 months old.',
      createdAt: NOW.toISOString(),
      type: 'api_key.rotation_due',
      keyId: 'key_AAAAAAAAAAAAAAAA',
      keyName: 'CI key',
      last8: 'abcdefgh',
      stage: 2,
    },
    {
      id: 'ntf_2',
      organizationId: 'org_1',
      environment: 'test',
      title: 'Webhook disabled',
      message: 'It kept failing.',
      createdAt: NOW.toISOString(),
      readAt: NOW.toISOString(),
      type: 'webhook.disabled',
      webhookId: 'wh_00000000000000000001',
      url: 'https://hooks.example.com/receive',
      reason: 'failing',
    },
  ])('accept notificationView of $type', async (notification) => {
    const { notificationView } = await handlerModules();

    expect(problemsOf(notificationSchema, notificationView(notification))).toEqual(NO_PROBLEMS);
  });

  it("accept the secret-scanning verdicts of a report that names none of the platform's keys", async () => {
    // A token that is not a key of this platform is answered without any I/O.
    const verdicts = await handleLeakReports({} as LeakServiceDeps, [{ token: 'ghp_notours', type: 'key' }], {
      partnerKeyId: 'partner-1',
      sourceIp: '192.0.2.10',
    });

    expect(problemsOf(leakVerdictsSchema, verdicts)).toEqual(NO_PROBLEMS);
  });
});

describe('GET /v1/whoami', () => {
  const organization = { id: 'org_1', name: 'Org One', accounts: [{ id: 'acct_1', name: 'One' }] };

  it.each([
    ['a key', platformCallerOf(anAuthorizedEvent())],
    [
      'a person',
      {
        ...platformCallerOf(anAuthorizedEvent()),
        actor: {
          kind: 'member',
          memberId: 'mem_1',
          email: 'ana@example.com',
          role: 'viewer',
          readOnly: true,
          authMethod: 'session',
        },
      } satisfies Caller,
    ],
  ])("answers %s with what its schema describes, from the handler's own view", async (_name, caller) => {
    const { whoamiView } = await handlerModules();

    expect(problemsOf(whoamiSchema, whoamiView(caller, organization))).toEqual(NO_PROBLEMS);
    expect(ACCOUNT_ROUTE_SCHEMAS['GET /v1/whoami'].responses[200].schema).toBe(whoamiSchema);
  });
});
