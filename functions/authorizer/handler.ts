import { z } from 'zod';
import { DynamoKeyStore } from '../adapters/dynamo-key-store';
import { pepperFromSecretsManager } from '../adapters/pepper';
import { systemClock } from '../domain/clock';
import { dynamoDb, secretsManager } from '../runtime/clients';
import { loadConfig, pepperConfig, tableConfig } from '../runtime/config';
import { logger } from '../runtime/logger';
import { createAuthorizer } from './authorize';
import { cachedKeyLookup } from './key-cache';

const config = loadConfig({
  ...tableConfig,
  ...pepperConfig,
  KEY_CACHE_TTL_MS: z.coerce.number().int().min(0).max(5000).default(500),
});
const keys = new DynamoKeyStore(dynamoDb, config.TABLE_NAME);

export const handler = createAuthorizer({
  findKey: cachedKeyLookup((keyId) => keys.get(keyId), config.KEY_CACHE_TTL_MS),
  pepper: pepperFromSecretsManager(secretsManager, config.PEPPER_SECRET_ID),
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
