/**
 * The platform's queue consumers, locally: one SQS event source per queue of QUEUES a function of
 * FUNCTIONS consumes (reminders, webhook fan-out of both event queues, webhook delivery), as the
 * CDK stack's event source mappings are.
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import { consumedQueues, FUNCTIONS, type FunctionId, type FunctionNeeds } from '../functions/definition/functions';
import { QUEUES, type QueueId } from '../functions/definition/queues';
import { type SqsHandler, startSqsEventSource } from './sqs-event-source';

export type EventSource = ReturnType<typeof startSqsEventSource>;

export interface WorkerOptions {
  client: SQSClient;
  queueUrls: Record<QueueId, string>;
  load: (functionId: FunctionId) => Promise<SqsHandler>;
  /** Poll in the background (npm start), or only when a test calls `drain()`/`poll()`. */
  background: boolean;
  /** Parallel pollers per queue, as Lambda runs several batches at once. */
  concurrency?: Partial<Record<QueueId, number>>;
  /** Runs an event source's own SQS calls as its consumer function (the mapping polls with its role). */
  asConsumer?: <T>(functionId: FunctionId, call: () => Promise<T>) => Promise<T>;
}

export function startWorkers(options: WorkerOptions): Record<QueueId, EventSource> {
  const consumers = (Object.entries(FUNCTIONS) as [FunctionId, (typeof FUNCTIONS)[FunctionId]][]).flatMap(
    ([functionId, definition]) =>
      consumedQueues(definition.needs as FunctionNeeds).map((queueId) => ({ functionId, queueId })),
  );
  const sources = {} as Record<QueueId, EventSource>;
  for (const { functionId, queueId } of consumers) {
    sources[queueId] = startSqsEventSource({
      client: options.client,
      queueUrl: options.queueUrls[queueId],
      queueName: QUEUES[queueId].name,
      batchSize: QUEUES[queueId].batchSize,
      handler: () => options.load(functionId),
      background: options.background,
      concurrency: options.concurrency?.[queueId] ?? 1,
      onError: (error) => console.error(`${functionId} failed:`, error),
      // Queues' visibility timeouts are 6× their consumer's timeout (functions/definition/queues.ts).
      consumer: { functionName: functionId, timeoutMs: (QUEUES[queueId].visibilityTimeoutSeconds * 1000) / 6 },
      ...(options.asConsumer && { asConsumer: (call) => options.asConsumer?.(functionId, call) ?? call() }),
    });
  }
  return sources;
}
