/** The OpenAPI document: every route with its security and errors, the webhooks, the schemes of each key header mode. */
import { z } from 'zod';
import { fleetApi } from '../../examples/fleet/api';
import { leadbaseApi } from '../../examples/leadbase/api';
import { type LoadedApi, loadApi } from '../../functions/definition/active-api';
import { openApiDocument, operationIdOf } from '../../functions/definition/openapi';
import { DOCS_PAGE_TAG } from '../../functions/definition/openapi/docs-operations';
import { SchemaComponents } from '../../functions/definition/openapi/json-schema';
import { isPlatformRoute, isPublicRoute } from '../../functions/definition/routes';
import { ACCOUNT_ID_PATTERN } from '../../functions/domain/account-scope';
import { eventTypes } from '../../functions/domain/webhooks/catalog';
import { aTestApi } from '../support/test-api';

type Operation = {
  operationId: string;
  security: Record<string, string[]>[];
  responses: Record<string, { $ref?: string }>;
  tags: string[];
};

const DEFINITIONS: [string, LoadedApi][] = [
  ['Leadbase', loadApi(leadbaseApi.compiled)],
  ['fleet', loadApi(fleetApi('http://127.0.0.1:9').compiled)],
];

const KEY_SECURITY = {
  'x-api-key': [{ ApiKeyHeader: [] }],
  authorization: [{ BearerKey: [] }],
  either: [{ ApiKeyHeader: [] }, { BearerKey: [] }],
};

const operationOf = (document: ReturnType<typeof openApiDocument>, method: string, path: string) =>
  document.paths[path]?.[method.toLowerCase()] as Operation | undefined;

describe.each(DEFINITIONS)('openApiDocument of the %s definition', (_name, api) => {
  const document = openApiDocument(api);

  it('is OpenAPI 3.1.0 with the API name and version', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.info).toMatchObject({ title: api.compiled.name, version: api.compiled.version });
  });

  it('has every route, the platform’s and the team’s, each with its security: the key, or none on public routes', () => {
    for (const route of api.routes) {
      const operation = operationOf(document, route.method, route.path);

      expect({ route: `${route.method} ${route.path}`, security: operation?.security }).toEqual({
        route: `${route.method} ${route.path}`,
        security: isPublicRoute(route) ? [] : KEY_SECURITY[api.compiled.apiKeyHeader],
      });
    }
    const operations = Object.values(document.paths).flatMap((item) => Object.keys(item));
    expect(operations).toHaveLength(api.routes.length);
  });

  it('names each operation once', () => {
    const ids = Object.values(document.paths).flatMap((item) =>
      Object.values(item).map((operation) => operation.operationId),
    );

    expect(new Set(ids).size).toBe(ids.length);
  });

  it('answers 401, 403, 429 and 500 on every protected route, 402 on paid ones, 502 and 504 on the team’s, all with the Error shape', () => {
    for (const route of api.routes.filter((candidate) => !isPublicRoute(candidate))) {
      const responses = operationOf(document, route.method, route.path)?.responses ?? {};
      const expected = [
        '401',
        '403',
        '429',
        '500',
        ...((route.credits ?? 0) > 0 ? ['402'] : []),
        ...(isPlatformRoute(route) ? [] : ['502', '504']),
      ];

      for (const status of expected) {
        expect({ route: route.path, status, ref: responses[status]?.$ref }).toEqual({
          route: route.path,
          status,
          ref: `#/components/responses/Error${status}`,
        });
      }
    }
    expect(document.components.responses).toMatchObject({
      Error401: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
      Error429: { headers: { 'Retry-After': expect.any(Object) } },
    });
    expect(document.components.schemas.Error).toMatchObject({ required: ['error'] });
  });

  it('requires account_id, in the pattern the platform checks, and answers 400 and 403 on every account-scoped route', () => {
    const scoped = api.routes.filter((candidate) => !isPlatformRoute(candidate) && candidate.accountScoped);
    expect(scoped.length).toBeGreaterThan(0);

    for (const route of scoped) {
      const operation = operationOf(document, route.method, route.path) as Operation & {
        parameters: { name: string; in: string; required: boolean; schema: { pattern?: string } }[];
      };
      const accountIds = operation.parameters.filter((parameter) => parameter.name === 'account_id');
      expect({ route: route.path, accountIds }).toEqual({
        route: route.path,
        accountIds: [
          expect.objectContaining({
            in: 'query',
            required: true,
            schema: { type: 'string', pattern: ACCOUNT_ID_PATTERN.source },
          }),
        ],
      });
      expect(operation.responses['400']?.$ref).toBe('#/components/responses/Error400');
      expect(operation.responses['403']?.$ref).toBe('#/components/responses/Error403');
    }
  });

  it('has a webhook for every event type, the Standard Webhooks envelope and headers, with an example', () => {
    expect(Object.keys(document.webhooks).sort()).toEqual(eventTypes(api).sort());
    for (const [type, item] of Object.entries(document.webhooks)) {
      const post = (item as { post: Record<string, unknown> }).post as {
        parameters: { name: string; in: string }[];
        responses: Record<string, unknown>;
        requestBody: { content: { 'application/json': { schema: { $ref: string }; example: { type: string } } } };
      };
      const body = post.requestBody.content['application/json'];
      const envelope = document.components.schemas[body.schema.$ref.split('/').at(-1) as string];

      expect(post.parameters.map((header) => `${header.in}:${header.name}`)).toEqual([
        'header:webhook-id',
        'header:webhook-timestamp',
        'header:webhook-signature',
      ]);
      expect(envelope).toMatchObject({
        required: ['type', 'timestamp', 'data'],
        properties: { type: { const: type } },
      });
      expect(body.example.type).toBe(type);
      // Every answer other than a 2xx is retried, not just a 400.
      expect(Object.keys(post.responses)).toEqual(['200', 'default']);
    }
  });

  it('names the signature headers the secret-scanning endpoint requires as header parameters', () => {
    const operation = document.paths['/v1/secret-scanning/reports']?.post as { parameters: Record<string, unknown>[] };

    expect(operation.parameters).toEqual([
      expect.objectContaining({ name: 'Github-Public-Key-Identifier', in: 'header', required: true }),
      expect.objectContaining({ name: 'Github-Public-Key-Signature', in: 'header', required: true }),
    ]);
  });

  it('tags the docs page and its files, which answer HTML, scripts and styles only, apart from the JSON routes', () => {
    const page = document.paths['/docs']?.get as Operation & { responses: Record<string, { content?: object }> };
    const asset = document.paths['/docs/{asset}']?.get as Operation & {
      responses: Record<string, { content?: object }>;
    };

    expect([page.tags, asset.tags]).toEqual([[DOCS_PAGE_TAG], [DOCS_PAGE_TAG]]);
    expect(Object.keys(page.responses['200']?.content ?? {})).toEqual(['text/html']);
    expect(Object.keys(asset.responses['200']?.content ?? {})).toEqual(['text/javascript', 'text/css']);
    expect(operationOf(document, 'GET', '/v1/openapi.json')?.tags).not.toContain(DOCS_PAGE_TAG);
  });

  it('serves the stages as servers, each named with its key prefix', () => {
    expect(document.servers).toEqual([
      { url: `/${api.compiled.stages.live}`, description: expect.stringContaining(`${api.compiled.keyPrefix}_live_`) },
      {
        url: `/${api.compiled.stages.sandbox}`,
        description: expect.stringContaining(`${api.compiled.keyPrefix}_test_`),
      },
    ]);
  });
});

describe('openApiDocument security schemes', () => {
  const documentFor = (apiKeyHeader: 'x-api-key' | 'authorization' | 'either') =>
    openApiDocument(loadApi(aTestApi({ apiKeyHeader }).compiled));
  const listRides = (document: ReturnType<typeof openApiDocument>) => operationOf(document, 'GET', '/v1/rides');

  it('is an x-api-key header in x-api-key mode', () => {
    const document = documentFor('x-api-key');

    expect(document.components.securitySchemes).toEqual({
      ApiKeyHeader: expect.objectContaining({ type: 'apiKey', in: 'header', name: 'x-api-key' }),
    });
    expect(listRides(document)?.security).toEqual([{ ApiKeyHeader: [] }]);
  });

  it('is an HTTP bearer token in authorization mode', () => {
    const document = documentFor('authorization');

    expect(document.components.securitySchemes).toEqual({
      BearerKey: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    });
    expect(listRides(document)?.security).toEqual([{ BearerKey: [] }]);
  });

  it('is either one, as alternatives, in either mode', () => {
    const document = documentFor('either');

    expect(Object.keys(document.components.securitySchemes as object)).toEqual(['ApiKeyHeader', 'BearerKey']);
    expect(listRides(document)?.security).toEqual([{ ApiKeyHeader: [] }, { BearerKey: [] }]);
  });
});

describe('openApiDocument servers', () => {
  it('are the given stage URLs, the calling stage first', () => {
    const api = loadApi(leadbaseApi.compiled);

    const document = openApiDocument(api, {
      serverUrls: [
        'https://a1.execute-api.eu-west-1.amazonaws.com/sandbox',
        'https://a1.execute-api.eu-west-1.amazonaws.com/live',
      ],
    });

    expect(document.servers).toEqual([
      {
        url: 'https://a1.execute-api.eu-west-1.amazonaws.com/sandbox',
        description: 'The sandbox stage: sk_test_ keys.',
      },
      { url: 'https://a1.execute-api.eu-west-1.amazonaws.com/live', description: 'The live stage: sk_live_ keys.' },
    ]);
  });
});

describe('openApiDocument of a team route that declares no response', () => {
  it('documents any 2xx JSON object and any error of its backend in the Error shape', () => {
    const document = openApiDocument(loadApi(aTestApi().compiled));

    const responses = operationOf(document, 'GET', '/v1/rides')?.responses as Record<string, unknown>;

    // A POST's backend answers 201: a '200' alone would make that answer undocumented.
    expect(responses['2XX']).toMatchObject({ content: { 'application/json': { schema: { type: 'object' } } } });
    expect(responses['200']).toBeUndefined();
    expect(responses.default).toMatchObject({
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    });
  });
});

describe('operationIdOf', () => {
  const route = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string) =>
    ({ method, path, access: { kind: 'any-key' }, summary: 's', function: 'whoami' }) as const;

  it.each([
    ['GET', '/v1/keys', 'listKeys'],
    ['POST', '/v1/keys', 'createKey'],
    ['GET', '/v1/keys/{id}', 'getKey'],
    ['PATCH', '/v1/keys/{id}', 'updateKey'],
    ['DELETE', '/v1/keys/{id}', 'deleteKey'],
    ['POST', '/v1/keys/{id}/rotate', 'rotateKey'],
    ['GET', '/v1/keys/{id}/calls', 'listKeyCalls'],
    ['POST', '/v1/webhooks/{id}/rotate-secret', 'rotateWebhookSecret'],
    ['POST', '/v1/webhooks/{id}/deliveries/{deliveryId}/retry', 'retryWebhookDelivery'],
    ['GET', '/v1/usage', 'getUsage'],
  ] as const)('%s %s is %s', (method, path, id) => {
    expect(operationIdOf(route(method, path))).toBe(id);
  });

  it('is the route’s own when it names one', () => {
    expect(operationIdOf({ ...route('POST', '/v1/events'), operationId: 'publishEvent' })).toBe('publishEvent');
  });
});

describe('SchemaComponents', () => {
  it('hoists a named zod schema into components and points every use at it', () => {
    const components = new SchemaComponents();
    const contact = z.object({ id: z.string() }).meta({ id: 'Contact' });

    const page = components.fromZod(z.object({ items: z.array(contact), first: contact }), 'output');

    expect(page).toMatchObject({
      properties: {
        items: { items: { $ref: '#/components/schemas/Contact' } },
        first: { $ref: '#/components/schemas/Contact' },
      },
    });
    expect(page).not.toHaveProperty('$defs');
    expect(page).not.toHaveProperty('$schema');
    expect(components.schemas.Contact).toMatchObject({ properties: { id: { type: 'string' } } });
  });

  it('keeps a schema’s input form apart from its output form when they differ', () => {
    const components = new SchemaComponents();
    const limit = z.object({ limit: z.number().default(25) }).meta({ id: 'Paging' });

    components.fromZod(z.object({ paging: limit }), 'output');
    const input = components.fromZod(z.object({ paging: limit }), 'input');

    expect(input).toMatchObject({ properties: { paging: { $ref: '#/components/schemas/PagingInput' } } });
    expect(components.schemas.Paging).toMatchObject({ required: ['limit'] });
    expect(components.schemas.PagingInput).not.toHaveProperty('required');
  });

  it('never changes a component already placed when a later schema’s definitions share its names', () => {
    const components = new SchemaComponents();
    const withAddress = (address: Record<string, unknown>) => ({
      type: 'object',
      properties: { contact: { $ref: '#/$defs/Contact' } },
      $defs: { Contact: { type: 'object', properties: { address: { $ref: '#/$defs/Address' } } }, Address: address },
    });
    const street = { type: 'object', properties: { street: { type: 'string' } } };
    const city = { type: 'object', properties: { city: { type: 'string' } } };

    const first = components.fromJsonSchema(withAddress(street), 'output');
    const second = components.fromJsonSchema(withAddress(city), 'output');

    const resolve = (ref: unknown) =>
      components.schemas[String(ref).split('/').at(-1) as string] as Record<string, any>;
    const addressOf = (schema: Record<string, any>) =>
      resolve(resolve(schema.properties.contact.$ref).properties.address.$ref);
    expect(addressOf(first)).toEqual(street);
    expect(addressOf(second)).toEqual(city);
  });
});
