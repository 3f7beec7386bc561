/** The HMAC pepper, read from Secrets Manager once per instance and kept in memory only. */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

const MIN_PEPPER_BYTES = 32;

export function pepperFromSecretsManager(client: SecretsManagerClient, secretId: string): () => Promise<Buffer> {
  let pending: Promise<Buffer> | undefined;
  return () => {
    pending ??= load(client, secretId).catch((error: unknown) => {
      pending = undefined; // let the next invocation try again
      throw error;
    });
    return pending;
  };
}

/** The webhook master secret has the pepper's shape: random bytes, base64, read once per instance. */
export const secretBytesFromSecretsManager = pepperFromSecretsManager;

async function load(client: SecretsManagerClient, secretId: string): Promise<Buffer> {
  const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  const pepper = Buffer.from(SecretString ?? '', 'base64');
  if (pepper.length < MIN_PEPPER_BYTES) {
    throw new Error(`Secret ${secretId} must hold at least ${MIN_PEPPER_BYTES} random bytes, base64-encoded.`);
  }
  return pepper;
}
