/**
 * Usage and alarms. API Gateway's access logs are the source of usage statistics and the call log:
 * each stage's access log group is subscribed to the usage-ingest function, which turns every batch
 * CloudWatch Logs delivers into counters and call log items.
 *
 * Alarms, as far as CloudWatch can express them:
 * - 5XX error rate per stage (`AWS/ApiGateway` 5XXError, average = share of requests);
 * - 4XX spikes per stage (anomaly detection on the 4XXError count);
 * - 429 spikes per stage (a metric filter on the access log, since API Gateway has no 429 metric;
 *   it counts usage-plan throttles and the platform's own rate limits alike);
 * - throttles of every platform function (`AWS/Lambda` Throttles): a throttled authorizer means
 *   500s for callers, a throttled usage-ingest means late statistics.
 * The alarms have no action unless one is given: teams wire them to their own on-call.
 */
import { Duration } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { LambdaDestination } from 'aws-cdk-lib/aws-logs-destinations';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** Where the access-log metric filter publishes; dimension `Stage`. */
export const ACCESS_LOG_METRICS_NAMESPACE = 'ApiKeyPlatform';
export const THROTTLED_METRIC = 'Status429';

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
  ingestFunction: lambda.IFunction;
  /** The functions whose throttles are alarmed, by id. */
  functions: Record<string, lambda.IFunction>;
  /** The API's stage names (the definition's stages): alarms and widgets per stage. */
  stageNames: readonly string[];
  alarms?: UsageAlarmOptions;
}

export class Usage extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];
  /**
   * Access log batches usage-ingest failed on after Lambda's two retries, as async invocation
   * records (`requestPayload` is the batch as delivered): redrive them by invoking usage-ingest
   * with the payload. A batch already counted is skipped, so a redrive counts nothing twice.
   */
  readonly ingestDeadLetterQueue: sqs.Queue;
  readonly subscriptions: logs.SubscriptionFilter[] = [];
  private readonly ingestFunction: lambda.IFunction;
  private readonly options: UsageAlarmOptions;
  private throttleAlarmsAdded = false;
  private readonly stageNames: readonly string[];

  constructor(scope: Construct, id: string, props: UsageProps) {
    super(scope, id);
    this.ingestFunction = props.ingestFunction;
    this.options = props.alarms ?? {};
    this.stageNames = props.stageNames;
    const stdDevs = this.options.spikeStdDevs ?? 3;

    // CloudWatch Logs invokes usage-ingest asynchronously: without a destination, a batch that
    // fails three times is dropped with no trace but the function's error count.
    this.ingestDeadLetterQueue = new sqs.Queue(this, 'IngestDeadLetterQueue', {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    // SendMessage alone: SqsDestination would grant GetQueueUrl and GetQueueAttributes too.
    props.ingestFunction.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.ingestDeadLetterQueue.queueArn] }),
    );
    props.ingestFunction.configureAsyncInvoke({
      onFailure: { bind: () => ({ destination: this.ingestDeadLetterQueue.queueArn }) },
      retryAttempts: 2,
      // Lambda keeps a throttled event (usage-ingest's concurrency is capped) for up to this long.
      maxEventAge: Duration.hours(6),
    });
    this.add(
      new cloudwatch.Alarm(this, 'IngestDeadLetterAlarm', {
        alarmDescription:
          'Access log batches failed usage-ingest three times and are in its DLQ: usage statistics and the call log miss them. Check the usage-ingest logs, then invoke usage-ingest with each record’s requestPayload.',
        metric: this.ingestDeadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
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
    }

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

  /**
   * Subscribes an access log group (in ACCESS_LOG_FORMAT) to usage-ingest and counts its 429s. A
   * log group takes at most two subscription filters; the stages may share one group.
   */
  ingestAccessLogs(logGroup: logs.ILogGroup): logs.SubscriptionFilter {
    const index = this.subscriptions.length;
    const subscription = new logs.SubscriptionFilter(this, `AccessLogSubscription${index}`, {
      logGroup,
      destination: new LambdaDestination(this.ingestFunction),
      filterPattern: logs.FilterPattern.allEvents(),
    });
    this.subscriptions.push(subscription);
    new logs.MetricFilter(this, `Throttled429Filter${index}`, {
      logGroup,
      filterPattern: logs.FilterPattern.stringValue('$.status', '=', '429'),
      metricNamespace: ACCESS_LOG_METRICS_NAMESPACE,
      metricName: THROTTLED_METRIC,
      metricValue: '1',
      dimensions: { Stage: '$.stage' },
      unit: cloudwatch.Unit.COUNT,
    });
    if (!this.throttleAlarmsAdded) {
      this.throttleAlarmsAdded = true;
      const stdDevs = this.options.spikeStdDevs ?? 3;
      for (const stage of this.stageNames) {
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
    return subscription;
  }

  private add(alarm: cloudwatch.Alarm): void {
    if (this.options.action) alarm.addAlarmAction(this.options.action);
    this.alarms.push(alarm);
  }
}

const percent = (share: number) => `${Math.round(share * 1000) / 10}%`;
