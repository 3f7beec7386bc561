/**
 * The middy stack every route handler runs in: structured logging, the per-key rate limit, credits,
 * the error handler and, for management actions, the audit trail (successes and failures alike).
 * `lastUsedAt` is not written here: the usage ingest writes it from the access log, off the
 * request path (functions/domain/usage/last-used.ts).
 */
import { randomUUID } from 'node:crypto';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy, { type MiddlewareObj, type Request } from '@middy/core';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { DynamoCreditLedger } from '../adapters/dynamo-credit-ledger';
import { DynamoRateLimitCounter } from '../adapters/dynamo-rate-limit-counter';
import { perApi } from '../definition/active-api';
import { DEFAULT_API_KEY_HEADER } from '../definition/api';
import { PLATFORM_ROUTES } from '../definition/platform-routes';
import { type AuditStore, auditActorOf } from '../domain/audit';
import { actorLabel, type Caller } from '../domain/caller';
import { type Clock, systemClock } from '../domain/clock';
import { costTable } from '../domain/credits';
import { ForbiddenError, UnauthorizedError, ValidationError } from '../domain/errors';
import { presentedKey } from '../domain/keys/presented-key';
import { RateLimiter } from '../domain/rate-limit';
import { dynamoDb } from './clients';
import { apiKeyHeaderConfig, loadConfig, tableConfig } from './config';
import { credits } from './credits';
import { errorCodeOf, errorResponse } from './http-errors';
import { platformCallerOf } from './http-request';
import type { HttpResponse } from './http-response';
import { logger } from './logger';
import { peopleWithinTheirRole } from './people-routes';
import { rateLimit } from './rate-limit';
import { auditStore } from './stores';

export interface RouteContext {
  event: APIGatewayProxyEvent;
  caller: Caller;
  /** Filled in by the handler: what the audit entry says beyond the action itself. */
  audit: { targetKeyId?: string; details?: Record<string, unknown> };
}

export type RouteHandler = (route: RouteContext) => Promise<HttpResponse>;

type HttpRequest = Request<APIGatewayProxyEvent, HttpResponse>;

/** The handler's audit note of the current invocation, found by its event. */
const auditNotes = new WeakMap<APIGatewayProxyEvent, RouteContext['audit']>();
const { TABLE_NAME, API_KEY_HEADER } = loadConfig({ ...tableConfig, ...apiKeyHeaderConfig });
/** One per instance: it remembers windows it has seen used up, to answer further calls without a write. */
const rateLimiter = new RateLimiter(new DynamoRateLimitCounter(dynamoDb, TABLE_NAME), systemClock);
const creditLedger = new DynamoCreditLedger(dynamoDb, TABLE_NAME);
const routeCosts = perApi((api) => costTable(api.routes));
const platformRoutes = new Map(
  PLATFORM_ROUTES.map((definition) => [`${definition.method} ${definition.path}`, definition]),
);
const wholeOrganizationRoutes = new Set(
  PLATFORM_ROUTES.flatMap((definition) =>
    definition.access.kind === 'admin' && definition.access.wholeOrganization
      ? [`${definition.method} ${definition.path}`]
      : [],
  ),
);

export interface RouteOptions {
  /** Records every call in the audit log under this action name (or the name for this request). */
  auditAction?: string | ((event: APIGatewayProxyEvent) => string);
  /**
   * A person's calls go to the live audit log whichever stage they came through: people span live
   * and sandbox, and what they change (members, sessions) is not a sandbox's. Keys keep their own.
   */
  peopleAuditedLive?: boolean;
}

export function route(handler: RouteHandler, options: RouteOptions = {}) {
  // middy runs `before` in this order and `after`/`onError` in reverse: the rate limit, then
  // credits, run before the handler (a rejected call does no work and is not charged), and their
  // `after`/`onError` run after the error handler, so they can put headers on its responses too.
  // The rate limit comes first so that the X-RateLimit-* headers are on every answer, the other
  // checks' refusals included (API Gateway's usage plan counts those calls too).
  const stack = middy<APIGatewayProxyEvent, HttpResponse, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(rateLimit(rateLimiter, logger))
    .use(oneKeyPerRequest())
    .use(peopleWithinTheirRole(platformRoutes))
    .use(wholeOrganizationOnly(wholeOrganizationRoutes))
    .use(credits(creditLedger, routeCosts(), logger))
    .use(errorHandler());
  if (options.auditAction)
    stack.use(auditTrail(options.auditAction, auditStore, systemClock, options.peopleAuditedLive ?? false));
  return stack.handler(async (event: APIGatewayProxyEvent) => {
    const caller = platformCallerOf(event);
    // The acting key's id or the person's member id (and session id): never their email or token.
    logger.appendKeys({
      actor: actorLabel(caller),
      organizationId: caller.organizationId,
      ...(caller.actor.kind === 'member' && caller.actor.sessionId && { sessionId: caller.actor.sessionId }),
    });
    const audit: RouteContext['audit'] = {};
    auditNotes.set(event, audit);
    return handler({ event, caller, audit });
  });
}

/**
 * One function serving several routes: operations are keyed `METHOD /resource/path`, exactly as in
 * the route definition.
 */
export function dispatch(operations: Record<string, RouteHandler>, options: RouteOptions = {}) {
  return route(async (context) => {
    const operation = operations[operationOf(context.event)];
    if (!operation) {
      throw new ValidationError([{ field: 'path', message: `${operationOf(context.event)} is not served here` }]);
    }
    return operation(context);
  }, options);
}

export const operationOf = (event: APIGatewayProxyEvent) => `${event.httpMethod} ${event.resource}`;

/**
 * The authorizer refuses a request carrying two different keys, but a cached answer skips the
 * authorizer: API Gateway may look the cache up under one of the values. The handler checks again.
 */
function oneKeyPerRequest(): MiddlewareObj<APIGatewayProxyEvent, HttpResponse> {
  return {
    before: async (request: HttpRequest) => {
      const presented = presentedKey(request.event, API_KEY_HEADER ?? DEFAULT_API_KEY_HEADER);
      if ('problem' in presented && presented.problem === 'ambiguous') {
        throw new UnauthorizedError('Send one API key per request: this request carries more than one.');
      }
    },
  };
}

/** Routes that span every sub-account refuse keys limited to some (see RouteAccess `wholeOrganization`). */
function wholeOrganizationOnly(routes: ReadonlySet<string>): MiddlewareObj<APIGatewayProxyEvent, HttpResponse> {
  return {
    before: async (request: HttpRequest) => {
      if (!routes.has(operationOf(request.event))) return;
      if (platformCallerOf(request.event).accounts !== '*') {
        throw new ForbiddenError(
          "This route covers every sub-account of the organization; use a key with accounts '*'. See GET /v1/whoami for this key's accounts.",
        );
      }
    },
  };
}

function errorHandler(): MiddlewareObj<APIGatewayProxyEvent, HttpResponse> {
  return {
    onError: async (request: HttpRequest) => {
      const response = errorResponse(request.error);
      if (response.statusCode >= 500) logger.error('Request failed', { error: request.error });
      else logger.info('Request rejected', { status: response.statusCode, code: errorCodeOf(request.error) });
      request.response = response;
    },
  };
}

function auditTrail(
  action: string | ((event: APIGatewayProxyEvent) => string),
  store: AuditStore,
  clock: Clock,
  peopleAuditedLive: boolean,
): MiddlewareObj<APIGatewayProxyEvent, HttpResponse> {
  const record = async (request: HttpRequest, outcome: 'succeeded' | 'failed') => {
    let caller: Caller;
    try {
      caller = platformCallerOf(request.event);
    } catch {
      return; // not behind the authorizer: nobody to attribute it to
    }
    const note = auditNotes.get(request.event) ?? {};
    const pathId = request.event.pathParameters?.id;
    const targetKeyId = note.targetKeyId ?? (pathId?.startsWith('key_') ? pathId : undefined);
    await store
      .append({
        id: randomUUID(),
        organizationId: caller.organizationId,
        environment: peopleAuditedLive && caller.actor.kind === 'member' ? 'live' : caller.environment,
        at: clock().toISOString(),
        action: typeof action === 'string' ? action : action(request.event),
        outcome,
        actor: auditActorOf(caller),
        ...(caller.keyId && { actorKeyId: caller.keyId }),
        actorMemberId: caller.memberId,
        ...(targetKeyId && { targetKeyId }),
        sourceIp: caller.sourceIp,
        ...(caller.userAgent && { userAgent: caller.userAgent }),
        ...(outcome === 'failed' && { errorCode: errorCodeOf(request.error) }),
        ...(note.details && { details: note.details }),
      })
      .catch((error: unknown) => logger.error('Writing the audit entry failed', { action, error }));
  };
  return {
    after: (request: HttpRequest) =>
      record(request, request.response && request.response.statusCode < 400 ? 'succeeded' : 'failed'),
    onError: (request: HttpRequest) => record(request, 'failed'),
  };
}
