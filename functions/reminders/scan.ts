/**
 * reminders-scan: started by the schedule (EventBridge in AWS, a timer in `npm start`). Reads the
 * keys whose next reminder is due from the reminder index and queues one message per reminder.
 */
import { SqsReminderQueue } from '../adapters/sqs-reminder-queue';
import { type Clock, systemClock } from '../domain/clock';
import { scanForReminders } from '../domain/reminders/reminder-service';
import { sqs } from '../runtime/clients';
import { loadConfig, reminderQueueConfig } from '../runtime/config';
import { logger } from '../runtime/logger';
import { keyStore } from '../runtime/stores';

const queue = new SqsReminderQueue(sqs, loadConfig(reminderQueueConfig).REMINDER_QUEUE_URL);

/** The scheduled event carries nothing the scan needs; `now` (ISO) is for operators re-running a day. */
export const handler = async (event: { now?: string } = {}) => {
  const clock: Clock = event.now ? () => new Date(event.now as string) : systemClock;
  const result = await scanForReminders({ keys: keyStore, queue, clock });
  logger.info('Reminder scan done', { read: result.read, queued: result.queued.length });
  return { read: result.read, queued: result.queued.length };
};
