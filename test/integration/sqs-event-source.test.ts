/** The local SQS event source: real SQS events, deletes successes, leaves batchItemFailures for a retry. */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { LOCAL_CREDENTIALS } from '../../local/bootstrap';
import { startSqs } from '../../local/emulators/sqs';
import { LOCAL_REGION } from '../../local/gateway/events';
import { startSqsEventSource } from '../../local/sqs-event-source';

test('delivers a batch, deletes the successes and leaves the reported failures in flight', async () => {
  const sqs = await startSqs({});
  const client = new SQSClient({
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    endpoint: sqs.endpoint,
    useQueueUrlAsEndpoint: false,
  });
  try {
    const { QueueUrl } = await client.send(
      new CreateQueueCommand({ QueueName: 'source-test', Attributes: { VisibilityTimeout: '60' } }),
    );
    const queueUrl = QueueUrl as string;
    for (const body of ['ok', 'fail'])
      await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
    const events: SQSEvent[] = [];
    const source = startSqsEventSource({
      client,
      queueUrl,
      queueName: 'source-test',
      batchSize: 10,
      handler: async () => async (event) => {
        events.push(event);
        return {
          batchItemFailures: event.Records.filter((r) => r.body === 'fail').map((r) => ({
            itemIdentifier: r.messageId,
          })),
        };
      },
    });
    await source.drain();
    const records = events.flatMap((event) => event.Records);
    expect(records.map((record) => record.body).sort()).toEqual(['fail', 'ok']);
    expect(records[0]).toMatchObject({
      eventSource: 'aws:sqs',
      attributes: { ApproximateReceiveCount: '1' },
      receiptHandle: expect.any(String),
    });
    const { Attributes } = await client.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    expect(Attributes).toMatchObject({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '1' });
    expect(source.stats).toMatchObject({ deleted: 1, failed: 1 });
    await source.close();
  } finally {
    client.destroy();
    await sqs.close();
  }
});
