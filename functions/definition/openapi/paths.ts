/**
 * The `paths` of the document: one operation per route, the platform's (described by the schema
 * registry, PLATFORM_ROUTE_SCHEMAS) and the team's (described by their compiled `request`,
 * `response` and `errors`). A route without schemas answers a generic JSON object.
 */
import { ACCOUNT_ID_PATTERN } from '../../domain/account-scope';
import type { LoadedApi } from '../active-api';
import type { CompiledRoute } from '../api-definition';
import { isPathParameter, isPlatformRoute, pathSegments, type RouteDefinition } from '../routes';
import { PLATFORM_ROUTE_SCHEMAS } from '../schemas/index';
import { type RouteSchemas, routeKey } from '../schemas/route-schemas';
import { DOCS_OPERATIONS } from './docs-operations';
import { errorResponseName, errorStatuses, isAccountScoped } from './errors';
import type { JsonSchema, SchemaComponents } from './json-schema';
import { operationIdOf, platformTagOf } from './naming';
import { keySecurity } from './security';

const GENERIC_BODY: JsonSchema = { type: 'object', description: 'A JSON object.', additionalProperties: true };

export interface PathsResult {
  paths: Record<string, Record<string, JsonSchema>>;
  /** Every error status some operation answers, for `components.responses`. */
  errorStatuses: Set<number>;
  tags: string[];
}

export function paths(api: LoadedApi, components: SchemaComponents): PathsResult {
  const result: PathsResult = { paths: {}, errorStatuses: new Set(), tags: [] };
  const teamByKey = new Map(api.compiled.routes.map((route) => [routeKey(route), route]));
  const usedIds = new Set<string>();
  for (const route of api.routes) {
    const operation = isPlatformRoute(route)
      ? platformOperation(route, components)
      : teamOperation(route, teamByKey.get(routeKey(route)), components);
    let operationId = operationIdOf(route);
    for (let i = 2; usedIds.has(operationId); i++) operationId = `${operationIdOf(route)}${i}`;
    usedIds.add(operationId);
    const statuses = errorStatuses(route, operation.errors);
    for (const status of statuses) result.errorStatuses.add(status);
    const tag = isPlatformRoute(route) ? platformTagOf(route.path) : route.access.resource;
    if (!result.tags.includes(tag)) result.tags.push(tag);
    const parameters = [...pathParameters(route.path), ...operation.parameters];
    result.paths[route.path] ??= {};
    (result.paths[route.path] as Record<string, JsonSchema>)[route.method.toLowerCase()] = {
      operationId,
      summary: route.summary,
      tags: [tag],
      security: route.access.kind === 'public' ? [] : keySecurity(api.compiled.apiKeyHeader),
      ...(route.access.kind !== 'public' && { 'x-permission': permissionOf(route) }),
      ...((route.credits ?? 0) > 0 && { 'x-credits': route.credits }),
      ...(parameters.length > 0 && { parameters }),
      ...(operation.body && {
        requestBody: {
          required: true,
          content: { 'application/json': { schema: operation.body, ...requestExample(api, route) } },
        },
      }),
      responses: {
        ...operation.responses,
        ...Object.fromEntries(
          statuses.map((status) => [String(status), { $ref: `#/components/responses/${errorResponseName(status)}` }]),
        ),
      },
    };
  }
  return result;
}

interface OperationParts {
  /** Query and header parameters. */
  parameters: JsonSchema[];
  body?: JsonSchema;
  responses: Record<string, JsonSchema>;
  errors: readonly number[];
}

function platformOperation(route: RouteDefinition, components: SchemaComponents): OperationParts {
  const key = routeKey(route);
  const docs = DOCS_OPERATIONS[key];
  if (docs) return { parameters: [], responses: docs.responses, errors: docs.errors };
  const schemas: RouteSchemas | undefined = PLATFORM_ROUTE_SCHEMAS[key];
  if (!schemas) return { parameters: [], responses: genericSuccess(), errors: [] };
  const query = schemas.query ? queryParameters(components.fromZod(schemas.query, 'input')) : [];
  const headers = Object.entries(schemas.headers ?? {}).map(([name, header]) => ({
    name,
    in: 'header',
    ...header,
    schema: { type: 'string' },
  }));
  return {
    parameters: [...query, ...headers],
    ...(schemas.body && { body: components.fromZod(schemas.body, 'input') }),
    responses: Object.fromEntries(
      Object.entries(schemas.responses).map(([status, response]) => [
        status,
        {
          description: response.description,
          ...(response.headers && { headers: headersOf(response.headers) }),
          ...(response.schema && {
            content: { 'application/json': { schema: components.fromZod(response.schema, 'output') } },
          }),
        },
      ]),
    ),
    errors: schemas.errors ?? [],
  };
}

function teamOperation(
  route: RouteDefinition,
  compiled: CompiledRoute | undefined,
  components: SchemaComponents,
): OperationParts {
  const query = compiled?.request?.query
    ? queryParameters(components.fromJsonSchema(compiled.request.query, 'input'))
    : [];
  if (isAccountScoped(route)) {
    // The platform checks account_id before the backend runs (domain/account-scope.ts), whatever the team declared.
    const declared = query.findIndex((parameter) => parameter.name === 'account_id');
    if (declared >= 0) query.splice(declared, 1);
    query.push({
      name: 'account_id',
      in: 'query',
      required: true,
      description:
        "The sub-account the call acts on; one of the key's sub-accounts (400 without it, 403 outside them).",
      schema: { type: 'string', pattern: ACCOUNT_ID_PATTERN.source },
    });
  }
  const response = compiled?.response;
  return {
    parameters: query,
    ...(compiled?.request?.body && { body: components.fromJsonSchema(compiled.request.body, 'input') }),
    responses: response
      ? {
          [String(response.status)]: {
            description: response.description,
            ...(response.schema && {
              content: { 'application/json': { schema: components.fromJsonSchema(response.schema, 'output') } },
            }),
          },
        }
      : undeclaredTeamAnswers(),
    errors: compiled?.errors ?? [],
  };
}

/**
 * A team route that declares no `response` answers whatever its backend sends: any 2xx JSON
 * object (a POST's 201 as well), and any error in the Error shape.
 */
function undeclaredTeamAnswers(): Record<string, JsonSchema> {
  return {
    '2XX': {
      description: 'Success: the backend’s JSON answer.',
      content: { 'application/json': { schema: GENERIC_BODY } },
    },
    default: {
      description: 'An error the backend answers (the route declares none).',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    },
  };
}

function genericSuccess(): Record<string, JsonSchema> {
  return { '200': { description: 'Success.', content: { 'application/json': { schema: GENERIC_BODY } } } };
}

function pathParameters(path: string): JsonSchema[] {
  return pathSegments(path)
    .filter(isPathParameter)
    .map((segment) => ({ name: segment.slice(1, -1), in: 'path', required: true, schema: { type: 'string' } }));
}

/** One query parameter per property of an object schema; required ones are those it requires. */
function queryParameters(schema: JsonSchema): (JsonSchema & { name: string })[] {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required as string[] | undefined) ?? []);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: 'query',
      required: required.has(name),
      ...(typeof description === 'string' && { description }),
      schema: rest,
    };
  });
}

function headersOf(headers: Record<string, string>): Record<string, JsonSchema> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, description]) => [name, { description, schema: { type: 'string' } }]),
  );
}

function permissionOf(route: RouteDefinition): string {
  switch (route.access.kind) {
    case 'admin':
      return route.access.wholeOrganization ? 'admin (whole organization)' : 'admin';
    case 'any-key':
      return 'any key';
    case 'scope':
      return route.access.scope;
    case 'product':
      return `${route.access.resource}:${route.access.action}`;
    case 'public':
      return 'none';
  }
}

/**
 * `POST /v1/events` takes one of the team's event types, which no fixed schema example can name:
 * its example is the definition's first event and that event's example data.
 */
function requestExample(api: LoadedApi, route: RouteDefinition): { example?: JsonSchema } {
  if (!isPlatformRoute(route) || route.function !== 'events-publish') return {};
  const [type, event] = Object.entries(api.compiled.events)[0] ?? [];
  return type && event ? { example: { type, data: event.example } } : {};
}
