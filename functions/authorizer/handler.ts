import { DynamoKeyStore } from '../adapters/dynamo-key-store';
import { organizationAccountIds } from '../adapters/dynamo-organization-store';
import { pepperFromSecretsManager, secretBytesFromSecretsManager } from '../adapters/pepper';
import { authorizerCacheOf, DEFAULT_API_KEY_HEADER, IN_AUTHORIZER_CACHE_MS } from '../definition/api';
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

const ORGANIZATION_ACCOUNTS_CACHE_MS = 60_000;

const config = loadConfig({ ...tableConfig, ...pepperConfig, ...callerSigningSecretConfig, ...apiKeyHeaderConfig });
const keys = new DynamoKeyStore(dynamoDb, config.TABLE_NAME);
const headerMode = config.API_KEY_HEADER ?? DEFAULT_API_KEY_HEADER;

export const handler = createAuthorizer({
  headerMode,
  // Behind API Gateway's cache (x-api-key, authorization) no cache of our own: one here could hand a
  // revoked key's stale "allow" back to API Gateway right after a flush, to live for the whole TTL.
  // Without it (either) records are kept for at most a second, which bounds how late a stop is.
  findKey:
    authorizerCacheOf(headerMode).resultsCacheTtlSeconds > 0
      ? (keyId) => keys.get(keyId)
      : ttlCache((keyId) => keys.get(keyId), IN_AUTHORIZER_CACHE_MS, Date.now, 10_000),
  pepper: pepperFromSecretsManager(secretsManager, config.PEPPER_SECRET_ID),
  callerSigningSecret: secretBytesFromSecretsManager(secretsManager, config.CALLER_SIGNING_SECRET_ID),
  // Admin keys are usually `*`, and each of their authorizer calls (a cache miss) would read the
  // organization: one GetItem per organization per instance per minute instead. New sub-accounts
  // reach backends within this plus the authorizer cache TTL.
  organizationAccounts: ttlCache(
    organizationAccountIds(dynamoDb, config.TABLE_NAME),
    ORGANIZATION_ACCOUNTS_CACHE_MS,
    Date.now,
    10_000,
  ),
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
  },
});
