/**
 * Events from the platform's handlers: `emit` publishes on the events queue and never fails the
 * request that caused it once its own write is done; a queue outage is logged as an error (an
 * outbox would make it exact; see docs/design.md, "Consistency without transactions").
 */

import { AppError } from '../domain/errors';
import type { EventType } from '../domain/webhooks/catalog';
import { type EventInput, publishEvent } from '../domain/webhooks/publish';
import { logger } from './logger';
import { eventQueueFromEnvironment } from './webhooks';

const queue = eventQueueFromEnvironment();

export async function emit<Type extends EventType>(input: EventInput<Type>): Promise<void> {
  try {
    await publishEvent(queue, input);
  } catch (error) {
    // A catalog mismatch is a bug in the caller: loud, but the caller's write stands.
    logger.error('Publishing an event failed', {
      type: input.type,
      organizationId: input.organizationId,
      invalid: error instanceof AppError,
      error,
    });
  }
}
