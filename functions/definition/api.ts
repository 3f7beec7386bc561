/**
 * The key header modes, the authorizer's cache and gateway responses: shared by the CDK stack and
 * the local gateway. Stage names are the API definition's (active-api.ts: environmentOfStage, stagesOf).
 */

/**
 * Where clients send their key; the platform team picks one per deployment (the construct's
 * `apiKeyHeader`, locally `API_KEY_HEADER`):
 * - `x-api-key` (default): cached by API Gateway per key and source IP;
 * - `authorization`: `Authorization: Bearer <key>`, cached the same way on that header;
 * - `either`: both accepted. An identity source cannot say "one of two headers", and with caching
 *   on API Gateway answers 401 itself when one is missing, so this mode runs without the gateway
 *   cache and the authorizer keeps key records for at most IN_AUTHORIZER_CACHE_MS instead.
 * Whatever the mode, a request carrying more than one distinct key value is refused.
 */
export const API_KEY_HEADER_MODES = ['x-api-key', 'authorization', 'either'] as const;
export type ApiKeyHeaderMode = (typeof API_KEY_HEADER_MODES)[number];
export const DEFAULT_API_KEY_HEADER: ApiKeyHeaderMode = 'x-api-key';

export interface AuthorizerCacheSettings {
  resultsCacheTtlSeconds: number;
  identitySources: readonly string[];
}

/**
 * API Gateway caches the authorizer's answer per identity-source values and reuses it on every
 * route, so the policy covers all routes the key may call. The source IP is part of the key
 * because an IP allowlist makes the answer depend on it.
 */
export function authorizerCacheOf(mode: ApiKeyHeaderMode): AuthorizerCacheSettings {
  switch (mode) {
    case 'x-api-key':
      return {
        resultsCacheTtlSeconds: 300,
        identitySources: ['method.request.header.x-api-key', 'context.identity.sourceIp'],
      };
    case 'authorization':
      return {
        resultsCacheTtlSeconds: 300,
        identitySources: ['method.request.header.Authorization', 'context.identity.sourceIp'],
      };
    case 'either':
      return { resultsCacheTtlSeconds: 0, identitySources: [] };
  }
}

/** The default mode's cache: `x-api-key` and the source IP, for 300 s. */
export const AUTHORIZER_CACHE = authorizerCacheOf(DEFAULT_API_KEY_HEADER);

/**
 * In `either` mode nothing caches in front of the authorizer, so it keeps the key records it read
 * for this long: a stopped key stops within it, and a hot key costs one read per second per instance.
 */
export const IN_AUTHORIZER_CACHE_MS = 1000;

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
  /**
   * Left out on DEFAULT_4XX and DEFAULT_5XX: a status set there replaces the status of every 4XX or
   * 5XX without a response of its own, so a 413, a 415 or a WAF 403 would turn into one code.
   */
  statusCode?: number;
  /** Static response headers. */
  headers?: Record<string, string>;
  /** A `application/json` mapping template; `$context.*` variables are filled in by the gateway. */
  template: string;
}

const errorBody = (code: string, message: string) => JSON.stringify({ error: { code, message } });

/** What the 401 answer tells a client about the keys of this API. */
export interface KeyHint {
  keyPrefix: string;
  stages: { live: string; sandbox: string };
  apiKeyHeader: ApiKeyHeaderMode;
}

const HEADER_HINTS: Record<ApiKeyHeaderMode, string> = {
  'x-api-key': 'in the x-api-key header',
  authorization: 'as Authorization: Bearer <key>',
  either: 'in the x-api-key header or as Authorization: Bearer <key>',
};

/** API Gateway's own answers, rewritten to the platform's JSON error shape, for one API's keys. */
export function gatewayResponsesFor(hint: KeyHint): Record<GatewayResponseType, GatewayResponseDefinition> {
  const { keyPrefix, stages, apiKeyHeader } = hint;
  return {
    ...GATEWAY_RESPONSES,
    UNAUTHORIZED: {
      statusCode: 401,
      template: errorBody(
        'unauthorized',
        `Missing or invalid API key. Send one active key, once, ${HEADER_HINTS[apiKeyHeader]}; ${keyPrefix}_live_ keys work on the ${stages.live} stage and ${keyPrefix}_test_ keys on the ${stages.sandbox} stage.`,
      ),
    },
  };
}

/** The answers that do not depend on the API; UNAUTHORIZED here is the default API's (see gatewayResponsesFor). */
const GATEWAY_RESPONSES: Record<GatewayResponseType, GatewayResponseDefinition> = {
  UNAUTHORIZED: {
    statusCode: 401,
    template: errorBody(
      'unauthorized',
      'Missing or invalid API key. Send one active key, once, in the x-api-key header; sk_live_ keys work on the live stage and sk_test_ keys on the sandbox stage.',
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
    // The usage plan's bucket refills at least one request a second on every plan. A gateway
    // response's headers take only static values and request parameters, never the authorizer's
    // context or a computation: X-RateLimit-Limit and -Reset cannot be filled in here.
    headers: { 'Retry-After': '1', 'X-RateLimit-Remaining': '0' },
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
    headers: { 'X-RateLimit-Remaining': '0' },
    template: errorBody('quota_exceeded', "This organization's request quota is used up for the period."),
  },
  DEFAULT_4XX: { template: errorBody('bad_request', '$context.error.message') },
  DEFAULT_5XX: { template: errorBody('internal_error', 'Something went wrong on our side. Retry later.') },
};
