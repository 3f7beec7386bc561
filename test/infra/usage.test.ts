/**
 * The usage pipeline in the template: stages → Firehose → the usage bucket → S3 notifications →
 * the access-log object queue → usage-ingest; the hourly usage-rollup; the bucket grants; the alarms.
 */
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { ACCESS_LOG_FORMAT } from '../../functions/definition/access-log';
import { FUNCTIONS, type FunctionId, type FunctionNeeds } from '../../functions/definition/functions';
import { PLATFORM_METRICS } from '../../functions/definition/metrics';
import { QUEUES } from '../../functions/definition/queues';
import {
  ACCESS_LOG_OBJECT_PREFIX,
  ACCESS_LOG_OBJECT_RETENTION_DAYS,
  CALL_LOG_OBJECT_PREFIX,
  CALL_LOG_OBJECT_RETENTION_DAYS,
  USAGE_INGEST_MAX_AGE_HOURS,
  USAGE_WINDOW_SECONDS,
} from '../../functions/definition/usage';
import { STAGE_STATUS_METRICS } from '../../functions/domain/usage/ingest';
import { ApiKeyPlatform, ApiKeyPlatformPropsError } from '../../infra/api-key-platform';
import { ROLLUP_LAG_ALARM_HOURS } from '../../infra/constructs/usage';
import { platformStageOptions } from '../../infra/stage-options';
import {
  actionsOf,
  demoStack,
  logicalIdOf,
  statementsOfRole,
  synthDemo,
  TEST_DEFINITION,
  teamApi,
  testApp,
} from './synth';

const { stack, template } = synthDemo();
const stageNames = Object.values(TEST_DEFINITION.compiled.stages);
const usage = stack.platform.usage;
const bucketId = logicalIdOf(usage.delivery.bucket);
const streamId = stack.resolve(usage.delivery.stream.logicalId) as string;
const queueArn = { 'Fn::GetAtt': [logicalIdOf(usage.objectQueue), 'Arn'] };
const objectsUnder = (prefix: string) => ({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, `/${prefix}*`]] });
const streamProperties = () => template.findResources('AWS::KinesisFirehose::DeliveryStream')[streamId]?.Properties;

type Alarm = { Properties: Record<string, any> };
const alarms = () => Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Alarm[];
const metricOf = (alarm: Alarm) =>
  alarm.Properties.MetricName
    ? alarm.Properties
    : alarm.Properties.Metrics?.find((m: any) => m.MetricStat)?.MetricStat.Metric && {
        ...alarm.Properties.Metrics.find((m: any) => m.MetricStat).MetricStat.Metric,
        Statistic: alarm.Properties.Metrics.find((m: any) => m.MetricStat).MetricStat.Stat,
      };
const dimension = (metric: any, name: string) =>
  (metric.Dimensions as { Name: string; Value: unknown }[]).find((d) => d.Name === name)?.Value;

/** A team's stack with its own API; `stages` makes its stages, `props` go to the platform. */
function teamStack(
  stages: (api: apigateway.RestApi, consumer: Stack) => apigateway.Stage[],
  props: Partial<ConstructorParameters<typeof ApiKeyPlatform>[2]> = {},
) {
  const consumer = new Stack(testApp(), 'Team');
  const api = new apigateway.RestApi(consumer, 'TeamApi', { deployOptions: platformStageOptions('live') });
  api.root.addResource('health').addMethod('GET', new apigateway.MockIntegration());
  const platform = new ApiKeyPlatform(consumer, 'Platform', { ...teamApi(consumer), api, ...props });
  return { consumer, api, platform, addUsagePlans: () => platform.addUsagePlans(api, stages(api, consumer)) };
}

describe('access logs', () => {
  it.each(stageNames)('the %s stage logs in ACCESS_LOG_FORMAT to the Firehose stream', (stageName) => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: stageName,
      AccessLogSetting: { Format: ACCESS_LOG_FORMAT, DestinationArn: { 'Fn::GetAtt': [streamId, 'Arn'] } },
    });
  });

  it('go to a DirectPut stream named amazon-apigateway-… (API Gateway’s requirement), 64 characters at most', () => {
    const name = streamProperties()?.DeliveryStreamName as string;
    expect(name).toMatch(/^amazon-apigateway-[\w.-]+$/);
    expect(name.length).toBeLessThanOrEqual(64);
    expect(streamProperties()).toMatchObject({
      DeliveryStreamType: 'DirectPut',
      DeliveryStreamEncryptionConfigurationInput: { KeyType: 'AWS_OWNED_CMK' },
    });
  });

  it('gives each stack its own stream name, the same at every synth', () => {
    const nameIn = (id?: string) => demoStack(testApp(), id).platform.usage.delivery.stream.deliveryStreamName;
    expect(nameIn()).toBe(streamProperties()?.DeliveryStreamName);
    expect(nameIn('ApiKeyPlatformStaging')).not.toBe(nameIn());
  });

  it('are written as one gzipped, newline-delimited object per usage window (or 64 MB) under access-logs/', () => {
    expect(streamProperties()?.ExtendedS3DestinationConfiguration).toMatchObject({
      BucketARN: { 'Fn::GetAtt': [bucketId, 'Arn'] },
      Prefix: ACCESS_LOG_OBJECT_PREFIX,
      ErrorOutputPrefix: expect.stringMatching(/^access-log-errors\//),
      BufferingHints: { IntervalInSeconds: USAGE_WINDOW_SECONDS, SizeInMBs: 64 },
      CompressionFormat: 'GZIP',
      ProcessingConfiguration: { Enabled: true, Processors: [{ Type: 'AppendDelimiterToRecord' }] },
    });
  });

  it('are written by a role of Firehose’s own that may put objects under its two prefixes only', () => {
    const statements = statementsOfRole(template, usage.delivery.role);
    const objectStatement = statements.find((statement) => actionsOf([statement]).includes('s3:PutObject'));
    expect(actionsOf(statements).sort()).toEqual([
      's3:AbortMultipartUpload',
      's3:GetBucketLocation',
      's3:ListBucket',
      's3:ListBucketMultipartUploads',
      's3:PutObject',
    ]);
    expect(objectStatement?.Resource).toEqual([
      objectsUnder('access-log-errors/'),
      objectsUnder(ACCESS_LOG_OBJECT_PREFIX),
    ]);
    const role = template.findResources('AWS::IAM::Role')[logicalIdOf(usage.delivery.role)];
    expect(role?.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      expect.objectContaining({
        Principal: { Service: 'firehose.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      }),
    ]);
    expect(template.findResources('AWS::KinesisFirehose::DeliveryStream')[streamId]?.DependsOn).toEqual(
      expect.arrayContaining([logicalIdOf(usage.delivery.role)]),
    );
  });

  it('take the window from the construct, and refuse one Firehose cannot buffer for', () => {
    const { consumer, addUsagePlans } = teamStack((api) => [api.deploymentStage], { usage: { windowSeconds: 300 } });
    addUsagePlans();
    Template.fromStack(consumer).hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      ExtendedS3DestinationConfiguration: { BufferingHints: { IntervalInSeconds: 300, SizeInMBs: 64 } },
    });
    for (const windowSeconds of [59, 901, 90.5]) {
      expect(() => teamStack(() => [], { usage: { windowSeconds } })).toThrow(
        /usage\.windowSeconds must be a whole number of seconds from 60 to 900/,
      );
    }
  });
});

describe('Firehose delivery', () => {
  it('raises an alarm when records wait over the window plus 15 minutes to reach S3', () => {
    const found = alarms().filter((alarm) => metricOf(alarm)?.MetricName === 'DeliveryToS3.DataFreshness');
    expect(found).toHaveLength(1);
    expect(found[0]?.Properties).toMatchObject({
      Namespace: 'AWS/Firehose',
      Statistic: 'Maximum',
      Threshold: USAGE_WINDOW_SECONDS + 15 * 60,
      Dimensions: [{ Name: 'DeliveryStreamName', Value: { Ref: streamId } }],
    });
  });
});

describe('usage-rollup falling behind', () => {
  it('raises an alarm when a run leaves more than 3 finished hours, from the metric the rollup emits', () => {
    const found = alarms().filter(
      (alarm) => metricOf(alarm)?.MetricName === PLATFORM_METRICS.names.usageRollupLagHours,
    );
    expect(found).toHaveLength(1);
    expect(found[0]?.Properties).toMatchObject({
      Namespace: PLATFORM_METRICS.namespace,
      Statistic: 'Maximum',
      Period: 3600,
      Threshold: ROLLUP_LAG_ALARM_HOURS,
      ComparisonOperator: 'GreaterThanThreshold',
      Dimensions: [{ Name: 'service', Value: PLATFORM_METRICS.service }],
    });
  });

  it('raises it too when the rollup reports nothing for two hours (it does not run)', () => {
    const [found] = alarms().filter(
      (alarm) => metricOf(alarm)?.MetricName === PLATFORM_METRICS.names.usageRollupLagHours,
    );
    expect(found?.Properties).toMatchObject({ TreatMissingData: 'breaching', EvaluationPeriods: 2, Period: 3600 });
  });

  it('says Firehose drops what it could not deliver in 24 hours, rather than keeping it', () => {
    const [late] = alarms().filter((alarm) => metricOf(alarm)?.MetricName === 'DeliveryToS3.DataFreshness');
    expect(late?.Properties.AlarmDescription).toMatch(/24 hours and then drops/);
  });
});

describe('the usage bucket', () => {
  const bucket = () => template.findResources('AWS::S3::Bucket')[bucketId];

  it('is SSE-S3 encrypted, blocks public access, takes TLS only and stays with the table by default', () => {
    expect(bucket()?.Properties).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
    expect(bucket()?.DeletionPolicy).toBe('Retain');
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('expires raw access logs after 3 days, the call-log archive after 8, and abandoned uploads after 1', () => {
    const rules = bucket()?.Properties.LifecycleConfiguration.Rules as Record<string, unknown>[];
    expect(rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Prefix: ACCESS_LOG_OBJECT_PREFIX,
          ExpirationInDays: ACCESS_LOG_OBJECT_RETENTION_DAYS,
          Status: 'Enabled',
        }),
        expect.objectContaining({
          Prefix: CALL_LOG_OBJECT_PREFIX,
          ExpirationInDays: CALL_LOG_OBJECT_RETENTION_DAYS,
          Status: 'Enabled',
        }),
        expect.objectContaining({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, Status: 'Enabled' }),
      ]),
    );
    expect([ACCESS_LOG_OBJECT_RETENTION_DAYS, CALL_LOG_OBJECT_RETENTION_DAYS]).toEqual([3, 8]);
  });

  it('notifies the access-log object queue of each object under access-logs/, and of nothing else', () => {
    const [notifications, ...others] = Object.values(template.findResources('Custom::S3BucketNotifications'));
    expect(others).toEqual([]);
    expect(notifications?.Properties).toMatchObject({
      BucketName: { Ref: bucketId },
      NotificationConfiguration: {
        QueueConfigurations: [
          {
            Events: ['s3:ObjectCreated:*'],
            Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: ACCESS_LOG_OBJECT_PREFIX }] } },
            QueueArn: queueArn,
          },
        ],
      },
    });
    // S3 checks the queue policy when the notification is set: it must come first.
    const [policyId] = Object.keys(
      template.findResources('AWS::SQS::QueuePolicy', {
        Properties: { Queues: [{ Ref: logicalIdOf(usage.objectQueue) }] },
      }),
    );
    expect(notifications?.DependsOn).toEqual(expect.arrayContaining([policyId]));
  });

  it('may send to the queue only as s3.amazonaws.com for this bucket in this account', () => {
    const policies = Object.values(
      template.findResources('AWS::SQS::QueuePolicy', {
        Properties: { Queues: [{ Ref: logicalIdOf(usage.objectQueue) }] },
      }),
    );
    const allows = policies.flatMap((policy) =>
      (policy.Properties.PolicyDocument.Statement as { Effect: string }[]).filter((s) => s.Effect === 'Allow'),
    );
    expect(allows).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 's3.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: queueArn,
        Condition: {
          ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [bucketId, 'Arn'] } },
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
        },
      },
    ]);
  });
});

describe('the access-log object queue', () => {
  const definition = QUEUES['access-log-objects'];

  it('has a DLQ, SQS-managed encryption and a visibility of six times usage-ingest’s timeout', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      VisibilityTimeout: definition.visibilityTimeoutSeconds,
      SqsManagedSseEnabled: true,
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [logicalIdOf(usage.objectDeadLetterQueue), 'Arn'] },
        maxReceiveCount: definition.maxReceiveCount,
      },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: FUNCTIONS['usage-ingest'].description,
      Timeout: definition.visibilityTimeoutSeconds / 6,
    });
  });

  it('feeds usage-ingest in batches of 10 with partial batch failures and a modest cap', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalIdOf(stack.platform.functions['usage-ingest']) },
      EventSourceArn: queueArn,
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: definition.maxConcurrency },
    });
    expect(definition.maxConcurrency).toBeLessThanOrEqual(5);
  });

  it('raises an alarm as soon as an object is in its DLQ', () => {
    const found = alarms().filter(
      (alarm) =>
        metricOf(alarm)?.MetricName === 'ApproximateNumberOfMessagesVisible' &&
        JSON.stringify(dimension(metricOf(alarm), 'QueueName')) ===
          JSON.stringify({ 'Fn::GetAtt': [logicalIdOf(usage.objectDeadLetterQueue), 'QueueName'] }),
    );
    expect(found).toHaveLength(1);
    expect(found[0]?.Properties).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    expect(found[0]?.Properties.AlarmDescription).toContain(`within ${USAGE_INGEST_MAX_AGE_HOURS} hours`);
  });

  it('replaces the CloudWatch Logs path: no subscription, no metric filter, no async DLQ', () => {
    template.resourceCountIs('AWS::Logs::SubscriptionFilter', 0);
    template.resourceCountIs('AWS::Logs::MetricFilter', 0);
    expect(
      template.findResources('AWS::Lambda::Permission', { Properties: { Principal: 'logs.amazonaws.com' } }),
    ).toEqual({});
  });
});

describe('usage-rollup', () => {
  const rollup = () => stack.platform.functions['usage-rollup'];

  it('runs hourly at HH:05, five minutes into the hour', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(5 * * * ? *)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [logicalIdOf(rollup()), 'Arn'] } })],
    });
  });

  it('runs one at a time (reserved concurrency 1) for up to 5 minutes', () => {
    const properties = template.findResources('AWS::Lambda::Function')[logicalIdOf(rollup())]?.Properties;
    expect(properties).toMatchObject({
      Description: FUNCTIONS['usage-rollup'].description,
      ReservedConcurrentExecutions: 1,
      Timeout: 300,
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: logicalIdOf(rollup()) },
      MaximumEventAgeInSeconds: 3600,
    });
  });

  it('raises an alarm on its errors', () => {
    const found = alarms().filter(
      (alarm) =>
        metricOf(alarm)?.MetricName === 'Errors' &&
        JSON.stringify(dimension(metricOf(alarm), 'FunctionName')) === JSON.stringify({ Ref: logicalIdOf(rollup()) }),
    );
    expect(found).toHaveLength(1);
  });
});

describe('the usage bucket grants', () => {
  const s3Of = (functionId: FunctionId) =>
    statementsOfRole(template, stack.platform.functions[functionId].role as never).filter((statement) =>
      actionsOf([statement]).some((action) => action.startsWith('s3:')),
    );
  const withBucket = (Object.keys(FUNCTIONS) as FunctionId[]).filter(
    (functionId) => (FUNCTIONS[functionId].needs as FunctionNeeds).usageBucket,
  );

  it('go to usage-ingest (reads access logs, writes the archive) and key-calls (reads the archive) only', () => {
    expect(withBucket.sort()).toEqual(['key-calls', 'usage-ingest']);
    expect(s3Of('usage-ingest')).toEqual([
      { Effect: 'Allow', Action: 's3:GetObject', Resource: objectsUnder(ACCESS_LOG_OBJECT_PREFIX) },
      { Effect: 'Allow', Action: 's3:PutObject', Resource: objectsUnder(CALL_LOG_OBJECT_PREFIX) },
    ]);
    expect(s3Of('key-calls')).toEqual([
      { Effect: 'Allow', Action: 's3:GetObject', Resource: objectsUnder(CALL_LOG_OBJECT_PREFIX) },
    ]);
  });

  it.each(['usage-rollup', 'usage-report', 'keys-list', 'authorizer'] as const)('give %s none', (functionId) => {
    expect(s3Of(functionId)).toEqual([]);
  });

  it.each(withBucket)('tell %s the bucket in USAGE_BUCKET', (functionId) => {
    const variables =
      template.findResources('AWS::Lambda::Function')[logicalIdOf(stack.platform.functions[functionId])]?.Properties
        .Environment.Variables;
    expect(variables.USAGE_BUCKET).toEqual({ Ref: bucketId });
  });
});

describe('alarms', () => {
  it.each(stageNames)('raise on a 5XX rate above 5%% on the %s stage', (stageName) => {
    const found = alarms().filter((alarm) => {
      const metric = metricOf(alarm);
      return metric?.MetricName === '5XXError' && dimension(metric, 'Stage') === stageName;
    });
    expect(found).toHaveLength(1);
    expect(found[0]?.Properties).toMatchObject({
      Namespace: 'AWS/ApiGateway',
      Statistic: 'Average',
      Threshold: 0.05,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 5,
      DatapointsToAlarm: 3,
      TreatMissingData: 'notBreaching',
    });
    expect(dimension(metricOf(found[0] as Alarm), 'ApiName')).toEqual(
      stack.resolve((stack.api as apigateway.RestApi).restApiName),
    );
  });

  it('has an alarm on every per-stage status metric usage-ingest emits: each costs $0.30 a month per stage', () => {
    const read = new Set(alarms().map((alarm) => metricOf(alarm)?.MetricName));
    for (const name of STAGE_STATUS_METRICS) expect(read).toContain(name);
    expect(STAGE_STATUS_METRICS).toEqual(['Status429']);
  });

  it.each(
    stageNames.flatMap((stageName) => [
      [stageName, 'AWS/ApiGateway', '4XXError'],
      [stageName, 'ApiKeyPlatform', 'Status429'],
    ]),
  )('watch the %s stage for spikes of %s %s with anomaly detection', (stageName, namespace, metricName) => {
    const found = alarms().filter((alarm) => {
      const metric = metricOf(alarm);
      return metric?.MetricName === metricName && dimension(metric, 'Stage') === stageName;
    });
    expect(found).toHaveLength(1);
    const properties = found[0]?.Properties ?? {};
    expect(properties.ComparisonOperator).toBe('GreaterThanUpperThreshold');
    const band = properties.Metrics.find((m: any) => m.Id === properties.ThresholdMetricId);
    expect(band.Expression).toMatch(/^ANOMALY_DETECTION_BAND\(m\d+, 3\)$/);
    expect(metricOf(found[0] as Alarm)).toMatchObject({ Namespace: namespace, Statistic: 'Sum' });
  });

  it('raise when Lambda throttles any platform function', () => {
    const throttles = alarms().filter((alarm) => metricOf(alarm)?.MetricName === 'Throttles');
    const functionIds = Object.keys(FUNCTIONS) as FunctionId[];
    expect(throttles).toHaveLength(functionIds.length);
    for (const functionId of functionIds) {
      const alarm = throttles.find(
        (candidate) =>
          JSON.stringify(dimension(metricOf(candidate), 'FunctionName')) ===
          JSON.stringify({ Ref: logicalIdOf(stack.platform.functions[functionId]) }),
      );
      expect(alarm?.Properties).toMatchObject({ Namespace: 'AWS/Lambda', Threshold: 0, Statistic: 'Sum' });
    }
  });

  it('all report to the demo stack’s alarm topic', () => {
    expect(alarms().length).toBeGreaterThan(40);
    for (const alarm of alarms()) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: logicalIdOf(stack.alarmTopic) }]);
    }
  });
});

describe('on a team’s own API', () => {
  it('points every stage given to addUsagePlans at the stream, whether made with platformStageOptions or not', () => {
    const { consumer, platform, addUsagePlans } = teamStack((api, scope) => [
      api.deploymentStage,
      new apigateway.Stage(scope, 'Sandbox', { deployment: api.latestDeployment as never, stageName: 'sandbox' }),
    ]);
    addUsagePlans();
    const team = Template.fromStack(consumer);
    const streamArn = { 'Fn::GetAtt': [consumer.resolve(platform.usage.delivery.stream.logicalId), 'Arn'] };
    for (const stageName of ['live', 'sandbox']) {
      team.hasResourceProperties('AWS::ApiGateway::Stage', {
        StageName: stageName,
        AccessLogSetting: { DestinationArn: streamArn, Format: ACCESS_LOG_FORMAT },
      });
    }
  });

  it('refuses a stage that logs elsewhere, since a stage has one access log destination', () => {
    const { addUsagePlans } = teamStack((api, scope) => [
      new apigateway.Stage(scope, 'Sandbox', {
        deployment: api.latestDeployment as never,
        stageName: 'sandbox',
        accessLogDestination: new apigateway.LogGroupLogDestination(new logs.LogGroup(scope, 'Own')),
        accessLogFormat: apigateway.AccessLogFormat.custom(ACCESS_LOG_FORMAT),
      }),
    ]);
    const refusal = (() => {
      try {
        addUsagePlans();
      } catch (error) {
        return error;
      }
    })();
    expect(refusal).toBeInstanceOf(ApiKeyPlatformPropsError);
    expect(String(refusal)).toMatch(/has an access log destination of its own/);
  });

  it('fails synth, saying what to do, for a stage made with platformStageOptions that no platform took', () => {
    const consumer = new Stack(testApp(), 'Forgotten');
    const api = new apigateway.RestApi(consumer, 'TeamApi', { deployOptions: platformStageOptions('live') });
    api.root.addResource('health').addMethod('GET', new apigateway.MockIntegration());
    expect(() => Template.fromStack(consumer)).toThrow(/pass it to platform\.addUsagePlans\(api, stages\)/);
  });

  it('sends every alarm to the given action', () => {
    const consumer = new Stack(testApp(), 'Consumer');
    const api = new apigateway.RestApi(consumer, 'TeamApi', { deployOptions: platformStageOptions('live') });
    api.root.addResource('health').addMethod('GET', new apigateway.MockIntegration());
    const topic = new sns.Topic(consumer, 'OnCall');
    const platform = new ApiKeyPlatform(consumer, 'Platform', {
      ...teamApi(consumer),
      api,
      alarms: { action: new cloudwatchActions.SnsAction(topic), serverErrorRate: 0.01 },
    });
    platform.addUsagePlans(api, [api.deploymentStage]);
    const team = Template.fromStack(consumer);
    const teamAlarms = Object.values(team.findResources('AWS::CloudWatch::Alarm'));
    // The usage alarms (its DLQ's included), the reminder DLQ alarm, the webhook alarms, the key-expiry DLQ alarm and the operations alarms.
    expect(teamAlarms.length).toBe(
      platform.usage.alarms.length + 1 + platform.webhooks.alarms.length + 1 + platform.operations.alarms.length,
    );
    for (const alarm of teamAlarms) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: logicalIdOf(topic) }]);
    team.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: '5XXError', Threshold: 0.01 });
  });
});
