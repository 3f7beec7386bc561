/**
 * The signed caller assertion: the authorizer signs the caller it vouches for, so an HTTP backend
 * can tell the gateway's X-Caller-* headers from ones a client forged by calling the backend's URL
 * directly. HMAC-SHA256, keyed by the caller signing secret (Secrets Manager), over the caller
 * fields, the time of signing and the API and stage (the audience), so that an assertion is good
 * for a short while and on one API only. node:crypto only: the backend entry point uses it too.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { callerHeaderContext } from '../definition/caller-headers';
import type { AccountScope } from './keys/key-model';
import type { EffectiveRateLimit } from './rate-limit-headers';

/** The caller as the headers carry it: lists already joined by commas, exactly as sent. */
export interface SignedCallerFields {
  organizationId: string;
  keyId: string;
  environment: string;
  /** Comma-separated presets and scopes (X-Caller-Permissions). */
  permissions: string;
  /** Comma-separated sub-account ids, or `*` (X-Caller-Accounts). */
  accounts: string;
  /** Requests per minute (X-Caller-Rate-Limit), when the authorizer knew them. */
  rateLimit?: string;
  /** `key` or `organization` (X-Caller-Rate-Limit-Scope), with `rateLimit`. */
  rateLimitScope?: string;
}

/** The signed fields of a caller: its lists joined exactly as the caller headers carry them. */
export function signedFieldsOf(caller: {
  organizationId: string;
  keyId: string;
  environment: string;
  permissions: readonly string[];
  accounts: AccountScope;
  rateLimit?: EffectiveRateLimit;
}): SignedCallerFields {
  const { organizationId, keyId, environment } = caller;
  return signedFieldsOfContext({ organizationId, keyId, environment, ...callerHeaderContext(caller) });
}

/**
 * The signed fields from the authorizer context entries the caller headers are mapped from
 * (CALLER_HEADERS): the one mapping of header values to fields, for the authorizer that signs
 * and, through `signedFieldsOf`, the backend that verifies.
 */
export function signedFieldsOfContext(context: {
  organizationId: string;
  keyId: string;
  environment: string;
  callerPermissions: string;
  callerAccounts: string;
  rateLimit?: string;
  rateLimitScope?: string;
}): SignedCallerFields {
  return {
    organizationId: context.organizationId,
    keyId: context.keyId,
    environment: context.environment,
    permissions: context.callerPermissions,
    accounts: context.callerAccounts,
    ...(context.rateLimit !== undefined && { rateLimit: context.rateLimit, rateLimitScope: context.rateLimitScope }),
  };
}

/** What the authorizer adds to its context (and the gateway to the backend's headers). */
export interface CallerAssertion {
  /** `<rest api id>/<stage>`: the API and stage whose authorizer signed. */
  callerAudience: string;
  /** Epoch seconds, as a decimal string. */
  callerIssuedAt: string;
  /** base64url HMAC-SHA256 of the canonical string. */
  callerSignature: string;
}

/** Secrets Manager holds the secret as base64 text of random bytes; fewer than this is a setup mistake. */
const MIN_SIGNING_SECRET_BYTES = 32;

/** The audience of an assertion: the REST API id and stage of the method the authorizer guarded. */
export const audienceOf = (apiId: string, stage: string) => `${apiId}/${stage}`;

/**
 * One line per field in a JSON array: no field can run into the next, whatever it holds. The
 * version leads, so a later format never verifies as this one. `caller-v2` adds the rate limit:
 * a caller with one is signed with it, so stripping or changing it breaks the signature, and a
 * backend still verifies the `caller-v1` of an authorizer that sends none (deploy backends first).
 */
function canonical(fields: SignedCallerFields, audience: string, issuedAt: string): string {
  const common = [
    audience,
    issuedAt,
    fields.organizationId,
    fields.keyId,
    fields.environment,
    fields.permissions,
    fields.accounts,
  ];
  return JSON.stringify(
    fields.rateLimit === undefined
      ? ['caller-v1', ...common]
      : ['caller-v2', ...common, fields.rateLimit, fields.rateLimitScope ?? ''],
  );
}

function mac(secret: Uint8Array, fields: SignedCallerFields, audience: string, issuedAt: string): Buffer {
  return createHmac('sha256', secret)
    .update(canonical(fields, audience, issuedAt))
    .digest();
}

export function signCaller(
  secret: Uint8Array,
  fields: SignedCallerFields,
  at: { audience: string; issuedAtSeconds: number },
): CallerAssertion {
  const issuedAt = String(Math.floor(at.issuedAtSeconds));
  return {
    callerAudience: at.audience,
    callerIssuedAt: issuedAt,
    callerSignature: mac(secret, fields, at.audience, issuedAt).toString('base64url'),
  };
}

export interface VerifyOptions {
  nowSeconds: number;
  maxAgeSeconds: number;
  /** Audiences (`<api id>` or `<api id>/<stage>`) accepted; any when undefined. */
  audiences?: readonly string[];
}

/** Why an assertion fails, for the 401's message; undefined when it holds. Never echoes the signature. */
export function assertionProblem(
  secret: Uint8Array,
  fields: SignedCallerFields,
  assertion: Partial<CallerAssertion>,
  options: VerifyOptions,
): string | undefined {
  const { callerAudience: audience, callerIssuedAt: issuedAt, callerSignature: signature } = assertion;
  if (!signature) return 'X-Caller-Signature is missing';
  if (!issuedAt || !/^\d{1,12}$/.test(issuedAt)) return 'X-Caller-Issued-At must be epoch seconds';
  if (!audience) return 'X-Caller-Audience is missing';
  const expected = mac(secret, fields, audience, issuedAt);
  const given = Buffer.from(signature, 'base64url');
  // Lengths first: timingSafeEqual throws on unequal lengths, and the length of an HMAC is no secret.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return 'X-Caller-Signature does not match the caller headers';
  }
  const age = options.nowSeconds - Number(issuedAt);
  // A little skew between the authorizer's clock and the backend's is tolerated ahead of now.
  if (age > options.maxAgeSeconds || age < -CLOCK_SKEW_SECONDS) {
    return `the caller assertion is outside its ${options.maxAgeSeconds} s window`;
  }
  const audiences = options.audiences;
  if (audiences && !audiences.some((accepted) => accepted === audience || audience.startsWith(`${accepted}/`))) {
    return `the caller assertion is for another API (${audience})`;
  }
  return undefined;
}

/** How far ahead of the backend's clock the authorizer's may run. */
const CLOCK_SKEW_SECONDS = 30;

/** The secret's bytes: Secrets Manager's text (base64) or bytes already decoded. */
export function signingKeyOf(secret: string | Uint8Array): Buffer {
  const key = typeof secret === 'string' ? Buffer.from(secret, 'base64') : Buffer.from(secret);
  if (key.length < MIN_SIGNING_SECRET_BYTES) {
    throw new Error(
      `The caller signing secret must hold at least ${MIN_SIGNING_SECRET_BYTES} random bytes (base64 text as Secrets Manager holds it); check that you passed its value, not its name or ARN.`,
    );
  }
  return key;
}
