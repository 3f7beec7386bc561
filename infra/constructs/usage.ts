/**
 * Usage and alarms. API Gateway's access logs are the source of usage statistics and the call log:
 * each stage logs to a Firehose stream that writes one object per usage window into the usage
 * bucket (constructs/access-log-delivery.ts); S3 notifies the `access-log-objects` queue of each
 * object, and usage-ingest consumes the queue (partial batch failures, a DLQ after
 * QUEUES['access-log-objects'].maxReceiveCount receives). usage-rollup runs hourly at HH:05, one
 * run at a time (reserved concurrency 1, infra/isolation.ts), and folds finished hours into day items.
 *
 * Alarms, as far as CloudWatch can express them:
 * - 5XX error rate per stage (`AWS/ApiGateway` 5XXError, average = share of requests);
 * - 4XX spikes per stage (anomaly detection on the 4XXError count);
 * - 429 spikes per stage (ApiKeyPlatform Status429, which usage-ingest emits in embedded metric
 *   format, since API Gateway has no 429 metric; it counts usage-plan throttles and the platform's
 *   own rate limits alike);
 * - access-log objects in the DLQ (usage and the call log miss their calls until redriven);
 * - Firehose late in writing the access log to S3 (it retries a failed delivery to S3 for 24
 *   hours, then drops the records; its error prefix only ever gets records a processor failed on);
 * - usage-rollup more than ROLLUP_LAG_ALARM_HOURS behind (its UsageRollupLagHours, one data point
 *   a run): day items, anomalies and the call index stop moving on while readers still see usage;
 * - throttles of every platform function (`AWS/Lambda` Throttles): a throttled authorizer means
 *   500s for callers, a throttled usage-ingest means late statistics.
 * Errors of usage-ingest and usage-rollup are alarmed with every function's (constructs/operations.ts).
 * The alarms have no action unless one is given: teams wire them to their own on-call.
 */
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { PLATFORM_METRICS } from '../../functions/definition/metrics';
import { QUEUES } from '../../functions/definition/queues';
import {
  USAGE_INGEST_MAX_AGE_HOURS,
  USAGE_RECENT_RETENTION_HOURS,
  USAGE_ROLLUP_GRACE_SECONDS,
} from '../../functions/definition/usage';
import type { StageStatusMetric } from '../../functions/domain/usage/ingest';
import { ConsumerEventSource } from '../grants';
import { AccessLogDelivery } from './access-log-delivery';
import { queueWithDeadLetterQueue } from './queue-with-dlq';

/** Where usage-ingest publishes the statuses it counts (embedded metric format); dimension `Stage`. */
export const ACCESS_LOG_METRICS_NAMESPACE = PLATFORM_METRICS.namespace;
export const THROTTLED_METRIC: StageStatusMetric = 'Status429';

/** Finished hours usage-rollup may have left after a run before its alarm raises. */
export const ROLLUP_LAG_ALARM_HOURS = 3;

/** HH:05 UTC: the hour before ended USAGE_ROLLUP_GRACE_SECONDS ago, so its windows are all written. */
export const USAGE_ROLLUP_SCHEDULE = `cron(${USAGE_ROLLUP_GRACE_SECONDS / 60} * * * ? *)`;

export interface UsageAlarmOptions {
  /** Share of a stage's requests answered 5XX that raises the alarm; 5% by default. */
  serverErrorRate?: number;
  /** Width of the anomaly band for 4XX and 429 spikes, in standard deviations; 3 by default. */
  spikeStdDevs?: number;
  /** Where every alarm reports, e.g. an SNS topic's action; none by default. */
  action?: cloudwatch.IAlarmAction;
}

export interface UsageProps {
  api: apigateway.IRestApi;
  /** The API's stage names (the definition's stages): alarms and widgets per stage. */
  stageNames: readonly string[];
  alarms?: UsageAlarmOptions;
  /** Of the bucket and the queues: the table's. */
  removalPolicy?: RemovalPolicy;
  /** The usage window: how long Firehose buffers the access log (USAGE_WINDOW_SECONDS by default, 60–900). */
  windowSeconds?: number;
}

export class Usage extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];
  /** The usage bucket and the stages' Firehose stream. */
  readonly delivery: AccessLogDelivery;
  /** One S3 notification per access-log object, consumed by usage-ingest. */
  readonly objectQueue: sqs.Queue;
  /**
   * Notifications of objects usage-ingest failed on QUEUES['access-log-objects'].maxReceiveCount
   * times. Redrive them to `objectQueue` once the cause is fixed, within USAGE_INGEST_MAX_AGE_HOURS
   * of the objects' creation: a window written again replaces itself, nothing counts twice; an
   * older object is dropped with a warning, since it can no longer be told whether it counted.
   */
  readonly objectDeadLetterQueue: sqs.Queue;
  /** Set by `connect`: usage-rollup's hourly schedule. */
  rollupRule?: events.Rule;
  private readonly options: UsageAlarmOptions;

  constructor(scope: Construct, id: string, props: UsageProps) {
    super(scope, id);
    this.options = props.alarms ?? {};
    const stdDevs = this.options.spikeStdDevs ?? 3;

    this.delivery = new AccessLogDelivery(this, 'AccessLogs', {
      ...(props.windowSeconds !== undefined && { windowSeconds: props.windowSeconds }),
      ...(props.removalPolicy && { removalPolicy: props.removalPolicy }),
    });
    const queues = queueWithDeadLetterQueue(this, {
      definition: QUEUES['access-log-objects'],
      idPrefix: 'AccessLogObject',
      ...(props.removalPolicy && { removalPolicy: props.removalPolicy }),
      alarmDescription: `Access-log objects failed usage-ingest repeatedly and their notifications are in the DLQ: usage, lastUsedAt and the call log miss those calls. Fix the cause (usage-ingest logs), then redrive the DLQ to its source queue within ${USAGE_INGEST_MAX_AGE_HOURS} hours of the objects' creation: usage-ingest drops older ones uncounted.`,
    });
    this.objectQueue = queues.queue;
    this.objectDeadLetterQueue = queues.deadLetterQueue;
    this.add(queues.deadLetterAlarm);
    this.delivery.notify(this.objectQueue);
    const freshnessLimit = this.delivery.windowSeconds + 15 * 60;
    this.add(
      new cloudwatch.Alarm(this, 'AccessLogDeliveryLate', {
        alarmDescription: `Firehose has held access-log records for over ${freshnessLimit / 60} minutes without writing them to the usage bucket: usage, lastUsedAt and the call log stop. Firehose retries a failed delivery to S3 for 24 hours and then drops the records for good (they do not go to the error prefix). Check the stream's DeliveryToS3 metrics and its role's access to the bucket.`,
        metric: new cloudwatch.Metric({
          namespace: 'AWS/Firehose',
          metricName: 'DeliveryToS3.DataFreshness',
          dimensionsMap: { DeliveryStreamName: this.delivery.stream.ref },
          statistic: cloudwatch.Stats.MAXIMUM,
          period: Duration.minutes(5),
        }),
        threshold: freshnessLimit,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );

    this.add(
      new cloudwatch.Alarm(this, 'RollupBehind', {
        alarmDescription: `usage-rollup has more than ${ROLLUP_LAG_ALARM_HOURS} finished hours of usage windows left to fold into day items: anomalies, the call index and lastUsedAt fall behind, and windows older than ${USAGE_RECENT_RETENTION_HOURS} hours expire uncounted. Read usage-rollup's errors ('Rolling up a shard failed'). Also raised when the rollup reported nothing for 2 hours (it did not run).`,
        metric: new cloudwatch.Metric({
          namespace: PLATFORM_METRICS.namespace,
          metricName: PLATFORM_METRICS.names.usageRollupLagHours,
          dimensionsMap: { service: PLATFORM_METRICS.service },
          statistic: cloudwatch.Stats.MAXIMUM,
          period: Duration.hours(1),
        }),
        threshold: ROLLUP_LAG_ALARM_HOURS,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        // Each run emits the metric (0 included), once an hour: two hours without it means the
        // rollup did not run (schedule disabled, failing before its metric), which is as bad.
        evaluationPeriods: 2,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      }),
    );

    for (const stage of props.stageNames) {
      const dimensionsMap = { ApiName: props.api.restApiName, Stage: stage };
      const apiMetric = (metricName: string, statistic: string, period: Duration) =>
        new cloudwatch.Metric({ namespace: 'AWS/ApiGateway', metricName, dimensionsMap, statistic, period });

      this.add(
        new cloudwatch.Alarm(this, `ServerErrorRate-${stage}`, {
          alarmDescription: `More than ${percent(this.options.serverErrorRate ?? 0.05)} of the ${stage} stage's requests failed with a 5XX in 3 of the last 5 minutes.`,
          metric: apiMetric('5XXError', cloudwatch.Stats.AVERAGE, Duration.minutes(1)),
          threshold: this.options.serverErrorRate ?? 0.05,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 5,
          datapointsToAlarm: 3,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
      this.add(
        new cloudwatch.AnomalyDetectionAlarm(this, `ClientErrorSpike-${stage}`, {
          alarmDescription: `The ${stage} stage's 4XX answers rose above their usual band (${stdDevs} standard deviations) in 2 of the last 3 five-minute periods: broken clients, a key rolled out wrongly, or someone guessing keys.`,
          metric: apiMetric('4XXError', cloudwatch.Stats.SUM, Duration.minutes(5)),
          stdDevs,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_UPPER_THRESHOLD,
          evaluationPeriods: 3,
          datapointsToAlarm: 2,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
      this.add(
        new cloudwatch.AnomalyDetectionAlarm(this, `ThrottledSpike-${stage}`, {
          alarmDescription: `The ${stage} stage answered more 429s than usual (${stdDevs} standard deviations) in 2 of the last 3 five-minute periods: organizations at their plan's limit or keys at their own.`,
          metric: new cloudwatch.Metric({
            namespace: ACCESS_LOG_METRICS_NAMESPACE,
            metricName: THROTTLED_METRIC,
            dimensionsMap: { Stage: stage },
            statistic: cloudwatch.Stats.SUM,
            period: Duration.minutes(5),
          }),
          stdDevs,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_UPPER_THRESHOLD,
          evaluationPeriods: 3,
          datapointsToAlarm: 2,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
    }
  }

  /**
   * Wires the object queue to usage-ingest, the hourly schedule to usage-rollup, and the throttle
   * alarms of every platform function.
   */
  connect(props: {
    ingest: lambda.Function;
    rollup: lambda.Function;
    functions: Record<string, lambda.IFunction>;
  }): void {
    props.ingest.addEventSource(
      new ConsumerEventSource(this.objectQueue, {
        batchSize: QUEUES['access-log-objects'].batchSize,
        reportBatchItemFailures: true,
      }),
    );
    this.rollupRule = new events.Rule(this, 'RollupSchedule', {
      description: 'Starts usage-rollup: folds the finished hour into day items',
      schedule: events.Schedule.expression(USAGE_ROLLUP_SCHEDULE),
      // A run that fails is retried; the next hour's run also picks up every hour still due.
      targets: [new targets.LambdaFunction(props.rollup, { retryAttempts: 2, maxEventAge: Duration.hours(1) })],
    });
    // A run Lambda throttles (one runs at a time) or that fails waits at most until the next run.
    props.rollup.configureAsyncInvoke({ retryAttempts: 2, maxEventAge: Duration.hours(1) });
    for (const [functionId, fn] of Object.entries(props.functions)) {
      this.add(
        new cloudwatch.Alarm(this, `Throttles-${functionId}`, {
          alarmDescription: `Lambda throttled the ${functionId} function in the last 5 minutes; raise its concurrency or the account's.`,
          metric: fn.metricThrottles({ statistic: cloudwatch.Stats.SUM, period: Duration.minutes(5) }),
          threshold: 0,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
    }
  }

  private add(alarm: cloudwatch.Alarm): void {
    if (this.options.action) alarm.addAlarmAction(this.options.action);
    this.alarms.push(alarm);
  }
}

const percent = (share: number) => `${Math.round(share * 1000) / 10}%`;
