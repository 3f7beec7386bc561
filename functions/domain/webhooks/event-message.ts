/**
 * An event as it travels on the webhook events queue: what the platform's publishers and a team's
 * `eventPublisher` (api-key-platform/backend) send, and what the fan-out worker parses. No catalog
 * here: the fan-out checks the type and data when it reads the message.
 */
import { randomBytes } from 'node:crypto';
import type { KeyEnvironment } from '../keys/key-environment';

/** SQS's message size limit (256 KiB). */
export const MAX_QUEUE_MESSAGE_BYTES = 262_144;

export interface EventMessage {
  id: string;
  organizationId: string;
  environment: KeyEnvironment;
  type: string;
  timestamp: string;
  data: Record<string, unknown>;
}

/**
 * JSON for an SQS message body. SQS refuses some characters JSON leaves raw (U+FFFE, U+FFFF), so
 * everything beyond ASCII is written as a \uXXXX escape: the same JSON value, and always accepted.
 */
export function queueMessageJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

export const newEventId = () => `evt_${randomBytes(12).toString('hex')}`;
