/**
 * The expiry schedule and the expiry flush, built once per instance from the environment. Only
 * functions whose needs say `scheduleKeyExpiry` (the key handlers), or that are the sweep or the
 * worker, call these.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { DynamoExpiryFlushState } from '../adapters/dynamo-expiry-flush-state';
import { DynamoExpirySchedule } from '../adapters/dynamo-expiry-schedule';
import { SqsExpiryQueue } from '../adapters/sqs-expiry-queue';
import { KEY_EXPIRY } from '../definition/key-expiry';
import { systemClock } from '../domain/clock';
import type { ExpiryFlushDeps } from '../domain/key-expiry/flush';
import { type ExpiryScheduleDeps, KeyExpiryScheduler } from '../domain/key-expiry/schedule';
import { authorizerCacheWithMetrics } from './authorizer-cache';
import { dynamoDb, sqs } from './clients';
import { expiryFlushConfig, keyExpiryQueueConfig, loadConfig, tableConfig } from './config';
import { logger } from './logger';

export function expiryScheduleDepsFromEnvironment(): ExpiryScheduleDeps {
  return {
    store: new DynamoExpirySchedule(dynamoDb, loadConfig(tableConfig).TABLE_NAME),
    queue: new SqsExpiryQueue(sqs, loadConfig(keyExpiryQueueConfig).KEY_EXPIRY_QUEUE_URL),
    clock: systemClock,
    horizonSeconds: KEY_EXPIRY.horizonSeconds,
  };
}

export function expirySchedulerFromEnvironment(): KeyExpiryScheduler {
  return new KeyExpiryScheduler(expiryScheduleDepsFromEnvironment(), (error) =>
    logger.error('Queueing a key expiry failed; the next sweep queues it', { error }),
  );
}

export function expiryFlushDepsFromEnvironment(): ExpiryFlushDeps {
  const window = loadConfig(expiryFlushConfig).EXPIRY_FLUSH_WINDOW_SECONDS;
  const windowSeconds = window === undefined ? KEY_EXPIRY.flushWindowSeconds : Number(window);
  if (windowSeconds > KEY_EXPIRY.maxFlushWindowSeconds) {
    throw new Error(
      `Invalid configuration: EXPIRY_FLUSH_WINDOW_SECONDS is at most ${KEY_EXPIRY.maxFlushWindowSeconds}.`,
    );
  }
  return {
    state: new DynamoExpiryFlushState(dynamoDb, loadConfig(tableConfig).TABLE_NAME),
    // A failed flush fails the message, so SQS retries it; a manual stop's flush only logs.
    cache: authorizerCacheWithMetrics((error) => {
      throw error;
    }),
    clock: systemClock,
    sleep: (ms) => delay(ms),
    windowMs: windowSeconds * 1000,
  };
}
