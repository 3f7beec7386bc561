/** What SQS reports about a queue's hidden messages: delayed ones and in-flight ones. */
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';

export async function queueCounts(client: SQSClient, queueUrl: string) {
  const { Attributes = {} } = await client.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessagesDelayed', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return {
    delayed: Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0),
    inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
  };
}
