/**
 * What a team route takes and answers, declared beside the route (`request`, `response`, `errors`)
 * so the OpenAPI document describes the team's API from the same schemas its backends validate
 * with. Compiled to JSON Schema (draft 2020-12, which OpenAPI 3.1 uses), as event data is.
 */
import { z } from 'zod';
import type { JsonSchema } from './api-definition';
import type { HttpMethod } from './routes';

export interface RouteRequestInput {
  /** The query parameters: a zod object or a JSON Schema of `type: 'object'`, one property each. */
  query?: z.ZodObject | JsonSchema;
  /** The JSON body; GET and DELETE routes take none. */
  body?: z.ZodType | JsonSchema;
}

export interface RouteResponseInput {
  /** The success status; 200 by default. */
  status?: number;
  /** The JSON body the backend answers; required, except for a 204, which has none. */
  schema?: z.ZodType | JsonSchema;
  /** What the answer is, for the docs; the status's name by default. */
  description?: string;
}

/** The request and response of a compiled route, as JSON Schemas; absent parts were not declared. */
export interface CompiledRouteContract {
  request?: { query?: JsonSchema; body?: JsonSchema };
  response?: { status: number; schema?: JsonSchema; description: string };
  /** Error statuses the backend answers beyond the ones the platform answers on every route. */
  errors?: number[];
}

const METHODS_WITHOUT_BODY: readonly HttpMethod[] = ['GET', 'DELETE'];
const STATUS_NAMES: Record<number, string> = { 200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No content' };

export function isZodSchema(value: unknown): value is z.ZodType {
  return typeof value === 'object' && value !== null && '_zod' in value;
}

/**
 * A zod schema or a JSON Schema as JSON Schema. `io: 'input'` describes what a schema accepts (a
 * z.object takes fields it does not name, a default makes a field optional); `'output'` what it
 * yields (a z.object has no other fields). A JSON Schema must be one zod can read.
 */
export function toJsonSchema(schema: z.ZodType | JsonSchema, io: 'input' | 'output'): JsonSchema {
  if (isZodSchema(schema)) return z.toJSONSchema(schema, { io }) as JsonSchema;
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    throw new Error('it is neither a zod schema nor a JSON Schema object');
  }
  z.fromJSONSchema(schema);
  return schema;
}

/** The route's `request`, `response` and `errors` as JSON; each mistake is passed to `problem`. */
export function compileRouteContract(
  route: {
    method: HttpMethod;
    accountScoped?: boolean;
    request?: RouteRequestInput;
    response?: RouteResponseInput;
    errors?: readonly number[];
  },
  problem: (message: string) => void,
): CompiledRouteContract {
  const contract: CompiledRouteContract = {};
  const converted = (name: string, schema: z.ZodType | JsonSchema, io: 'input' | 'output') => {
    try {
      return toJsonSchema(schema, io);
    } catch (error) {
      problem(`${name} cannot be described in JSON Schema (${(error as Error).message})`);
      return undefined;
    }
  };
  if (route.request !== undefined) {
    const { query, body } = route.request;
    const request: NonNullable<CompiledRouteContract['request']> = {};
    if (query !== undefined) {
      const schema = converted('request.query', query, 'input');
      if (schema && !isObjectSchema(schema)) {
        problem("request.query must be an object schema (z.object or type: 'object'), one property a parameter");
      } else if (schema) {
        if (route.accountScoped && Object.hasOwn(schema.properties as object, 'account_id')) {
          problem("request.query: account_id is the platform's parameter of an accountScoped route; leave it out");
        }
        request.query = schema;
      }
    }
    if (body !== undefined) {
      if (METHODS_WITHOUT_BODY.includes(route.method)) {
        problem(`request.body: a ${route.method} request has no body; send its inputs as query parameters`);
      } else {
        const schema = converted('request.body', body, 'input');
        if (schema) request.body = schema;
      }
    }
    contract.request = request;
  }
  if (route.response !== undefined) {
    const { status = 200, schema, description } = route.response;
    if (!Number.isInteger(status) || status < 200 || status > 299) {
      problem(`response.status must be a success status from 200 to 299, not ${status}`);
    }
    if (status === 204 && schema !== undefined) problem('response.schema: a 204 answer has no body; leave it out');
    if (status !== 204 && schema === undefined) problem('response.schema is required: the JSON body the route answers');
    const compiled =
      schema === undefined || status === 204 ? undefined : converted('response.schema', schema, 'output');
    contract.response = {
      status,
      ...(compiled && { schema: compiled }),
      description: description ?? STATUS_NAMES[status] ?? 'Success',
    };
  }
  if (route.errors !== undefined) {
    for (const status of route.errors) {
      if (!Number.isInteger(status) || status < 400 || status > 599) {
        problem(`errors: ${status} is not an error status from 400 to 599`);
      }
    }
    if (new Set(route.errors).size !== route.errors.length) problem('errors: a status is listed twice');
    contract.errors = [...route.errors];
  }
  return contract;
}

function isObjectSchema(schema: JsonSchema): boolean {
  return (
    schema.type === 'object' &&
    typeof schema.properties === 'object' &&
    schema.properties !== null &&
    !Array.isArray(schema.properties)
  );
}
