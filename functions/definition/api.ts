/** Stages, the authorizer's cache and gateway responses: shared by the CDK stack and the local gateway. */
import type { KeyEnvironment } from '../domain/keys/key-token';

export const STAGES = {
  live: { environment: 'live' },
  sandbox: { environment: 'test' },
} as const satisfies Record<string, { environment: KeyEnvironment }>;
export type StageName = keyof typeof STAGES;

export function environmentOfStage(stage: string): KeyEnvironment | undefined {
  return (STAGES as Record<string, { environment: KeyEnvironment }>)[stage]?.environment;
}

/**
 * API Gateway caches the authorizer's answer per identity-source values and reuses it on every
 * route, so the policy covers all routes the key may call. With caching on, API Gateway rejects a
 * request with 401 when any identity source is missing, without calling the authorizer; that is
 * why the cache keys on `x-api-key` and why a key sent only as `Authorization: Bearer` needs the
 * cache off (`resultsCacheTtlSeconds: 0`). The source IP is part of the key because an IP
 * allowlist makes the answer depend on it.
 */
export const AUTHORIZER_CACHE = {
  resultsCacheTtlSeconds: 300,
  identitySources: ['method.request.header.x-api-key', 'context.identity.sourceIp'],
} as const;

export type GatewayResponseType =
  | 'UNAUTHORIZED'
  | 'ACCESS_DENIED'
  | 'MISSING_AUTHENTICATION_TOKEN'
  | 'AUTHORIZER_FAILURE'
  | 'AUTHORIZER_CONFIGURATION_ERROR'
  | 'THROTTLED'
  | 'INVALID_API_KEY'
  | 'QUOTA_EXCEEDED'
  | 'DEFAULT_4XX'
  | 'DEFAULT_5XX';

export interface GatewayResponseDefinition {
  statusCode: number;
  /** Static response headers. */
  headers?: Record<string, string>;
  /** A `application/json` mapping template; `$context.*` variables are filled in by the gateway. */
  template: string;
}

const errorBody = (code: string, message: string) => JSON.stringify({ error: { code, message } });

/** API Gateway's own answers, rewritten to the platform's JSON error shape. */
export const GATEWAY_RESPONSES: Record<GatewayResponseType, GatewayResponseDefinition> = {
  UNAUTHORIZED: {
    statusCode: 401,
    template: errorBody(
      'unauthorized',
      'Missing or invalid API key. Send an active key in the x-api-key header; sk_live_ keys work on the live stage and sk_test_ keys on the sandbox stage.',
    ),
  },
  ACCESS_DENIED: {
    statusCode: 403,
    template: errorBody('$context.authorizer.errorCode', '$context.authorizer.errorMessage'),
  },
  MISSING_AUTHENTICATION_TOKEN: {
    statusCode: 404,
    template: errorBody('not_found', 'No route matches $context.httpMethod $context.path. See the README for the API.'),
  },
  AUTHORIZER_FAILURE: {
    statusCode: 500,
    template: errorBody(
      'authorizer_failure',
      'The API key could not be checked. Retry; if it persists, contact support.',
    ),
  },
  AUTHORIZER_CONFIGURATION_ERROR: {
    statusCode: 500,
    template: errorBody(
      'authorizer_failure',
      'The API key could not be checked. Retry; if it persists, contact support.',
    ),
  },
  THROTTLED: {
    statusCode: 429,
    // The usage plan's bucket refills at least one request a second on every plan.
    headers: { 'Retry-After': '1' },
    template: errorBody(
      'rate_limited',
      "Too many requests for this organization's plan. Slow down and retry after the number of seconds in Retry-After.",
    ),
  },
  INVALID_API_KEY: {
    statusCode: 403,
    template: errorBody(
      'no_usage_plan',
      'This organization has no usage plan for this stage. Contact the platform team.',
    ),
  },
  QUOTA_EXCEEDED: {
    statusCode: 429,
    template: errorBody('quota_exceeded', "This organization's request quota is used up for the period."),
  },
  DEFAULT_4XX: { statusCode: 400, template: errorBody('bad_request', '$context.error.message') },
  DEFAULT_5XX: {
    statusCode: 500,
    template: errorBody('internal_error', 'Something went wrong on our side. Retry later.'),
  },
};
