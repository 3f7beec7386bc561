/** Standard Webhooks verification of the platform's deliveries (webhook-id, -timestamp, -signature). */
import { Webhook } from 'standardwebhooks';
import type { webhooks } from './schema';

export interface WebhookEvent<Data = Record<string, unknown>> {
  type: string;
  timestamp: string;
  data: Data;
}

type EventBody<Operation> = Operation extends {
  post: { requestBody: { content: { 'application/json': infer Body } } };
}
  ? Body
  : never;

/**
 * Every event the API sends (the document's `webhooks`), told apart by `type`: a `switch` on it
 * types `data`. A test send (`POST /v1/webhooks/{id}/test`) has `test: true` beside `type`.
 * Another API's: `ApiWebhookEvent<webhooks>` with the `webhooks` of its generated types.
 */
export type ApiWebhookEvent<Webhooks = webhooks> = {
  [Type in keyof Webhooks]: EventBody<Webhooks[Type]>;
}[keyof Webhooks];

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
export function verifyWebhook<Event = ApiWebhookEvent>(
  payload: string | Uint8Array,
  headers: WebhookHeaders,
  secret: string,
): Event {
  const body = typeof payload === 'string' ? payload : new TextDecoder().decode(payload);
  try {
    return new Webhook(secret).verify(body, plainHeaders(headers)) as Event;
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
