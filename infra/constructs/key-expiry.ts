/**
 * Exact key expiry under the authorizer cache: a schedule (every KEY_EXPIRY.sweepRateMinutes)
 * starts the sweep, which queues a delayed message per expiry within the next 15 minutes; the key
 * handlers queue nearer ones themselves. The worker consumes the queue with partial batch failures
 * and flushes the stage's authorizer cache; a message that keeps failing lands in the DLQ, whose
 * depth raises an alarm. The functions come from FUNCTIONS (`key-expiry-sweep`,
 * `key-expiry-worker`), their grants from their `needs` (infra/grants.ts).
 */
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { KEY_EXPIRY } from '../../functions/definition/key-expiry';
import { QUEUES } from '../../functions/definition/queues';
import type { expiryFlushConfig } from '../../functions/runtime/config';
import { ConsumerEventSource } from '../grants';
import { queueWithDeadLetterQueue } from './queue-with-dlq';

const EXPIRY_FLUSH_WINDOW_SECONDS: keyof typeof expiryFlushConfig = 'EXPIRY_FLUSH_WINDOW_SECONDS';

export interface KeyExpiryProps {
  removalPolicy?: RemovalPolicy;
  /** At most one expiry flush per stage per window (KEY_EXPIRY.flushWindowSeconds by default, at most 30 s). */
  flushWindow?: Duration;
  /** Where the DLQ alarm reports. */
  alarmAction?: cloudwatch.IAlarmAction;
}

export class KeyExpiry extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly deadLetterAlarm: cloudwatch.Alarm;
  /** Set by `connect`. */
  rule?: events.Rule;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: KeyExpiryProps = {},
  ) {
    super(scope, id);
    const window = props.flushWindow?.toSeconds();
    if (window !== undefined && (window < 0 || window > KEY_EXPIRY.maxFlushWindowSeconds)) {
      throw new Error(`keyExpiry.flushWindow must be 0–${KEY_EXPIRY.maxFlushWindowSeconds} seconds.`);
    }
    const queues = queueWithDeadLetterQueue(this, {
      definition: QUEUES['key-expiries'],
      ...(props.removalPolicy && { removalPolicy: props.removalPolicy }),
      alarmDescription:
        'Flushes after key expiries failed repeatedly: expired keys may have worked from the authorizer cache for up to its TTL. Check the key-expiry-worker logs.',
      ...(props.alarmAction && { alarmAction: props.alarmAction }),
    });
    this.queue = queues.queue;
    this.deadLetterQueue = queues.deadLetterQueue;
    this.deadLetterAlarm = queues.deadLetterAlarm;
  }

  /** Wires the schedule to the sweep and the queue to the worker. */
  connect(sweep: lambda.IFunction, worker: lambda.Function): void {
    this.rule = new events.Rule(this, 'Schedule', {
      description: 'Starts the key expiry sweep',
      schedule: events.Schedule.rate(Duration.minutes(KEY_EXPIRY.sweepRateMinutes)),
      targets: [new targets.LambdaFunction(sweep, { retryAttempts: 2 })],
    });
    const window = this.props.flushWindow?.toSeconds();
    if (window !== undefined) worker.addEnvironment(EXPIRY_FLUSH_WINDOW_SECONDS, String(window));
    worker.addEventSource(
      new ConsumerEventSource(this.queue, {
        batchSize: QUEUES['key-expiries'].batchSize,
        reportBatchItemFailures: true,
      }),
    );
  }
}
