/**
 * Reading the caller where the gateway hands it over: the key authorizer's context in a Lambda
 * proxy event's `requestContext.authorizer`, and the CALLER_HEADERS of a request to an HTTP
 * backend (definition/caller-headers.ts writes them). Shared by the platform's handlers and
 * `api-key-platform/backend`.
 */
import { z } from 'zod';
import { type CallerHeader, NO_ACCOUNTS } from '../definition/caller-headers';
import type { KeyActor, MemberActor } from './caller';
import { ForbiddenError, UnauthorizedError } from './errors';
import { KEY_ENVIRONMENTS, type KeyEnvironment } from './keys/key-environment';
import type { AccountScope } from './keys/key-model';
import { MEMBER_ROLES } from './organization';
import { type EffectiveRateLimit, effectiveRateLimitOf } from './rate-limit-headers';

/**
 * The authorizer's context. API Gateway (REST) hands every context value to the integration as a
 * string, so lists travel as JSON (functions/authorizer/authorize.ts writes them).
 */
export const authorizerContext = z.object({
  keyId: z.string(),
  organizationId: z.string(),
  memberId: z.string(),
  environment: z.enum(KEY_ENVIRONMENTS),
  permissions: z.string().transform((raw) => z.array(z.string()).parse(JSON.parse(raw))),
  accounts: z.string().transform((raw) => z.union([z.literal('*'), z.array(z.string())]).parse(JSON.parse(raw))),
  rateLimitPerMinute: z
    .union([z.number(), z.string().regex(/^\d+$/).transform(Number)])
    .pipe(z.number().int().min(1))
    .optional(),
});
export type AuthorizerContext = z.output<typeof authorizerContext>;

/**
 * The management authorizer's context for a person (functions/management-authorizer): no key, the
 * person's role and what it holds. Only the platform's management routes ever see it.
 */
export const personAuthorizerContext = z.object({
  actorType: z.literal('member'),
  memberId: z.string(),
  email: z.string(),
  role: z.enum(MEMBER_ROLES),
  readOnly: z.union([z.boolean(), z.enum(['true', 'false']).transform((raw) => raw === 'true')]),
  authMethod: z.enum(['session', 'oidc']),
  sessionId: z.string().optional(),
  credentialExpiresAt: z.iso.datetime().optional(),
  organizationId: z.string(),
  environment: z.enum(KEY_ENVIRONMENTS),
  permissions: authorizerContext.shape.permissions,
  accounts: authorizerContext.shape.accounts,
});
export type PersonAuthorizerContext = z.output<typeof personAuthorizerContext>;

/** Thrown where the caller should be and is not: the route is not behind the platform's gateway. */
export class MissingCallerError extends ForbiddenError {
  /** The platform's error body, `{ error: { code, message } }`. */
  toJSON() {
    return { error: { code: this.code, message: this.message } };
  }
}

/**
 * Thrown where the caller headers are present but not the gateway's: a signature that is missing,
 * does not match, is too old or is for another API. The request reached the backend without going
 * through the API (or was replayed), so it proves no caller at all: 401.
 */
export class CallerSignatureError extends UnauthorizedError {
  /** The platform's error body, `{ error: { code, message } }`. */
  toJSON() {
    return { error: { code: this.code, message: this.message } };
  }
}

/** The authorizer's context of a proxy event; a handler reached without it is misconfigured, so this fails closed. */
export function authorizerContextOf(authorizer: unknown): AuthorizerContext {
  const missing = (cause: unknown) =>
    new MissingCallerError('This route must sit behind the API key authorizer.', { cause });
  let parsed: ReturnType<typeof authorizerContext.safeParse>;
  try {
    parsed = authorizerContext.safeParse(authorizer ?? {});
  } catch (error) {
    // JSON.parse in a transform throws past safeParse: a list that is not JSON.
    throw missing(error);
  }
  if (!parsed.success) throw missing(parsed.error);
  return parsed.data;
}

/**
 * The caller of the platform's own management routes: a key, as authorizerContextOf reads it, or a
 * person signed in (`actorType: 'member'`). Fails closed like authorizerContextOf.
 */
export function platformContextOf(
  authorizer: unknown,
): (AuthorizerContext & { actor: KeyActor }) | (PersonAuthorizerContext & { actor: MemberActor }) {
  if ((authorizer as { actorType?: unknown } | null | undefined)?.actorType !== 'member') {
    const context = authorizerContextOf(authorizer);
    return { ...context, actor: { kind: 'key', keyId: context.keyId, memberId: context.memberId } };
  }
  const parsed = personAuthorizerContext.safeParse(authorizer);
  if (!parsed.success) {
    throw new MissingCallerError('This route must sit behind the management authorizer.', { cause: parsed.error });
  }
  const { memberId, email, role, readOnly, authMethod, sessionId, credentialExpiresAt } = parsed.data;
  return {
    ...parsed.data,
    actor: {
      kind: 'member',
      memberId,
      email,
      role,
      readOnly,
      authMethod,
      ...(sessionId && { sessionId }),
      ...(credentialExpiresAt && { credentialExpiresAt }),
    },
  };
}

/**
 * The caller a team's Lambda backend gets (`callerOf` of `api-key-platform/backend`). Unlike the
 * platform's handlers (runtime/http-request.ts `platformCallerOf`, which read the JSON `accounts`
 * and need `*` for whole-organization routes), it takes the sub-accounts from `callerAccounts`,
 * the value X-Caller-Accounts carries, where the authorizer spells out a key's `*` as its
 * organization's ids (domain/backend-accounts.ts). Fails closed without it.
 */
export function backendCallerOf(authorizer: unknown): CallerIdentity {
  const { organizationId, keyId, environment, permissions } = authorizerContextOf(authorizer);
  const raw = (authorizer as { callerAccounts?: unknown }).callerAccounts;
  const accounts = typeof raw !== 'string' ? undefined : accountsOf(raw);
  if (!accounts) {
    throw new MissingCallerError('This route must sit behind the API key authorizer.', {
      cause: new Error('callerAccounts is missing or malformed'),
    });
  }
  const rateLimit = effectiveRateLimitOf(authorizer as Record<string, unknown>);
  return { organizationId, keyId, environment, permissions, accounts, ...(rateLimit && { rateLimit }) };
}

/** Who called, as the platform tells a backend. */
export interface CallerIdentity {
  organizationId: string;
  keyId: string;
  environment: KeyEnvironment;
  permissions: string[];
  accounts: AccountScope;
  /** The per-minute limit that holds for the caller, and whose it is; absent when not known. */
  rateLimit?: EffectiveRateLimit;
}

/** Request headers as Node, fetch and Lambda events hold them. */
export type HeaderSource =
  | { get(name: string): string | null }
  | Readonly<Record<string, string | readonly string[] | undefined | null>>;

const TOKEN = /^[A-Za-z0-9_*:.-]{1,128}$/;

/** Reads the caller from the CALLER_HEADERS of a request, whatever their case. */
export function callerFromHeaders(headers: HeaderSource): CallerIdentity {
  const read = headerReader(headers);
  const problems: string[] = [];
  const value = (name: CallerHeader) => {
    const raw = read(name)?.trim();
    if (!raw) problems.push(`${name} is missing`);
    return raw ?? '';
  };
  const organizationId = value('X-Caller-Organization');
  const keyId = value('X-Caller-Key-Id');
  const environment = value('X-Caller-Environment');
  const permissions = listOf(value('X-Caller-Permissions'));
  const rawAccounts = value('X-Caller-Accounts');
  const accounts = accountsOf(rawAccounts);
  if (organizationId && !TOKEN.test(organizationId)) problems.push('X-Caller-Organization is malformed');
  if (keyId && !TOKEN.test(keyId)) problems.push('X-Caller-Key-Id is malformed');
  if (environment && !(KEY_ENVIRONMENTS as readonly string[]).includes(environment)) {
    problems.push('X-Caller-Environment must be live or test');
  }
  if (!permissions) problems.push('X-Caller-Permissions must be a comma-separated list of permissions');
  if (rawAccounts && !accounts) {
    problems.push(`X-Caller-Accounts must be *, ${NO_ACCOUNTS} or a comma-separated list of ids`);
  }
  // Optional: authorizers before it, or one that could not read the organization, send none.
  const rawRateLimit = read('X-Caller-Rate-Limit')?.trim();
  const rawRateLimitScope = read('X-Caller-Rate-Limit-Scope')?.trim();
  const rateLimit = rawRateLimit
    ? effectiveRateLimitOf({ rateLimit: rawRateLimit, rateLimitScope: rawRateLimitScope })
    : undefined;
  if (rawRateLimit && !rateLimit) {
    problems.push('X-Caller-Rate-Limit must be a whole number and X-Caller-Rate-Limit-Scope key or organization');
  }
  if (problems.length > 0 || !permissions || !accounts) {
    throw new MissingCallerError(
      `This backend must be called through the API gateway, which sets the caller headers: ${problems.join('; ')}.`,
    );
  }
  return {
    organizationId,
    keyId,
    environment: environment as KeyEnvironment,
    permissions,
    accounts,
    ...(rateLimit && { rateLimit }),
  };
}

export function headerReader(headers: HeaderSource): (name: string) => string | undefined {
  if (typeof headers.get === 'function') {
    const source = headers as { get(name: string): string | null };
    return (name) => source.get(name) ?? undefined;
  }
  const entries = Object.entries(headers as Record<string, unknown>);
  return (name) => {
    const wanted = name.toLowerCase();
    const found = entries.filter(([key]) => key.toLowerCase() === wanted).flatMap(([, value]) => value ?? []);
    // A repeated header is ambiguous (a client may have tried to add its own value): as good as none.
    return found.length === 1 && typeof found[0] === 'string' ? found[0] : undefined;
  };
}

/**
 * X-Caller-Accounts (or `callerAccounts`) as a scope: `*`, NO_ACCOUNTS for none (an empty list,
 * which covers no account_id; empty too, as authorizers before the marker wrote it), or a list.
 */
function accountsOf(raw: string): AccountScope | undefined {
  if (raw === '*') return '*';
  return raw === NO_ACCOUNTS ? [] : listOf(raw);
}

/** A comma-separated list of tokens; undefined when malformed. */
function listOf(raw: string): string[] | undefined {
  const items = raw === '' ? [] : raw.split(',').map((item) => item.trim());
  return items.every((item) => TOKEN.test(item)) ? items : undefined;
}
