/** The platform's stores on its one table, built once per instance from TABLE_NAME. */

import { DynamoAuditStore } from '../adapters/dynamo-audit-store';
import { DynamoKeyStore } from '../adapters/dynamo-key-store';
import { DynamoMemberStore } from '../adapters/dynamo-member-store';
import { DynamoOrganizationStore } from '../adapters/dynamo-organization-store';
import { pepperFromSecretsManager } from '../adapters/pepper';
import { authorizerCacheWithMetrics } from './authorizer-cache';
import { dynamoDb, secretsManager } from './clients';
import { loadConfig, pepperConfig, tableConfig } from './config';
import { cursorCodec } from './cursors';
import { logger } from './logger';

const { TABLE_NAME } = loadConfig(tableConfig);

export const keyStore = new DynamoKeyStore(dynamoDb, TABLE_NAME, cursorCodec);
export const organizationStore = new DynamoOrganizationStore(dynamoDb, TABLE_NAME);
export const auditStore = new DynamoAuditStore(dynamoDb, TABLE_NAME, cursorCodec);
export const memberStore = new DynamoMemberStore(dynamoDb, TABLE_NAME);

/** Only functions granted the pepper call this, at cold start. */
export function pepperFromEnvironment() {
  return pepperFromSecretsManager(secretsManager, loadConfig(pepperConfig).PEPPER_SECRET_ID);
}

/** Only functions granted the flush call this, at cold start. */
export function authorizerCacheFromEnvironment() {
  return authorizerCacheWithMetrics((error, stageName) =>
    logger.error('Flushing the authorizer cache failed; the change takes effect when the cache entry expires', {
      stageName,
      error,
    }),
  );
}
