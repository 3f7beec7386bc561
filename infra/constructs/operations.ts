/**
 * What an operator watches: the alarms the other constructs do not raise themselves, and one
 * CloudWatch dashboard for the platform.
 *
 * Alarms (each about $0.10 a month):
 * - errors of every function (`AWS/Lambda` Errors): an authorizer error is a 500 for its caller, a
 *   worker's is a batch that comes back;
 * - the authorizer's p99 duration: it is on the path of every uncached request;
 * - DynamoDB throttles of the table and of each index (an index that throttles throttles the
 *   table's writes too, revokes included);
 * - the age of the reminder queue's and the access-log object queue's oldest message, and the
 *   deliveries queue's visible backlog (delivery messages wait hidden between attempts, so only the
 *   visible ones are late);
 * - authorizer cache flushes that failed after their retries (the platform's own EMF metric).
 *
 * The dashboard shows the authorizer, the cache flushes, 4XX/5XX/429 per stage, the queues' ages
 * and the DLQs' depths, the webhook delivery success rate and the reminders sent.
 */
import { Duration } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { PLATFORM_METRICS, type PlatformMetricName } from '../../functions/definition/metrics';
import { TABLE_SCHEMA } from '../../functions/definition/table';
import { ACCESS_LOG_METRICS_NAMESPACE, THROTTLED_METRIC } from './usage';

export interface OperationsAlarmOptions {
  /** The authorizer's p99 duration over 5 minutes that raises the alarm; 1 s by default (its timeout is 5 s). */
  authorizerP99?: Duration;
  /** Visible delivery messages (due now, not yet taken) that raise the backlog alarm; 1,000 by default. */
  deliveryBacklog?: number;
  /** The age of the oldest reminder message that raises the alarm; 6 hours by default (the scan runs daily). */
  reminderAge?: Duration;
}

export interface OperationsProps {
  api: apigateway.IRestApi;
  functions: Record<string, lambda.IFunction>;
  /** The API's stage names (the definition's stages): alarms and widgets per stage. */
  stageNames: readonly string[];
  table: dynamodb.ITable;
  reminderQueue: sqs.IQueue;
  deliveryQueue: sqs.IQueue;
  /** S3's notifications of access-log objects, which usage-ingest consumes. */
  accessLogObjectQueue: sqs.IQueue;
  /** Queues whose oldest message's age the dashboard shows, by name. */
  queues: Record<string, sqs.IQueue>;
  /** Dead-letter queues whose depth the dashboard shows, by name. */
  deadLetterQueues: Record<string, sqs.IQueue>;
  alarms?: OperationsAlarmOptions;
  /** The dashboard's name; CloudFormation names it by default. */
  dashboardName?: string;
}

const FIVE_MINUTES = Duration.minutes(5);

/** One of the platform's own EMF metrics (functions/definition/metrics.ts). */
export function platformMetric(metricName: PlatformMetricName, label?: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: PLATFORM_METRICS.namespace,
    metricName,
    dimensionsMap: { service: PLATFORM_METRICS.service },
    statistic: cloudwatch.Stats.SUM,
    period: FIVE_MINUTES,
    ...(label && { label }),
  });
}

export class Operations extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    const options = props.alarms ?? {};
    const authorizer = props.functions.authorizer;
    if (!authorizer) throw new Error('Operations needs the authorizer function');

    for (const [functionId, fn] of Object.entries(props.functions)) {
      // The authorizer throws `Unauthorized` for every refused key, which Lambda counts as an error:
      // its real failures show as API Gateway 5XX (AUTHORIZER_FAILURE) and in its Throttles alarm.
      if (fn === authorizer) continue;
      this.alarm(`Errors-${functionId}`, {
        alarmDescription: `The ${functionId} function failed (an error, a timeout or running out of memory) in the last 5 minutes; see its log group.`,
        metric: fn.metricErrors({ statistic: cloudwatch.Stats.SUM, period: FIVE_MINUTES }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
      });
    }

    this.alarm('AccessLogObjectAge', {
      alarmDescription:
        'An access-log object has waited over 15 minutes for usage-ingest: usage, the call log and lastUsedAt fall behind. usage-ingest is failing (see its errors alarm and logs) or its cap (QUEUES access-log-objects maxConcurrency, concurrency.usageIngestReserved) is too small for the traffic.',
      metric: props.accessLogObjectQueue.metricApproximateAgeOfOldestMessage({
        statistic: cloudwatch.Stats.MAXIMUM,
        period: FIVE_MINUTES,
      }),
      threshold: 15 * 60,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
    });

    const p99 = options.authorizerP99 ?? Duration.seconds(1);
    this.alarm('AuthorizerP99Duration', {
      alarmDescription: `The authorizer's p99 duration was over ${p99.toMilliseconds()} ms in 3 of the last 5 five-minute periods: every uncached request waits for it. Check DynamoDB latency and cold starts.`,
      metric: authorizer.metricDuration({ statistic: cloudwatch.Stats.p(99), period: FIVE_MINUTES }),
      threshold: p99.toMilliseconds(),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
    });

    const throttleMetrics = (indexName?: string) =>
      ['ReadThrottleEvents', 'WriteThrottleEvents'].map(
        (metricName) =>
          new cloudwatch.Metric({
            namespace: 'AWS/DynamoDB',
            metricName,
            dimensionsMap: {
              TableName: props.table.tableName,
              ...(indexName && { GlobalSecondaryIndexName: indexName }),
            },
            statistic: cloudwatch.Stats.SUM,
            period: FIVE_MINUTES,
          }),
      );
    const throttleTargets: [string, string | undefined][] = [
      ['table', undefined],
      ...TABLE_SCHEMA.globalSecondaryIndexes.map((index): [string, string] => [index.indexName, index.indexName]),
    ];
    for (const [name, indexName] of throttleTargets) {
      const [reads, writes] = throttleMetrics(indexName) as [cloudwatch.Metric, cloudwatch.Metric];
      this.alarm(`DynamoDbThrottles-${name}`, {
        alarmDescription: `DynamoDB throttled reads or writes of the ${indexName ? `${indexName} index (its throttles hold back the table's writes too)` : 'table'} in 2 of the last 3 five-minute periods: a hot partition.`,
        metric: new cloudwatch.MathExpression({
          expression: 'reads + writes',
          usingMetrics: { reads, writes },
          period: FIVE_MINUTES,
          label: `${name} throttle events`,
        }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
      });
    }

    const reminderAge = options.reminderAge ?? Duration.hours(6);
    this.alarm('ReminderQueueAge', {
      alarmDescription: `A rotation reminder has waited over ${reminderAge.toHours()} hours: reminders-worker is failing, throttled or held back by the SES send rate.`,
      metric: props.reminderQueue.metricApproximateAgeOfOldestMessage({
        statistic: cloudwatch.Stats.MAXIMUM,
        period: FIVE_MINUTES,
      }),
      threshold: reminderAge.toSeconds(),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
    });

    const backlog = options.deliveryBacklog ?? 1_000;
    this.alarm('DeliveryBacklog', {
      alarmDescription: `Over ${backlog} webhook deliveries are due and waiting for a worker for 15 minutes: deliveries are late for every tenant (slow receivers hold the workers, or webhook-delivery is throttled).`,
      metric: props.deliveryQueue.metricApproximateNumberOfMessagesVisible({
        statistic: cloudwatch.Stats.MINIMUM,
        period: FIVE_MINUTES,
      }),
      threshold: backlog,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
    });

    this.alarm('AuthorizerCacheFlushFailures', {
      alarmDescription:
        'An authorizer cache flush failed after its retries: a key stopped in the last 5 minutes may work on from the cache for up to its TTL. See the key handlers’ and key-expiry-worker’s logs.',
      metric: platformMetric(PLATFORM_METRICS.names.authorizerCacheFlushFailures),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
    });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      ...(props.dashboardName && { dashboardName: props.dashboardName }),
      defaultInterval: Duration.hours(3),
      widgets: [
        this.authorizerWidgets(authorizer),
        this.stageWidgets(props.api, props.stageNames),
        this.queueWidgets(props),
        this.deliveryAndReminderWidgets(props),
      ],
    });
  }

  private alarm(id: string, props: Omit<cloudwatch.AlarmProps, 'treatMissingData'>): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, {
      ...props,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.alarms.push(alarm);
    return alarm;
  }

  private authorizerWidgets(authorizer: lambda.IFunction): cloudwatch.IWidget[] {
    const duration = (stat: string) =>
      authorizer.metricDuration({ statistic: stat, period: Duration.minutes(1), label: `${stat} duration` });
    return [
      new cloudwatch.GraphWidget({
        title: 'Authorizer latency (ms)',
        left: [duration('p50'), duration('p99'), duration(cloudwatch.Stats.MAXIMUM)],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Authorizer invocations, errors, throttles',
        left: [authorizer.metricInvocations({ period: Duration.minutes(1) })],
        right: [
          authorizer.metricErrors({ period: Duration.minutes(1) }),
          authorizer.metricThrottles({ period: Duration.minutes(1) }),
        ],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Authorizer cache flushes (per stage)',
        left: [
          platformMetric(PLATFORM_METRICS.names.authorizerCacheFlushes, 'flushed'),
          platformMetric(PLATFORM_METRICS.names.authorizerCacheFlushFailures, 'failed after retries'),
        ],
        width: 8,
      }),
    ];
  }

  private stageWidgets(api: apigateway.IRestApi, stageNames: readonly string[]): cloudwatch.IWidget[] {
    return stageNames.map((stage) => {
      const dimensionsMap = { ApiName: api.restApiName, Stage: stage };
      const apiMetric = (metricName: string, label: string) =>
        new cloudwatch.Metric({
          namespace: 'AWS/ApiGateway',
          metricName,
          dimensionsMap,
          statistic: cloudwatch.Stats.SUM,
          period: Duration.minutes(1),
          label,
        });
      return new cloudwatch.GraphWidget({
        title: `${stage} stage: requests and errors`,
        left: [apiMetric('Count', 'requests')],
        right: [
          apiMetric('4XXError', '4XX'),
          apiMetric('5XXError', '5XX'),
          new cloudwatch.Metric({
            namespace: ACCESS_LOG_METRICS_NAMESPACE,
            metricName: THROTTLED_METRIC,
            dimensionsMap: { Stage: stage },
            statistic: cloudwatch.Stats.SUM,
            period: Duration.minutes(1),
            label: '429',
          }),
        ],
        width: 24 / stageNames.length,
      });
    });
  }

  private queueWidgets(props: OperationsProps): cloudwatch.IWidget[] {
    return [
      new cloudwatch.GraphWidget({
        title: 'Oldest message per queue (s)',
        left: Object.entries(props.queues).map(([name, queue]) =>
          queue.metricApproximateAgeOfOldestMessage({
            statistic: cloudwatch.Stats.MAXIMUM,
            period: Duration.minutes(1),
            label: name,
          }),
        ),
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Dead-letter queue depths',
        left: Object.entries(props.deadLetterQueues).map(([name, queue]) =>
          queue.metricApproximateNumberOfMessagesVisible({
            statistic: cloudwatch.Stats.MAXIMUM,
            period: Duration.minutes(5),
            label: name,
          }),
        ),
        width: 12,
      }),
    ];
  }

  private deliveryAndReminderWidgets(props: OperationsProps): cloudwatch.IWidget[] {
    const attempts = platformMetric(PLATFORM_METRICS.names.webhookAttempts, 'attempts');
    const succeeded = platformMetric(PLATFORM_METRICS.names.webhookAttemptsSucceeded, 'succeeded');
    return [
      new cloudwatch.GraphWidget({
        title: 'Webhook delivery attempts and success rate (%)',
        left: [attempts, succeeded],
        right: [
          new cloudwatch.MathExpression({
            expression: 'IF(attempts > 0, 100 * succeeded / attempts)',
            usingMetrics: { attempts, succeeded },
            period: FIVE_MINUTES,
            label: 'success rate',
          }),
        ],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Webhook deliveries waiting for a worker',
        left: [
          props.deliveryQueue.metricApproximateNumberOfMessagesVisible({
            statistic: cloudwatch.Stats.MAXIMUM,
            period: Duration.minutes(1),
            label: 'due, waiting',
          }),
          props.deliveryQueue.metricApproximateNumberOfMessagesNotVisible({
            statistic: cloudwatch.Stats.MAXIMUM,
            period: Duration.minutes(1),
            label: 'in flight or waiting to retry',
          }),
        ],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Rotation reminders',
        left: [
          platformMetric(PLATFORM_METRICS.names.remindersSent, 'sent'),
          platformMetric(PLATFORM_METRICS.names.reminderFailures, 'failed, retried'),
        ],
        width: 8,
      }),
    ];
  }
}
