/** Runs one middleware in a minimal middy stack that maps errors to responses as the platform does. */
import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { errorResponse } from '../../functions/runtime/http-errors';
import type { HttpResponse } from '../../functions/runtime/http-response';
import { anAuthorizerContext, aProxyEvent } from './unit-factories';

type Middleware = MiddlewareObj<APIGatewayProxyEvent, HttpResponse>;

/**
 * The middleware is used before the error mapping, as in functions/runtime/http.ts, so its
 * `onError` sees the error response.
 */
export function aStack(middleware: Middleware, handler: (event: APIGatewayProxyEvent) => Promise<HttpResponse>) {
  const wrapped = middy<APIGatewayProxyEvent, HttpResponse, Error, Context>()
    .use(middleware)
    .use({
      onError: async (request) => {
        request.response = errorResponse(request.error);
      },
    })
    .handler(handler);
  return (event: APIGatewayProxyEvent) => wrapped(event, {} as Context);
}

/** A proxy event as the gateway hands it over after the authorizer allowed the key. */
export function anAuthorizedEvent(
  options: {
    method?: string;
    path?: string;
    organizationId?: string;
    environment?: 'live' | 'test';
    rateLimitPerMinute?: string | number;
    /** The effective limit the authorizer puts in its context, as `rateLimit` and `rateLimitScope`. */
    rateLimit?: { perMinute: string | number; scope: string };
  } = {},
): APIGatewayProxyEvent {
  const event = aProxyEvent({ method: options.method ?? 'GET', path: options.path ?? '/v1/whoami', body: null });
  event.requestContext.authorizer = anAuthorizerContext({
    keyId: 'key_AAAAAAAAAAAAAAAA',
    organizationId: options.organizationId ?? 'org_1',
    permissions: '["admin"]',
    principalId: 'key_AAAAAAAAAAAAAAAA',
    ...(options.environment && { environment: options.environment }),
    ...(options.rateLimitPerMinute !== undefined && { rateLimitPerMinute: options.rateLimitPerMinute }),
    ...(options.rateLimit && { rateLimit: options.rateLimit.perMinute, rateLimitScope: options.rateLimit.scope }),
  });
  return event;
}
