/**
 * Stand-in until functions/definition/openapi/ lands: every route of the definition with its path
 * parameters and `account_id`, generic JSON bodies, and the platform's error shape. Deleted once
 * generate.ts can call `openApiDocument`.
 */
import type { LoadedApi } from '../../functions/definition/active-api';

const json = { type: 'object', additionalProperties: true };
const list = {
  type: 'object',
  required: ['items'],
  properties: { items: { type: 'array', items: json }, nextCursor: { type: ['string', 'null'] } },
};

export function minimalDocument(api: LoadedApi) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of api.routes) {
    const pathParameters = [...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
      name,
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    const accountScoped = 'accountScoped' in route && route.accountScoped;
    const query = [
      ...(accountScoped ? [{ name: 'account_id', in: 'query', required: true, schema: { type: 'string' } }] : []),
      ...(route.method === 'GET'
        ? [
            { name: 'cursor', in: 'query', schema: { type: 'string' } },
            { name: 'limit', in: 'query', schema: { type: 'integer' } },
          ]
        : []),
    ];
    const hasBody = route.method === 'POST' || route.method === 'PATCH' || route.method === 'PUT';
    const isList = route.method === 'GET' && !route.path.endsWith('}');
    paths[route.path] ??= {};
    (paths[route.path] as Record<string, unknown>)[route.method.toLowerCase()] = {
      summary: route.summary,
      parameters: [...pathParameters, ...query],
      ...(hasBody && { requestBody: { content: { 'application/json': { schema: json } } } }),
      responses: {
        [route.method === 'POST' ? '201' : '200']: {
          description: 'Success',
          content: { 'application/json': { schema: isList ? list : json } },
        },
        '4XX': { $ref: '#/components/responses/Error' },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: api.compiled.name, version: api.compiled.version },
    paths,
    components: {
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: {
                code: { type: 'string' },
                message: { type: 'string' },
                fields: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['field', 'message'],
                    properties: { field: { type: 'string' }, message: { type: 'string' } },
                  },
                },
              },
            },
          },
        },
      },
      responses: {
        Error: {
          description: 'An error',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
      },
    },
  };
}
