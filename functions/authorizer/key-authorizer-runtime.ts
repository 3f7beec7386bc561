/**
 * The key authorizer as deployed, built from the function's environment: the key store, the pepper
 * and caller signing secret, the organization's sub-accounts and plan (cached). Both authorizers
 * build it: the key authorizer as its handler, the management authorizer for every API key it is
 * shown, so a key gets the same answer from either.
 */
import { DynamoKeyStore } from '../adapters/dynamo-key-store';
import { organizationForAuthorizer } from '../adapters/dynamo-organization-store';
import { pepperFromSecretsManager, secretBytesFromSecretsManager } from '../adapters/pepper';
import { type ApiKeyHeaderMode, DEFAULT_API_KEY_HEADER, IN_AUTHORIZER_CACHE_MS } from '../definition/api';
import { isPlanName, requestsPerMinuteOf } from '../definition/plans';
import { systemClock } from '../domain/clock';
import { dynamoDb, secretsManager } from '../runtime/clients';
import {
  apiKeyHeaderConfig,
  callerSigningSecretConfig,
  loadConfig,
  pepperConfig,
  tableConfig,
} from '../runtime/config';
import { logger } from '../runtime/logger';
import { ttlCache } from '../runtime/ttl-cache';
import { createAuthorizer } from './authorize';

const ORGANIZATION_CACHE_MS = 60_000;
const PLAN_CACHE_MS = 300_000;

export interface KeyAuthorizerRuntimeOptions {
  /**
   * Whether to keep key records in the instance for IN_AUTHORIZER_CACHE_MS (a second), which bounds
   * how late a stop is. Not behind API Gateway's cache: one here could hand a revoked key's stale
   * "allow" back to API Gateway right after a flush, to live for the whole TTL.
   */
  keepKeyRecords: (headerMode: ApiKeyHeaderMode) => boolean;
}

export function keyAuthorizerFromEnvironment(options: KeyAuthorizerRuntimeOptions) {
  const config = loadConfig({ ...tableConfig, ...pepperConfig, ...callerSigningSecretConfig, ...apiKeyHeaderConfig });
  const keys = new DynamoKeyStore(dynamoDb, config.TABLE_NAME);
  const headerMode = config.API_KEY_HEADER ?? DEFAULT_API_KEY_HEADER;
  // Admin keys are usually `*`, and each of their authorizer calls (a cache miss) would read the
  // organization's sub-accounts: one GetItem per organization per instance per minute instead. New
  // sub-accounts reach backends within this plus the authorizer cache TTL.
  const organizationOf = ttlCache(
    organizationForAuthorizer(dynamoDb, config.TABLE_NAME),
    ORGANIZATION_CACHE_MS,
    Date.now,
    10_000,
  );
  // Every key without a limit of its own needs its organization's plan, for the X-RateLimit-* headers
  // only: kept 5 minutes (a read of the same item, shared with the accounts while that is fresh), so
  // it costs at most one GetItem per organization per instance per 5 minutes. A plan change reaches
  // the headers within this plus the authorizer cache TTL; the usage plan enforces it at once.
  const planRateLimitOf = ttlCache(
    async (organizationId) => {
      const organization = await organizationOf(organizationId);
      return organization && isPlanName(organization.plan.plan) ? requestsPerMinuteOf(organization.plan) : undefined;
    },
    PLAN_CACHE_MS,
    Date.now,
    10_000,
  );

  return createAuthorizer({
    headerMode,
    findKey: options.keepKeyRecords(headerMode)
      ? ttlCache((keyId) => keys.get(keyId), IN_AUTHORIZER_CACHE_MS, Date.now, 10_000)
      : (keyId) => keys.get(keyId),
    pepper: pepperFromSecretsManager(secretsManager, config.PEPPER_SECRET_ID),
    callerSigningSecret: secretBytesFromSecretsManager(secretsManager, config.CALLER_SIGNING_SECRET_ID),
    organizationAccounts: async (organizationId) => (await organizationOf(organizationId))?.accounts,
    organizationRateLimit: planRateLimitOf,
    clock: systemClock,
    log: {
      denied: (verification, sourceIp) =>
        logger.info('API key denied', {
          outcome: verification.outcome,
          ...(verification.outcome === 'unauthorized'
            ? { reason: verification.reason, keyId: verification.keyId }
            : { reason: verification.code, keyId: verification.key.id }),
          sourceIp,
        }),
      planUnknown: (organizationId, error) =>
        logger.warn('Organization plan unreadable; no X-RateLimit-* for this answer', { organizationId, error }),
    },
  });
}
