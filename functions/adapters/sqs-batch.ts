/** Sending JSON messages to a queue, 10 per SendMessageBatch (the SQS maximum). */
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { queueMessageJson } from '../domain/webhooks/event-message';

export async function sendJsonBatches(client: SQSClient, queueUrl: string, messages: readonly unknown[], what: string) {
  for (let start = 0; start < messages.length; start += 10) {
    const batch = messages.slice(start, start + 10);
    const { Failed } = await client.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: batch.map((message, index) => ({ Id: String(index), MessageBody: queueMessageJson(message) })),
      }),
    );
    if (Failed && Failed.length > 0) {
      throw new Error(`SQS refused ${Failed.length} ${what} message(s): ${Failed.map((f) => f.Message).join('; ')}`);
    }
  }
}
