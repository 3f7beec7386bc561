/**
 * The one error shape every 4xx and 5xx answer has (runtime/http-errors.ts, the gateway responses in
 * api.ts), as the `Error` component, and the error answers each kind of route can give.
 */
import { isPlatformRoute, type RouteDefinition } from '../routes';
import { RATE_LIMIT_HEADERS } from '../schemas/common';
import { componentRef, type JsonSchema } from './json-schema';

export const ERROR_SCHEMA: JsonSchema = {
  type: 'object',
  description: 'Every error answer: a stable machine-readable code and a message that says what to fix.',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'Stable, such as invalid_request, unauthorized or rate_limited.' },
        message: { type: 'string', description: 'For people: what went wrong and what to do.' },
        fields: {
          type: 'array',
          description: 'On invalid_request and exceeds_own_rights: one entry per field at fault.',
          items: {
            type: 'object',
            required: ['field', 'message'],
            properties: { field: { type: 'string' }, message: { type: 'string' } },
          },
        },
      },
    },
  },
  examples: [
    {
      error: {
        code: 'invalid_request',
        message: 'name: is required',
        fields: [{ field: 'name', message: 'is required' }],
      },
    },
  ],
};

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'The request is invalid: `fields` names each problem.',
  401: 'Missing or invalid API key.',
  402: "Not enough credits in the organization's balance for this call.",
  403: 'The key may not call this route, or not with these values.',
  404: 'Not found, or not visible to this key.',
  409: 'A conflict with the current state: re-read and retry.',
  413: 'The request body is too large.',
  415: 'The request body must be application/json.',
  429: 'Too many requests: retry after the number of seconds in Retry-After.',
  500: 'Something went wrong on our side; retry later.',
  502: 'The backend answered with something that is not a valid answer.',
  503: 'Temporarily unavailable; retry after Retry-After.',
  504: 'The backend did not answer in time.',
};

/** What every route behind the key authorizer can answer: the gateway's and the middleware's errors. */
const PROTECTED_ROUTE_ERRORS = [401, 403, 429, 500] as const;
const BACKEND_ERRORS = [502, 504] as const;

/**
 * The error statuses of a route: the protected routes' own, 402 for paid ones, 502 and 504 for the
 * team's (a backend that fails or does not answer in time), 400 and 403 for account-scoped ones,
 * then its extras.
 */
export function errorStatuses(route: RouteDefinition, extra: readonly number[] = []): number[] {
  const statuses = new Set<number>(route.access.kind === 'public' ? [500] : PROTECTED_ROUTE_ERRORS);
  if ((route.credits ?? 0) > 0) statuses.add(402);
  if (!isPlatformRoute(route)) for (const status of BACKEND_ERRORS) statuses.add(status);
  // account_id missing or malformed (400), or outside the key's sub-accounts (403).
  if (isAccountScoped(route)) for (const status of [400, 403]) statuses.add(status);
  for (const status of extra) statuses.add(status);
  return [...statuses].sort((a, b) => a - b);
}

/** A team route that acts on one sub-account, named in its required `account_id` query parameter. */
export function isAccountScoped(route: RouteDefinition): boolean {
  return !isPlatformRoute(route) && route.accountScoped;
}

/** The `components.responses` entry name of an error status, such as `Error429`. */
export function errorResponseName(status: number): string {
  return `Error${status}`;
}

/** The shared error answers, one per status used: the Error body, and Retry-After where it applies. */
export function errorResponses(statuses: Iterable<number>): Record<string, JsonSchema> {
  const responses: Record<string, JsonSchema> = {};
  for (const status of [...new Set(statuses)].sort((a, b) => a - b)) {
    const retryAfter = status === 429 || status === 503;
    // Documented, not required: answers a handler or backend makes carry the rate-limit headers;
    // the gateway's own cannot (a 401 comes before any key is known, a policy's 403 has none), and
    // its 429 carries only X-RateLimit-Remaining: 0.
    const rateLimited = status !== 401;
    responses[errorResponseName(status)] = {
      description: ERROR_DESCRIPTIONS[status] ?? `Error ${status}.`,
      ...((retryAfter || rateLimited) && {
        headers: {
          ...(retryAfter && {
            'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer', minimum: 0 } },
          }),
          ...(rateLimited &&
            Object.fromEntries(
              Object.entries(RATE_LIMIT_HEADERS).map(([name, description]) => [
                name,
                { description, schema: { type: 'string' } },
              ]),
            )),
        },
      }),
      content: { 'application/json': { schema: componentRef('Error') } },
    };
  }
  return responses;
}
