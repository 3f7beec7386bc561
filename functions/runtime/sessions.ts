/** Console sessions' store and secret, built once per instance (only functions granted them import this). */
import { DynamoSessionStore } from '../adapters/dynamo-session-store';
import { secretBytesFromSecretsManager } from '../adapters/pepper';
import { dynamoDb, secretsManager } from './clients';
import { loadConfig, sessionSecretConfig, tableConfig } from './config';

export const sessionStore = new DynamoSessionStore(dynamoDb, loadConfig(tableConfig).TABLE_NAME);

/** The session secret's bytes, read at the first use and kept in memory (needs.sessionSecret). */
export function sessionSecretFromEnvironment(): () => Promise<Buffer> {
  return secretBytesFromSecretsManager(secretsManager, loadConfig(sessionSecretConfig).SESSION_SECRET_ID);
}
