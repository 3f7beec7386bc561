/** A queue of QUEUES with its dead-letter queue (both TLS-only, SQS-encrypted) and an alarm on the DLQ's depth. */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { QueueDefinition } from '../../functions/definition/queues';

export interface QueueWithDeadLetterQueueProps {
  definition: QueueDefinition;
  removalPolicy?: RemovalPolicy;
  /** What the DLQ alarm tells the operator to do. */
  alarmDescription: string;
  alarmAction?: cloudwatch.IAlarmAction;
  /** Prefixes the construct ids, for a scope holding more than one queue (`Events` → `EventsQueue`…). */
  idPrefix?: string;
  /** How long the queue keeps a message; SQS's default when unset. */
  retentionPeriod?: Duration;
}

export function queueWithDeadLetterQueue(scope: Construct, props: QueueWithDeadLetterQueueProps) {
  const removalPolicy = props.removalPolicy ?? RemovalPolicy.DESTROY;
  const prefix = props.idPrefix ?? '';
  const deadLetterQueue = new sqs.Queue(scope, `${prefix}DeadLetterQueue`, {
    retentionPeriod: Duration.days(props.definition.deadLetterRetentionDays),
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    removalPolicy,
  });
  const queue = new sqs.Queue(scope, `${prefix}Queue`, {
    visibilityTimeout: Duration.seconds(props.definition.visibilityTimeoutSeconds),
    ...(props.retentionPeriod && { retentionPeriod: props.retentionPeriod }),
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: props.definition.maxReceiveCount },
    removalPolicy,
  });
  const deadLetterAlarm = new cloudwatch.Alarm(scope, `${prefix}DeadLetterAlarm`, {
    alarmDescription: props.alarmDescription,
    metric: deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  if (props.alarmAction) deadLetterAlarm.addAlarmAction(props.alarmAction);
  return { queue, deadLetterQueue, deadLetterAlarm };
}
