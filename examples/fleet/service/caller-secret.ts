/**
 * The platform's caller signing secret, which the service checks the X-Caller-* headers with. Read
 * once at start-up with the service's own AWS credentials (on AWS a role the team gave
 * `platform.grantCallerSecret`); the value stays in memory and is never logged.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

export async function readCallerSigningSecret(client: SecretsManagerClient, secretId: string): Promise<string> {
  const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  if (!SecretString) throw new Error(`The caller signing secret ${secretId} has no value.`);
  return SecretString;
}
