import type { SQSEvent } from 'aws-lambda';
import type { WorkerDeps } from '../../functions/domain/reminders/reminder-service';

// The worker module reads its configuration when loaded, as on a cold start.
Object.assign(process.env, {
  TABLE_NAME: 'table',
  EMAIL_SENDER: 'reminders@example.com',
  WEBHOOK_EVENT_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/events',
  AWS_REGION: 'us-east-1',
});

function untouchedDeps() {
  const reads: string[] = [];
  const deps = {
    keys: { get: async (keyId: string) => void reads.push(keyId) },
  } as unknown as WorkerDeps;
  return { deps, reads };
}

const batchOf = (...ids: string[]) =>
  ({ Records: ids.map((messageId) => ({ messageId, body: '{}' })) }) as unknown as SQSEvent;

describe('processReminderBatch', () => {
  it('hands back unstarted the reminders that may not finish before the timeout', async () => {
    const { processReminderBatch, REMINDER_TIME_RESERVE_MS } = await import('../../functions/reminders/worker');
    const { deps, reads } = untouchedDeps();

    const result = await processReminderBatch(deps, batchOf('m-1', 'm-2'), () => REMINDER_TIME_RESERVE_MS - 1);

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm-1' }, { itemIdentifier: 'm-2' }]);
    expect(reads).toEqual([]);
  });
});
