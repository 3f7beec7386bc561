/**
 * Configuration is read once at cold start and validated; a bad deploy fails with a clear message.
 * zod/mini, not zod: this module is in every bundle, the authorizer's included, and the full zod
 * build would be ~40% of that bundle.
 */
import * as z from 'zod/mini';

type ConfigShape = Record<string, z.ZodMiniType<unknown, string | undefined>>;

export function loadConfig<Shape extends ConfigShape>(
  shape: Shape,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<z.ZodMiniObject<Shape>> {
  const result = z.object(shape).safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`Invalid configuration: ${problems}. Set these environment variables (the CDK construct does).`);
  }
  return result.data;
}

const required = (name: string) => z.string({ error: `${name} is required` }).check(z.minLength(1, `${name} is empty`));

export const tableConfig = { TABLE_NAME: required('TABLE_NAME') };
export const pepperConfig = { PEPPER_SECRET_ID: required('PEPPER_SECRET_ID') };
export const cursorKeyConfig = { CURSOR_SECRET_ID: required('CURSOR_SECRET_ID') };
/** The secret the authorizer signs the caller with (X-Caller-Signature of HTTP backends). */
export const callerSigningSecretConfig = { CALLER_SIGNING_SECRET_ID: required('CALLER_SIGNING_SECRET_ID') };
/** Where clients send their key (functions/definition/api.ts); `x-api-key` when unset. */
export const apiKeyHeaderConfig = {
  API_KEY_HEADER: z.optional(z.enum(['x-api-key', 'authorization', 'either'])),
};
/** The deployment's gateway cache TTL (the construct sets it), where it is not the default. */
export const authorizerCacheTtlConfig = {
  AUTHORIZER_CACHE_TTL_SECONDS: z.optional(
    z.string().check(z.regex(/^\d+$/, 'AUTHORIZER_CACHE_TTL_SECONDS must be whole seconds')),
  ),
};
export const authorizerCacheConfig = { REST_API_ID: required('REST_API_ID') };
export const reminderQueueConfig = { REMINDER_QUEUE_URL: required('REMINDER_QUEUE_URL') };
export const emailConfig = { EMAIL_SENDER: required('EMAIL_SENDER') };
/** Where email is optional (the webhook worker): set only when the platform was given a sender. */
export const optionalEmailConfig = { EMAIL_SENDER: z.optional(z.string()) };
export const webhookEventQueueConfig = { WEBHOOK_EVENT_QUEUE_URL: required('WEBHOOK_EVENT_QUEUE_URL') };
/** The team's events queue: its Lambda backends send to it (`grantPublishEvents`), the fan-out consumes it. */
export const teamEventQueueConfig = { TEAM_EVENT_QUEUE_URL: required('TEAM_EVENT_QUEUE_URL') };
export const webhookDeliveryQueueConfig = { WEBHOOK_DELIVERY_QUEUE_URL: required('WEBHOOK_DELIVERY_QUEUE_URL') };
export const webhookSecretConfig = { WEBHOOK_SECRET_ID: required('WEBHOOK_SECRET_ID') };
/** The usage bucket: Firehose's access-log objects and the call-log archive (functions/definition/usage.ts). */
export const usageBucketConfig = { USAGE_BUCKET: required('USAGE_BUCKET') };
export const keyExpiryQueueConfig = { KEY_EXPIRY_QUEUE_URL: required('KEY_EXPIRY_QUEUE_URL') };
/** Milliseconds each reminder recipient uses of one worker's share of the SES send rate (infra: reminders.sesSendRate). */
export const reminderPacingConfig = {
  REMINDER_SEND_INTERVAL_MS: z.optional(
    z.string().check(z.regex(/^\d+$/, 'REMINDER_SEND_INTERVAL_MS must be whole milliseconds')),
  ),
};
/** At most one expiry flush per stage in this many seconds (KEY_EXPIRY.flushWindowSeconds when unset). */
export const expiryFlushConfig = {
  EXPIRY_FLUSH_WINDOW_SECONDS: z.optional(
    z.string().check(z.regex(/^\d+(\.\d+)?$/, 'EXPIRY_FLUSH_WINDOW_SECONDS must be a number of seconds')),
  ),
};
/**
 * Public keys of secret-scanning partners, `{"<key id>": "<PEM>"}` (the construct's
 * `secretScanning.partnerPublicKeys`). Without any, every report is refused.
 */
export const secretScanningConfig = { SECRET_SCANNING_PUBLIC_KEYS: z.optional(z.string()) };
/**
 * Egress of webhook deliveries. WEBHOOK_ALLOW_LOOPBACK=true lets sandbox (test-environment)
 * endpoints use http and loopback addresses: the local stack sets it so the demo receiver on
 * localhost works. Live endpoints never get either. WEBHOOK_RETRY_SCHEDULE (seconds, comma
 * separated) replaces the standard schedule; the local tests shorten it.
 */
export const webhookEgressConfig = {
  WEBHOOK_ALLOW_LOOPBACK: z.optional(z.enum(['true', 'false'])),
  WEBHOOK_RETRY_SCHEDULE: z.optional(
    z
      .string()
      .check(z.regex(/^\d+(\.\d+)?(,\d+(\.\d+)?){0,15}$/, 'WEBHOOK_RETRY_SCHEDULE must be seconds, comma separated')),
  ),
};
/**
 * The team's Lambda backends of paid routes, `{"<backend name>": "<function ARN>"}` (the construct
 * sets it from `backends`); the metered proxy invokes them.
 */
export const backendFunctionsConfig = {
  BACKEND_FUNCTIONS: z.optional(
    z
      .string()
      .check(z.refine(isFunctionArnMap, 'BACKEND_FUNCTIONS must be a JSON object of backend name → function ARN')),
  ),
};

function isFunctionArnMap(raw: string): boolean {
  return isJsonObjectOf(raw, (arn) => typeof arn === 'string' && /^arn:aws[\w-]*:lambda:/.test(arn));
}

/** A JSON object (not an array or null) whose every value passes `valueOk`. */
function isJsonObjectOf(raw: string, valueOk: (value: unknown) => boolean): boolean {
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every(valueOk);
  } catch {
    return false;
  }
}
/** The secret console session tokens are hashed with (HMAC-SHA256; domain/sessions/session-token.ts). */
export const sessionSecretConfig = { SESSION_SECRET_ID: required('SESSION_SECRET_ID') };

/**
 * People's sign-in with the team's identity provider (the construct's `identity.oidc`): the issuer
 * exactly as its tokens spell `iss`, the audience (aud) of the tokens people send, and the claims that name
 * the person. Unset: OIDC tokens are refused.
 */
export const oidcConfig = {
  OIDC_ISSUER: z.optional(z.string().check(z.regex(/^https?:\/\/[^\s]+$/, 'OIDC_ISSUER must be an http(s) URL'))),
  OIDC_AUDIENCE: z.optional(z.string().check(z.minLength(1, 'OIDC_AUDIENCE is empty'))),
  OIDC_SUBJECT_CLAIM: z.optional(z.string().check(z.minLength(1, 'OIDC_SUBJECT_CLAIM is empty'))),
  OIDC_EMAIL_CLAIM: z.optional(z.string().check(z.minLength(1, 'OIDC_EMAIL_CLAIM is empty'))),
  OIDC_EMAIL_VERIFIED_CLAIM: z.optional(z.string().check(z.minLength(1, 'OIDC_EMAIL_VERIFIED_CLAIM is empty'))),
};

export interface OidcSettings {
  issuer: string;
  audience: string;
  subjectClaim: string;
  emailClaim: string;
  /** Set only when configured: the verifier defaults it to `email_verified` for the `email` claim alone. */
  emailVerifiedClaim?: string;
}

/** The OIDC settings, or undefined when OIDC is off; an issuer without an audience (or the reverse) fails here. */
export function loadOidcConfig(env: NodeJS.ProcessEnv = process.env): OidcSettings | undefined {
  const config = loadConfig(oidcConfig, env);
  if (!config.OIDC_ISSUER && !config.OIDC_AUDIENCE) return undefined;
  if (!config.OIDC_ISSUER || !config.OIDC_AUDIENCE) {
    throw new Error(
      `Invalid configuration: OIDC_ISSUER and OIDC_AUDIENCE go together (got only ${config.OIDC_ISSUER ? 'OIDC_ISSUER' : 'OIDC_AUDIENCE'}). Set both to let people sign in with the identity provider, or neither.`,
    );
  }
  return {
    issuer: config.OIDC_ISSUER,
    audience: config.OIDC_AUDIENCE,
    subjectClaim: config.OIDC_SUBJECT_CLAIM ?? 'sub',
    emailClaim: config.OIDC_EMAIL_CLAIM ?? 'email',
    ...(config.OIDC_EMAIL_VERIFIED_CLAIM && { emailVerifiedClaim: config.OIDC_EMAIL_VERIFIED_CLAIM }),
  };
}
/**
 * The console's "Sign in with your identity provider" (the construct's `identity.oidc.console`): the
 * public client (PKCE, no secret) the browser signs people in with at OIDC_ISSUER, the scope it
 * asks for, and extra authorization parameters some providers need for an access token of the API
 * (Auth0's `audience`). Unset: the console signs people in by link only.
 */
export const consoleSignInConfig = {
  OIDC_ISSUER: oidcConfig.OIDC_ISSUER,
  OIDC_CONSOLE_CLIENT_ID: z.optional(z.string().check(z.minLength(1, 'OIDC_CONSOLE_CLIENT_ID is empty'))),
  OIDC_CONSOLE_SCOPE: z.optional(
    z.string().check(z.regex(/^\S+( \S+)*$/, 'OIDC_CONSOLE_SCOPE must be scopes separated by single spaces')),
  ),
  OIDC_CONSOLE_TOKEN: z.optional(z.enum(['access', 'id'], "OIDC_CONSOLE_TOKEN must be 'access' or 'id'")),
  OIDC_CONSOLE_AUTHORIZE_PARAMS: z.optional(
    z
      .string()
      .check(
        z.refine(
          isStringRecord,
          'OIDC_CONSOLE_AUTHORIZE_PARAMS must be a JSON object of strings, such as {"audience":"https://api.example.com"}',
        ),
      ),
  ),
};

/** What the console needs to send people to the identity provider; the endpoints come from its discovery document. */
export interface ConsoleSignInSettings {
  issuer: string;
  clientId: string;
  scope: string;
  authorizeParams: Record<string, string>;
  /** The provider's token the console sends: its access token, or its ID token (Cognito's carries the email). */
  token: 'access' | 'id';
}

/** Parameters the console sets itself: a configured one would break the flow or its PKCE. */
export const RESERVED_AUTHORIZE_PARAMS: readonly string[] = [
  'client_id',
  'redirect_uri',
  'response_type',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method',
  'nonce',
  // The code must come back in the query of <console>/sign-in, and nothing may replace the above.
  'response_mode',
  'request',
  'request_uri',
];

/** The console's OIDC sign-in, or undefined when it has none; a client id without an issuer fails here. */
export function loadConsoleSignInConfig(env: NodeJS.ProcessEnv = process.env): ConsoleSignInSettings | undefined {
  const config = loadConfig(consoleSignInConfig, env);
  if (!config.OIDC_CONSOLE_CLIENT_ID) return undefined;
  if (!config.OIDC_ISSUER) {
    throw new Error(
      'Invalid configuration: OIDC_CONSOLE_CLIENT_ID needs OIDC_ISSUER, the identity provider the console signs people in with.',
    );
  }
  const authorizeParams = JSON.parse(config.OIDC_CONSOLE_AUTHORIZE_PARAMS ?? '{}') as Record<string, string>;
  const reserved = Object.keys(authorizeParams).filter((name) => RESERVED_AUTHORIZE_PARAMS.includes(name));
  if (reserved.length > 0) {
    throw new Error(
      `Invalid configuration: OIDC_CONSOLE_AUTHORIZE_PARAMS may not set ${reserved.join(', ')}; the console sets ${RESERVED_AUTHORIZE_PARAMS.join(', ')} itself.`,
    );
  }
  const scope = config.OIDC_CONSOLE_SCOPE ?? 'openid email';
  if (config.OIDC_CONSOLE_TOKEN === 'id' && !scope.split(' ').includes('openid')) {
    throw new Error(
      `Invalid configuration: OIDC_CONSOLE_TOKEN=id needs the openid scope, without which no ID token is issued (OIDC_CONSOLE_SCOPE is '${scope}').`,
    );
  }
  return {
    issuer: config.OIDC_ISSUER,
    clientId: config.OIDC_CONSOLE_CLIENT_ID,
    scope,
    authorizeParams,
    token: config.OIDC_CONSOLE_TOKEN ?? 'access',
  };
}

function isStringRecord(raw: string): boolean {
  return isJsonObjectOf(raw, (entry) => typeof entry === 'string');
}

/** Where console sign-in links point (the construct's `identity.consoleUrl`); else the API's own `/<stage>/console`. */
export const consoleUrlConfig = {
  CONSOLE_URL: z.optional(
    z
      .string()
      .check(
        z.refine(
          isAbsoluteHttpUrl,
          'CONSOLE_URL must be an absolute http(s) URL such as https://console.example.com (identity.consoleUrl)',
        ),
      ),
  ),
};

/** Sign-in links are `<CONSOLE_URL>/sign-in#…`: anything but an absolute http(s) URL would hand out broken links. */
function isAbsoluteHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.host !== '' && !url.hash && !url.search;
  } catch {
    return false;
  }
}
