import { DynamoKeyStore } from '../adapters/dynamo-key-store';
import { pepperFromSecretsManager } from '../adapters/pepper';
import { systemClock } from '../domain/clock';
import { dynamoDb, secretsManager } from '../runtime/clients';
import { loadConfig, pepperConfig, tableConfig } from '../runtime/config';
import { logger } from '../runtime/logger';
import { createAuthorizer } from './authorize';

const config = loadConfig({ ...tableConfig, ...pepperConfig });
const keys = new DynamoKeyStore(dynamoDb, config.TABLE_NAME);

export const handler = createAuthorizer({
  // No cache of our own: API Gateway caches the answer, and a second cache here could hand a
  // revoked key's stale "allow" back to API Gateway right after a flush.
  findKey: (keyId) => keys.get(keyId),
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
