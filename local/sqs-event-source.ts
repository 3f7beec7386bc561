/**
 * What a Lambda SQS event source mapping does, locally: long-polls a queue with the real SQS
 * client, invokes the consumer with a real SQS event, deletes the messages that succeeded and
 * honours `batchItemFailures` (ReportBatchItemFailures): a failed message is left alone, so it
 * reappears after the visibility timeout, and fauxqs moves it to the DLQ after the queue's
 * maxReceiveCount (its RedrivePolicy, set from QUEUES by the bootstrap). A handler that throws
 * fails the whole batch, as in AWS.
 */
import { DeleteMessageBatchCommand, type Message, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION, lambdaContext } from './gateway/events';

export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined>;

export interface SqsEventSourceOptions {
  client: SQSClient;
  queueUrl: string;
  queueName: string;
  /** The consumer, loaded on the first message. */
  handler: () => Promise<SqsHandler>;
  batchSize: number;
  /** Long-poll wait; 0 makes `poll()` return at once (tests). */
  waitTimeSeconds?: number;
  /** Start the background loop; without it, call `drain()`. */
  background?: boolean;
  /** Background pollers running at once (Lambda polls with several and runs batches in parallel). */
  concurrency?: number;
  /**
   * ReceiveMessage's VisibilityTimeout: how long the messages of a batch stay hidden from other
   * consumers, instead of the queue's setting. A test knob standing in for a shorter queue setting
   * (the deliveries queue's 360 s is too long to wait out after killing a worker); unset, the
   * queue's VisibilityTimeout applies, as with a Lambda event source mapping.
   */
  visibilityTimeoutSeconds?: number;
  onError?: (error: unknown) => void;
  /** The consumer's name and timeout, for the Lambda context it is invoked with. */
  consumer?: { functionName: string; timeoutMs: number };
  /**
   * Runs the event source's own receives and deletes as the consumer function: a Lambda event
   * source mapping polls with the function's execution role (local IAM enforcement checks it).
   */
  asConsumer?: <T>(call: () => Promise<T>) => Promise<T>;
}

export function startSqsEventSource(options: SqsEventSourceOptions) {
  let stopped = false;
  const stats = { invocations: 0, deleted: 0, failed: 0 };
  const eventSourceARN = `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:${options.queueName}`;
  const asConsumer = options.asConsumer ?? ((call) => call());

  /** One receive and one invocation; the number of messages received. */
  const poll = async (waitTimeSeconds = options.waitTimeSeconds ?? 10): Promise<number> => {
    const { Messages = [] } = await asConsumer(() =>
      options.client.send(
        new ReceiveMessageCommand({
          QueueUrl: options.queueUrl,
          MaxNumberOfMessages: Math.min(options.batchSize, 10),
          WaitTimeSeconds: waitTimeSeconds,
          ...(options.visibilityTimeoutSeconds !== undefined && {
            VisibilityTimeout: options.visibilityTimeoutSeconds,
          }),
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
      ),
    );
    if (Messages.length === 0) return 0;
    const records = Messages.map((message) => toRecord(message, eventSourceARN));
    const handler = await options.handler();
    stats.invocations++;
    let failedIds: Set<string>;
    try {
      const consumer = options.consumer ?? { functionName: options.queueName, timeoutMs: 60_000 };
      const response = await handler({ Records: records }, lambdaContext(consumer.functionName, consumer.timeoutMs));
      failedIds = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
    } catch (error) {
      options.onError?.(error);
      failedIds = new Set(records.map((record) => record.messageId));
    }
    const succeeded = Messages.filter((message) => !failedIds.has(message.MessageId as string));
    stats.failed += Messages.length - succeeded.length;
    if (succeeded.length > 0) {
      await asConsumer(() =>
        options.client.send(
          new DeleteMessageBatchCommand({
            QueueUrl: options.queueUrl,
            Entries: succeeded.map((message, index) => ({
              Id: String(index),
              ReceiptHandle: message.ReceiptHandle as string,
            })),
          }),
        ),
      );
      stats.deleted += succeeded.length;
    }
    return Messages.length;
  };

  /** Delivers until a receive comes back empty (failed messages wait out their visibility timeout). */
  const drain = async () => {
    while ((await poll(0)) > 0) {}
  };

  const pollForever = async () => {
    while (!stopped) {
      try {
        await poll(1);
      } catch (error) {
        if (stopped) break;
        options.onError?.(error);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  };
  const loops = options.background
    ? Array.from({ length: Math.max(1, options.concurrency ?? 1) }, () => pollForever())
    : [];

  return {
    poll,
    drain,
    stats,
    close: async () => {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

function toRecord(message: Message, eventSourceARN: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId as string,
    receiptHandle: message.ReceiptHandle as string,
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? LOCAL_ACCOUNT_ID,
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN,
    awsRegion: LOCAL_REGION,
  };
}
