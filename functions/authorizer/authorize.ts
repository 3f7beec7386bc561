/**
 * The REQUEST authorizer. Its answer depends only on the key, the source IP and the stage, never on
 * the route or query, because API Gateway caches it per identity source and reuses it on every
 * route: the policy lists exactly the routes the key may call. Account scope (`account_id`) is
 * therefore checked by the backends, not here; for them it spells out the sub-accounts of a key
 * with accounts `*` (domain/backend-accounts.ts).
 */
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { environmentOfStage } from '../definition/active-api';
import type { ApiKeyHeaderMode } from '../definition/api';
import { callerHeaderContext } from '../definition/caller-headers';
import { backendAccountsOf, type OrganizationAccounts } from '../domain/backend-accounts';
import { audienceOf, signCaller, signedFieldsOfContext } from '../domain/caller-assertion';
import { type AccountScope, type ApiKeyRecord, answerableMemberOf } from '../domain/keys/key-model';
import { presentedKey } from '../domain/keys/presented-key';
import { type Verification, type VerifyKeyDeps, verifyKey } from '../domain/keys/verify-key';
import { allowPolicy, denyPolicy, parseMethodArn } from '../domain/policy';
import type { EffectiveRateLimit } from '../domain/rate-limit-headers';

export interface AuthorizerLog {
  denied(verification: Exclude<Verification, { outcome: 'valid' }>, sourceIp: string): void;
  /** The organization's plan could not be read: the call goes on, without a rate limit for the headers. */
  planUnknown?(organizationId: string, error: unknown): void;
}

/** API Gateway turns exactly this error message into a 401. */
const UNAUTHORIZED = 'Unauthorized';

export interface AuthorizerDeps extends VerifyKeyDeps {
  log?: AuthorizerLog;
  headerMode: ApiKeyHeaderMode;
  /** The caller signing secret's bytes, read once per instance (X-Caller-Signature for HTTP backends). */
  callerSigningSecret: () => Promise<Buffer>;
  /** The organization's sub-account ids, read for keys with accounts `*` only (cached by the handler). */
  organizationAccounts: OrganizationAccounts;
  /**
   * The requests per minute of the organization's plan (its custom figure if it has one), read for
   * keys without a limit of their own (cached by the handler); undefined when there is no such
   * organization or plan. Without it such keys carry no rate limit for the X-RateLimit-* headers.
   */
  organizationRateLimit?: (organizationId: string) => Promise<number | undefined>;
}

export function createAuthorizer(deps: AuthorizerDeps) {
  return async (event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
    const arn = parseMethodArn(event.methodArn);
    if (!arn) throw new Error(`Unexpected methodArn ${event.methodArn}`);
    // Read alongside the key on a cold start rather than after it; cached for the instance after that.
    const signingSecret = deps.callerSigningSecret();
    signingSecret.catch(() => {}); // awaited below on an allowed call only; a denial must not leave it unhandled
    const sourceIp = event.requestContext?.identity?.sourceIp ?? '';
    const presented = presentedKey(event, deps.headerMode);
    const verification: Verification =
      'problem' in presented
        ? { outcome: 'unauthorized', reason: presented.problem }
        : await verifyKey(deps, { token: presented.token, stageEnvironment: environmentOfStage(arn.stage), sourceIp });
    if (verification.outcome !== 'valid') deps.log?.denied(verification, sourceIp);
    switch (verification.outcome) {
      case 'unauthorized':
        throw new Error(UNAUTHORIZED);
      case 'forbidden':
        return {
          principalId: verification.key.id,
          policyDocument: denyPolicy(arn),
          context: {
            ...callerContext(verification.key),
            errorCode: verification.code,
            errorMessage: verification.message,
          },
        };
      case 'valid': {
        const [backendAccounts, rateLimit] = await Promise.all([
          backendAccountsOf(verification.key, deps.organizationAccounts),
          effectiveRateLimit(verification.key, deps),
        ]);
        const caller = callerContext(verification.key, backendAccounts, rateLimit);
        return {
          principalId: verification.key.id,
          policyDocument: allowPolicy(arn, verification.key.permissions),
          // The organization's gateway API key: its usage plan throttles the organization as a whole.
          ...(verification.key.usageIdentifierKey && { usageIdentifierKey: verification.key.usageIdentifierKey }),
          context: {
            ...caller,
            // Over exactly the header values just built. Cached with the policy for the authorizer
            // TTL: backends accept it for longer (caller.ts).
            ...signCaller(await signingSecret, signedFieldsOfContext(caller), {
              audience: audienceOf(arn.apiArn.slice(arn.apiArn.lastIndexOf(':') + 1), arn.stage),
              issuedAtSeconds: deps.clock().getTime() / 1000,
            }),
            // Shown by the ACCESS_DENIED gateway response when the policy does not cover the route.
            errorCode: 'insufficient_permissions',
            errorMessage: `This API key (permissions: ${verification.key.permissions.join(', ')}) may not call this route. Use a key with the needed permission; see GET /v1/whoami.`,
          },
        };
      }
    }
  };
}

/**
 * Authorizer context values must be strings, numbers or booleans: lists travel as JSON. `accounts`
 * is the key's own scope, for the platform's handlers; backends read `callerAccounts`, where `*`
 * may be spelled out (`backendAccounts`).
 */
function callerContext(
  key: ApiKeyRecord,
  backendAccounts: AccountScope = key.accounts,
  rateLimit?: EffectiveRateLimit,
) {
  return {
    // The management authorizer answers people too (actorType 'member'); domain/caller-context.ts tells them apart.
    actorType: 'key',
    keyId: key.id,
    organizationId: key.organizationId,
    // The person behind the key, also when a key made it: audit entries and whoami name a person.
    memberId: answerableMemberOf(key),
    environment: key.environment,
    permissions: JSON.stringify(key.permissions),
    accounts: JSON.stringify(key.accounts),
    // One header value each, for the X-Caller-* headers of HTTP backends (CALLER_HEADERS) and callerOf of Lambda ones.
    // With the effective rate limit (rateLimit, rateLimitScope) for the X-RateLimit-* headers.
    ...callerHeaderContext({ permissions: key.permissions, accounts: backendAccounts, rateLimit }),
    // Only keys with a limit of their own carry it; the handlers' rate-limit middleware counts only those.
    ...(key.rateLimitPerMinute !== undefined && { rateLimitPerMinute: String(key.rateLimitPerMinute) }),
  };
}

/**
 * The limit the X-RateLimit-* headers report: the key's own, else its organization's plan figure.
 * A failed read of the plan loses the headers, never the call: they are advice, not enforcement.
 */
async function effectiveRateLimit(
  key: ApiKeyRecord,
  deps: Pick<AuthorizerDeps, 'organizationRateLimit' | 'log'>,
): Promise<EffectiveRateLimit | undefined> {
  if (key.rateLimitPerMinute !== undefined) return { perMinute: key.rateLimitPerMinute, scope: 'key' };
  if (!deps.organizationRateLimit) return undefined;
  try {
    const perMinute = await deps.organizationRateLimit(key.organizationId);
    return perMinute === undefined ? undefined : { perMinute, scope: 'organization' };
  } catch (error) {
    deps.log?.planUnknown?.(key.organizationId, error);
    return undefined;
  }
}
