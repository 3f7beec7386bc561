/** Standard Webhooks verification of the platform's deliveries (webhook-id, -timestamp, -signature). */
import { Webhook } from 'standardwebhooks';

export interface WebhookEvent<Data = Record<string, unknown>> {
  type: string;
  timestamp: string;
  data: Data;
}

/** The signature, timestamp (older than 5 minutes: a replay) or headers did not check out. */
export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';
}

export type WebhookHeaders = Headers | Record<string, string | readonly string[] | undefined>;

/**
 * Checks a delivery against the endpoint's `whsec_…` secret and returns the event; throws
 * WebhookVerificationError otherwise. `payload` is the raw body, exactly as received: parsing and
 * re-serializing it first changes the bytes that were signed.
 */
export function verifyWebhook<Data = Record<string, unknown>>(
  payload: string | Uint8Array,
  headers: WebhookHeaders,
  secret: string,
): WebhookEvent<Data> {
  const body = typeof payload === 'string' ? payload : new TextDecoder().decode(payload);
  try {
    return new Webhook(secret).verify(body, plainHeaders(headers)) as WebhookEvent<Data>;
  } catch (error) {
    throw new WebhookVerificationError(error instanceof Error ? error.message : String(error));
  }
}

function plainHeaders(headers: WebhookHeaders): Record<string, string> {
  const plain: Record<string, string> = {};
  if (headers instanceof Headers) {
    headers.forEach((value, name) => {
      plain[name] = value;
    });
    return plain;
  }
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) plain[name.toLowerCase()] = typeof value === 'string' ? value : value.join(' ');
  }
  return plain;
}
