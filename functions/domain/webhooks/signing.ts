/**
 * Standard Webhooks signatures. An endpoint's secret is derived from the master secret, its id and
 * its secret version, so no endpoint secret is ever stored; during the 24 hours after a rotation
 * the delivery carries a signature under each secret, and a receiver with either one verifies.
 */
import { createHmac } from 'node:crypto';
import type { WebhookEndpoint } from './webhook-model';

export const SECRET_PREFIX = 'whsec_';
/** How long the previous secret keeps signing after a rotation. */
export const SECRET_OVERLAP_MS = 24 * 3600 * 1000;

/** `whsec_` + base64 of 32 bytes: HMAC-SHA256(master, endpoint id and version). */
export function deriveEndpointSecret(master: Buffer, endpointId: string, secretVersion: number): string {
  const bytes = createHmac('sha256', master).update(`webhook-endpoint-secret:${endpointId}:${secretVersion}`).digest();
  return `${SECRET_PREFIX}${bytes.toString('base64')}`;
}

/** The secrets that sign right now: the current one, and the previous one within its overlap. */
export function signingSecrets(master: Buffer, endpoint: WebhookEndpoint, now: Date): string[] {
  const secrets = [deriveEndpointSecret(master, endpoint.id, endpoint.secretVersion)];
  if (
    endpoint.previousSecretVersion !== undefined &&
    endpoint.previousSecretExpiresAt !== undefined &&
    Date.parse(endpoint.previousSecretExpiresAt) > now.getTime()
  ) {
    secrets.push(deriveEndpointSecret(master, endpoint.id, endpoint.previousSecretVersion));
  }
  return secrets;
}

/** `v1,` + base64 HMAC-SHA256 over `id.timestamp.body`, under the secret's decoded bytes. */
export function sign(secret: string, messageId: string, timestampSeconds: number, body: string): string {
  const key = Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
  const digest = createHmac('sha256', key).update(`${messageId}.${timestampSeconds}.${body}`).digest('base64');
  return `v1,${digest}`;
}

/** The three Standard Webhooks headers; the signature header lists one signature per secret. */
export function signatureHeaders(
  secrets: string[],
  messageId: string,
  at: Date,
  body: string,
): Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string> {
  const timestamp = Math.floor(at.getTime() / 1000);
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': secrets.map((secret) => sign(secret, messageId, timestamp, body)).join(' '),
  };
}
