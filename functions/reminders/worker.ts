/**
 * reminders-worker: the reminder queue's consumer. Each message is one reminder; a message whose
 * send failed is reported in `batchItemFailures`, so SQS hands only it out again (and after
 * maxReceiveCount moves it to the DLQ).
 */
import { setTimeout as delay } from 'node:timers/promises';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { DynamoNotificationStore } from '../adapters/dynamo-notification-store';
import { SesEmailSender } from '../adapters/ses-email-sender';
import { parseReminderMessage } from '../adapters/sqs-reminder-queue';
import { PLATFORM_METRICS } from '../definition/metrics';
import { sendReminder, type WorkerDeps } from '../domain/reminders/reminder-service';
import { pacedEmailSender } from '../domain/reminders/send-pacing';
import { rotationDueEvent } from '../domain/webhooks/key-events';
import { dynamoDb, sesV2 } from '../runtime/clients';
import { emailConfig, loadConfig, reminderPacingConfig, tableConfig } from '../runtime/config';
import { emit } from '../runtime/events';
import { logger } from '../runtime/logger';
import { countMetric, publishMetrics } from '../runtime/metrics';
import { keyStore, memberStore, organizationStore } from '../runtime/stores';

const deps: WorkerDeps = {
  keys: keyStore,
  organizations: organizationStore,
  members: memberStore,
  notifications: new DynamoNotificationStore(dynamoDb, loadConfig(tableConfig).TABLE_NAME),
  email: pacedEmailSender(new SesEmailSender(sesV2, loadConfig(emailConfig).EMAIL_SENDER), {
    intervalMsPerRecipient: Number(loadConfig(reminderPacingConfig).REMINDER_SEND_INTERVAL_MS ?? 0),
    now: Date.now,
    sleep: (ms) => delay(ms),
  }),
  rotationDue: ({ key }) => emit(rotationDueEvent(key)),
};

/**
 * Time a reminder may still need once started: the pacing wait (up to a few recipients' share of
 * the SES rate) and the send. A reminder is claimed before it is sent, so one cut off by the
 * timeout would be lost: those that may not fit are handed back to SQS unstarted instead.
 */
export const REMINDER_TIME_RESERVE_MS = 20_000;

export async function processReminderBatch(
  workerDeps: WorkerDeps,
  event: SQSEvent,
  remainingTimeMs: () => number = () => Number.POSITIVE_INFINITY,
): Promise<SQSBatchResponse> {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    if (remainingTimeMs() < REMINDER_TIME_RESERVE_MS) {
      batchItemFailures.push({ itemIdentifier: record.messageId });
      continue;
    }
    try {
      const outcome = await sendReminder(workerDeps, parseReminderMessage(record.body));
      logger.debug('Reminder processed', { messageId: record.messageId, outcome });
      if (outcome === 'sent') countMetric(PLATFORM_METRICS.names.remindersSent);
    } catch (error) {
      logger.error('Sending a reminder failed; SQS retries it', { messageId: record.messageId, error });
      countMetric(PLATFORM_METRICS.names.reminderFailures);
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  publishMetrics();
  return { batchItemFailures };
}

export const handler = middy<SQSEvent, SQSBatchResponse>().handler((event, context) =>
  processReminderBatch(deps, event, () => context.getRemainingTimeInMillis()),
);
