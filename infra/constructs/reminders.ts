/**
 * Rotation reminders: a schedule (daily by default) starts the scan function, which puts one
 * message per due reminder on the reminder queue; the worker consumes it with partial batch
 * failures, and a message that keeps failing lands in the DLQ, whose depth raises an alarm.
 * The functions themselves come from FUNCTIONS (`reminders-scan`, `reminders-worker`); their
 * queue and SES grants from their `needs` (infra/grants.ts).
 */
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { QUEUES, REMINDER_SCAN_RATE_MINUTES } from '../../functions/definition/queues';
import { ConsumerEventSource } from '../grants';
import { queueWithDeadLetterQueue } from './queue-with-dlq';

export interface RemindersOptions {
  /** The From address of reminder emails; a verified SES identity (or an address of a verified domain). */
  senderAddress: string;
  /**
   * The SES identity the team verified, when it is neither the address nor its domain (say, a parent
   * domain). Send permission covers the address and its domain anyway, for the sender address only.
   */
  senderIdentity?: string;
  /** The region of the SES identity; the stack's region by default. */
  sesRegion?: string;
  /**
   * The account's SES maximum send rate in that region (recipients a second; 1 in the SES sandbox,
   * 14 or more in production): the workers pace their sends to stay under it. 1 by default.
   */
  sesSendRate?: number;
  /** When the scan runs; daily (REMINDER_SCAN_RATE_MINUTES) by default. */
  schedule?: events.Schedule;
  /** Where the DLQ alarm reports, e.g. an SNS topic's action; none by default. */
  alarmAction?: cloudwatch.IAlarmAction;
}

export interface RemindersProps {
  removalPolicy?: RemovalPolicy;
  /** Without options (no sender address) the queue and functions exist, but the schedule is off. */
  options?: RemindersOptions;
  /** Where the DLQ alarm reports; the options' alarmAction, else the platform's alarm action. */
  alarmAction?: cloudwatch.IAlarmAction;
}

export class Reminders extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly deadLetterAlarm: cloudwatch.Alarm;
  /** Set by `connect`. */
  rule?: events.Rule;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: RemindersProps = {},
  ) {
    super(scope, id);
    const queues = queueWithDeadLetterQueue(this, {
      definition: QUEUES.reminders,
      ...(props.removalPolicy && { removalPolicy: props.removalPolicy }),
      alarmDescription: 'Rotation reminders failed repeatedly and are in the DLQ: check the worker logs, then redrive.',
      ...(props.alarmAction && { alarmAction: props.alarmAction }),
    });
    this.queue = queues.queue;
    this.deadLetterQueue = queues.deadLetterQueue;
    this.deadLetterAlarm = queues.deadLetterAlarm;
  }

  /** Wires the schedule to the scan and the queue to the worker. */
  connect(scan: lambda.IFunction, worker: lambda.IFunction): void {
    this.rule = new events.Rule(this, 'Schedule', {
      description: 'Starts the rotation reminder scan',
      schedule: this.props.options?.schedule ?? events.Schedule.rate(Duration.minutes(REMINDER_SCAN_RATE_MINUTES)),
      enabled: this.props.options !== undefined,
      targets: [new targets.LambdaFunction(scan, { retryAttempts: 2 })],
    });
    worker.addEventSource(
      new ConsumerEventSource(this.queue, { batchSize: QUEUES.reminders.batchSize, reportBatchItemFailures: true }),
    );
  }
}
