/** `account_id` checked before a Lambda backend's handler runs (middy). */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { AccountAccessError, type AccountScopeOptions, requireAccount } from '../domain/account-scope';
import { MissingCallerError } from '../domain/caller-context';
import { callerOf } from './caller';
import type { Caller } from './index';
import { rateLimitHeaders } from './rate-limit-headers';

/** What `accountScope` adds to the handler's context. */
export interface AccountScopedContext extends Context {
  caller: Caller;
  /** The checked `account_id`: the sub-account this request acts on. */
  accountId: string;
}

/**
 * A middy middleware, as `use` of @middy/core takes it (its MiddlewareObj, spelled out): the
 * package's declarations would otherwise import middy, which is ESM-only since v7, and which a
 * backend without `accountScope` would have to install for its types.
 */
export interface AccountScopeMiddleware {
  before: (request: {
    event: APIGatewayProxyEvent;
    context: AccountScopedContext;
  }) => Promise<APIGatewayProxyResult | undefined>;
}

/**
 * Middy middleware for an account-scoped route: reads the caller, checks the `account_id` query
 * parameter with `requireAccount`, and puts both on the handler's context (`context.caller`,
 * `context.accountId`). A missing or malformed `account_id` is answered 400, one outside the key's
 * sub-accounts 403, in the platform's error body `{ error: { code, message, fields? } }`; the
 * handler does not run.
 */
export function accountScope(options: AccountScopeOptions = {}): AccountScopeMiddleware {
  return {
    before: async (request) => {
      try {
        const caller = callerOf(request.event);
        const accountId = await requireAccount(caller, request.event.queryStringParameters?.account_id, options);
        Object.assign(request.context, { caller, accountId });
      } catch (error) {
        if (error instanceof AccountAccessError || error instanceof MissingCallerError) {
          return {
            statusCode: error.status,
            // An early answer skips the stack's `after`: it carries the rate-limit headers itself.
            headers: {
              'content-type': 'application/json',
              'cache-control': 'no-store',
              ...rateLimitHeaders(request.event),
            },
            body: JSON.stringify(error),
          };
        }
        throw error;
      }
    },
  };
}
