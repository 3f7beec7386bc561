/**
 * key-expiry-worker: the key-expiries queue's consumer. Each message is an expiry; the worker
 * flushes the stage's authorizer cache once it has passed, at most once per flush window per
 * stage. A message whose flush failed is reported in `batchItemFailures`, so SQS retries it.
 */
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { parseExpiryMessage } from '../adapters/sqs-expiry-queue';
import { type ExpiryFlushDeps, flushBatch } from '../domain/key-expiry/flush';
import { expiryFlushDepsFromEnvironment } from '../runtime/key-expiry';
import { logger } from '../runtime/logger';

const deps = expiryFlushDepsFromEnvironment();

export async function processExpiryBatch(flushDeps: ExpiryFlushDeps, event: SQSEvent): Promise<SQSBatchResponse> {
  const failed: string[] = [];
  const messages = event.Records.flatMap((record) => {
    try {
      return [{ id: record.messageId, message: parseExpiryMessage(record.body) }];
    } catch (error) {
      logger.error('Not a key expiry message; it goes to the DLQ after its retries', {
        messageId: record.messageId,
        error,
      });
      failed.push(record.messageId);
      return [];
    }
  });
  const result = await flushBatch(flushDeps, messages, (messageId, error) =>
    logger.error('Flushing after a key expiry failed; SQS retries it', { messageId, error }),
  );
  logger.info('Key expiries handled', {
    flushed: result.outcomes.filter((outcome) => outcome === 'flushed').length,
    covered: result.outcomes.filter((outcome) => outcome === 'covered').length,
  });
  return { batchItemFailures: [...failed, ...result.failed].map((itemIdentifier) => ({ itemIdentifier })) };
}

export const handler = middy<SQSEvent, SQSBatchResponse>().handler((event) => processExpiryBatch(deps, event));
