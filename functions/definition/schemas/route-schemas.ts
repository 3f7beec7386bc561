/**
 * What each platform route takes and answers, as zod schemas: the handlers validate requests with
 * the same schemas, and the OpenAPI document (functions/definition/openapi/) is generated from
 * them, so the document and the code cannot drift. Keyed `METHOD path` as in PLATFORM_ROUTES.
 */
import type { z } from 'zod';

export interface ResponseSchema {
  description: string;
  /** The JSON body; left out for a response without one (204). */
  schema?: z.ZodType;
  /** Response headers worth documenting (Retry-After, X-Credits-*, X-RateLimit-*), name → description. */
  headers?: Record<string, string>;
}

export interface RouteSchemas {
  /** Query parameters, one property each. */
  query?: z.ZodObject;
  /** Request headers the route reads beyond the key header, name → what it carries and whether it must be sent. */
  headers?: Record<string, { description: string; required: boolean }>;
  /** The JSON request body. */
  body?: z.ZodType;
  /** Success answers by status. Error answers are the platform's error shape, added for every route. */
  responses: Record<number, ResponseSchema>;
  /** Error statuses this route answers beyond the ones every protected route can (401, 403, 429, 500). */
  errors?: readonly number[];
}

/** `METHOD /path` of a route, the key of the schema registry. */
export type RouteKey = `${string} /${string}`;

export function routeKey(route: { method: string; path: string }): RouteKey {
  return `${route.method} ${route.path}` as RouteKey;
}
