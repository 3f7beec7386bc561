/**
 * Issue 10, findings 5–10 in the template: failure destinations and alarms, workload isolation,
 * every alarm with an action, the dashboard, tracing, the demo stack's settings and outputs.
 */
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { consumedQueues, FUNCTIONS, type FunctionId, type FunctionNeeds } from '../../functions/definition/functions';
import { PLATFORM_ROUTES } from '../../functions/definition/platform-routes';
import { QUEUES } from '../../functions/definition/queues';
import { TABLE_SCHEMA } from '../../functions/definition/table';
import { ApiKeyPlatform } from '../../infra/api-key-platform';
import { DEMO_CONTEXT, logicalIdOf, synthDemo, TEST_DEFINITION, teamApi, testApp } from './synth';

const stageNames = Object.values(TEST_DEFINITION.compiled.stages);

const { stack, template } = synthDemo();
const functionIds = Object.keys(FUNCTIONS) as FunctionId[];
const fnRef = (functionId: FunctionId) => ({ Ref: logicalIdOf(stack.platform.functions[functionId]) });
const lambdaOf = (functionId: FunctionId) =>
  template.findResources('AWS::Lambda::Function')[logicalIdOf(stack.platform.functions[functionId])]?.Properties;

type Alarm = { Properties: Record<string, any> };
const alarms = () => Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Alarm[];
/** The metrics an alarm reads, whether it has one metric or a math expression. */
const metricsOf = (alarm: Alarm): { MetricName: string; Namespace: string; Dimensions?: any[] }[] =>
  alarm.Properties.MetricName
    ? [alarm.Properties as never]
    : (alarm.Properties.Metrics ?? []).flatMap((m: any) => (m.MetricStat ? [m.MetricStat.Metric] : []));
const alarmsOn = (metricName: string) =>
  alarms().filter((alarm) => metricsOf(alarm).some((metric) => metric.MetricName === metricName));
const dimension = (metric: { Dimensions?: any[] }, name: string) =>
  metric.Dimensions?.find((d: { Name: string }) => d.Name === name)?.Value;
const consumers = functionIds.filter((functionId) => (FUNCTIONS[functionId].needs as FunctionNeeds).consumeQueue);

function teamStack(props: Partial<ConstructorParameters<typeof ApiKeyPlatform>[2]> = {}, id = 'Team') {
  const consumer = new Stack(testApp(), id);
  const api = new apigateway.RestApi(consumer, 'TeamApi', { deployOptions: { stageName: 'live' } });
  api.root.addResource('health').addMethod('GET', new apigateway.MockIntegration());
  const platform = new ApiKeyPlatform(consumer, 'Platform', { ...teamApi(consumer), api, ...props });
  return { consumer, platform, template: Template.fromStack(consumer) };
}

describe('finding 5: authorizer cache flushes', () => {
  it('raise an alarm when a flush failed after its retries', () => {
    const [alarm] = alarmsOn('AuthorizerCacheFlushFailures');
    expect(metricsOf(alarm as Alarm)[0]).toMatchObject({ Namespace: 'ApiKeyPlatform' });
    expect(alarm?.Properties).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
  });
});

describe('finding 6, issue 13: usage-ingest', () => {
  it('consumes the access-log object queue, whose failed objects go to a DLQ with an alarm', () => {
    const mapping = Object.values(template.findResources('AWS::Lambda::EventSourceMapping')).find(
      (resource) => JSON.stringify(resource.Properties.FunctionName) === JSON.stringify(fnRef('usage-ingest')),
    );
    expect(mapping?.Properties.EventSourceArn).toEqual({
      'Fn::GetAtt': [logicalIdOf(stack.platform.usage.objectQueue), 'Arn'],
    });
    const dlqId = logicalIdOf(stack.platform.usage.objectDeadLetterQueue);
    const dlqAlarm = alarmsOn('ApproximateNumberOfMessagesVisible').find(
      (alarm) =>
        JSON.stringify(dimension(metricsOf(alarm)[0] as never, 'QueueName')) ===
        JSON.stringify({ 'Fn::GetAtt': [dlqId, 'QueueName'] }),
    );
    expect(dlqAlarm?.Properties.Threshold).toBe(1);
  });

  it('is no longer invoked asynchronously, so it has no on-failure destination', () => {
    const config = Object.values(template.findResources('AWS::Lambda::EventInvokeConfig')).find(
      (resource) => JSON.stringify(resource.Properties.FunctionName) === JSON.stringify(fnRef('usage-ingest')),
    );
    expect(config).toBeUndefined();
  });
});

describe('finding 7: isolation between workloads', () => {
  it('reserves concurrency for the authorizer, usage-ingest as much as its event source runs, usage-rollup 1', () => {
    expect(lambdaOf('authorizer')?.ReservedConcurrentExecutions).toBe(300);
    expect(lambdaOf('usage-ingest')?.ReservedConcurrentExecutions).toBe(QUEUES['access-log-objects'].maxConcurrency);
    expect(lambdaOf('usage-rollup')?.ReservedConcurrentExecutions).toBe(1);
  });

  it.each(consumers)('caps the SQS event sources of %s', (functionId) => {
    for (const queueId of consumedQueues(FUNCTIONS[functionId].needs as FunctionNeeds)) {
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: fnRef(functionId),
        ScalingConfig: { MaximumConcurrency: QUEUES[queueId].maxConcurrency },
      });
    }
  });

  it('leaves reservations out for accounts that cannot spare them, and refuses nonsense', () => {
    const { template: team } = teamStack({
      concurrency: { authorizerReserved: 'none', usageIngestReserved: 'none', usageRollupReserved: 'none' },
    });
    for (const fn of Object.values(team.findResources('AWS::Lambda::Function'))) {
      expect(fn.Properties.ReservedConcurrentExecutions).toBeUndefined();
    }
    expect(() => teamStack({ concurrency: { authorizerReserved: 0 } }, 'Zero')).toThrow(/at least 1/);
  });

  it('paces the reminder workers to the SES send rate: 1 a second by default, split over 2 workers', () => {
    expect(lambdaOf('reminders-worker')?.Environment.Variables.REMINDER_SEND_INTERVAL_MS).toBe('2000');
    const { platform, template: team } = teamStack(
      { reminders: { senderAddress: 'keys@team.example', sesSendRate: 14 } },
      'Production',
    );
    const worker = team.findResources('AWS::Lambda::Function')[logicalIdOf(platform.functions['reminders-worker'])];
    expect(worker?.Properties.Environment.Variables.REMINDER_SEND_INTERVAL_MS).toBe('143');
  });
});

describe('finding 8: operations', () => {
  it('gives every alarm of a team’s stack the platform’s action, queue and DLQ alarms included', () => {
    const topicStack = new Stack(testApp(), 'WithTopic');
    const api = new apigateway.RestApi(topicStack, 'TeamApi', { deployOptions: { stageName: 'live' } });
    api.root.addResource('health').addMethod('GET', new apigateway.MockIntegration());
    const topic = new sns.Topic(topicStack, 'OnCall');
    new ApiKeyPlatform(topicStack, 'Platform', {
      ...teamApi(topicStack),
      api,
      alarms: { action: new cloudwatchActions.SnsAction(topic) },
    });
    const team = Object.values(Template.fromStack(topicStack).findResources('AWS::CloudWatch::Alarm'));
    expect(team.length).toBeGreaterThan(60);
    for (const alarm of team) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: logicalIdOf(topic) }]);
  });

  it('has the demo stack make an SNS topic that every alarm reports to', () => {
    template.resourceCountIs('AWS::SNS::Topic', 1);
    const [topicId] = Object.keys(template.findResources('AWS::SNS::Topic'));
    for (const alarm of alarms()) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
  });

  it('does not alarm on the authorizer’s Errors, which count every refused key, but on its throttles', () => {
    const onAuthorizer = (metricName: string) =>
      alarmsOn(metricName).filter(
        (candidate) =>
          JSON.stringify(dimension(metricsOf(candidate)[0] as never, 'FunctionName')) ===
          JSON.stringify(fnRef('authorizer')),
      );
    expect(onAuthorizer('Errors')).toEqual([]);
    expect(onAuthorizer('Throttles').length).toBeGreaterThan(0);
  });

  it('alarms when access-log objects wait over 15 minutes for usage-ingest', () => {
    const alarm = alarmsOn('ApproximateAgeOfOldestMessage').find(
      (candidate) =>
        JSON.stringify(dimension(metricsOf(candidate)[0] as never, 'QueueName')) ===
        JSON.stringify({ 'Fn::GetAtt': [logicalIdOf(stack.platform.usage.objectQueue), 'QueueName'] }),
    );
    expect(alarm?.Properties).toMatchObject({ Threshold: 15 * 60, Statistic: 'Maximum' });
    expect(alarmsOn('AsyncEventAge')).toEqual([]);
  });

  it.each(functionIds.filter((id) => id !== 'authorizer'))('alarms on errors of %s', (functionId) => {
    const alarm = alarmsOn('Errors').find(
      (candidate) =>
        JSON.stringify(dimension(metricsOf(candidate)[0] as never, 'FunctionName')) ===
        JSON.stringify(fnRef(functionId)),
    );
    expect(alarm?.Properties).toMatchObject({ Namespace: 'AWS/Lambda', Threshold: 0 });
  });

  it('alarms on the authorizer’s p99 duration', () => {
    const alarm = alarmsOn('Duration').find(
      (candidate) =>
        JSON.stringify(dimension(metricsOf(candidate)[0] as never, 'FunctionName')) ===
        JSON.stringify(fnRef('authorizer')),
    );
    expect(alarm?.Properties).toMatchObject({ ExtendedStatistic: 'p99', Threshold: 1000 });
  });

  it.each([
    undefined,
    ...TABLE_SCHEMA.globalSecondaryIndexes.map((index) => index.indexName),
  ])('alarms on DynamoDB read and write throttles (index %s)', (indexName) => {
    const alarm = alarmsOn('WriteThrottleEvents').find((candidate) =>
      metricsOf(candidate).every((metric) => dimension(metric, 'GlobalSecondaryIndexName') === indexName),
    );
    expect(alarm).toBeDefined();
    expect(
      metricsOf(alarm as Alarm)
        .map((metric) => metric.MetricName)
        .sort(),
    ).toEqual(['ReadThrottleEvents', 'WriteThrottleEvents']);
  });

  it('alarms on the age of the reminder queue and on the delivery backlog', () => {
    const queueName = (queue: object) => JSON.stringify({ 'Fn::GetAtt': [logicalIdOf(queue as never), 'QueueName'] });
    expect(
      alarmsOn('ApproximateAgeOfOldestMessage').some(
        (alarm) =>
          JSON.stringify(dimension(metricsOf(alarm)[0] as never, 'QueueName')) ===
          queueName(stack.platform.reminders.queue),
      ),
    ).toBe(true);
    expect(
      alarmsOn('ApproximateNumberOfMessagesVisible').some(
        (alarm) =>
          JSON.stringify(dimension(metricsOf(alarm)[0] as never, 'QueueName')) ===
          queueName(stack.platform.webhooks.deliveryQueue),
      ),
    ).toBe(true);
  });

  it('has a dashboard with the authorizer, flushes, per-stage errors and 429s, queues, deliveries and reminders', () => {
    const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    expect(dashboards).toHaveLength(1);
    const body = JSON.stringify(dashboards[0]?.Properties.DashboardBody);
    for (const expected of [
      'Authorizer latency',
      'AuthorizerCacheFlushes',
      '4XXError',
      '5XXError',
      'Status429',
      'ApproximateAgeOfOldestMessage',
      'Dead-letter queue depths',
      'success rate',
      'RemindersSent',
      ...stageNames.map((stage) => `${stage} stage`),
    ]) {
      expect(body).toContain(expected);
    }
  });

  it('traces the stages, samples one request a second, and has the API functions join the trace', () => {
    for (const stage of Object.values(template.findResources('AWS::ApiGateway::Stage'))) {
      expect(stage.Properties.TracingEnabled).toBe(true);
    }
    template.hasResourceProperties('AWS::XRay::SamplingRule', {
      SamplingRule: Match.objectLike({ ReservoirSize: 1, FixedRate: 0, ServiceType: 'AWS::ApiGateway::Stage' }),
    });
    expect(lambdaOf('authorizer')?.TracingConfig).toEqual({ Mode: 'Active' });
    const routeFunction = PLATFORM_ROUTES[0]?.function as FunctionId;
    expect(lambdaOf(routeFunction)?.TracingConfig).toEqual({ Mode: 'Active' });
    expect(lambdaOf('webhook-delivery')?.TracingConfig).toEqual({ Mode: 'PassThrough' });
  });

  it.each(stageNames)('keeps the %s stage’s execution logs for a month', (stageName) => {
    const group = Object.values(template.findResources('AWS::Logs::LogGroup')).find(
      (candidate) =>
        JSON.stringify(candidate.Properties.LogGroupName ?? '').includes(`API-Gateway-Execution-Logs_`) &&
        JSON.stringify(candidate.Properties.LogGroupName).includes(`/${stageName}`),
    );
    expect(group?.Properties.RetentionInDays).toBe(30);
  });

  it('outputs everything the CLI needs', () => {
    const outputs = template.findOutputs('*');
    for (const name of [
      'TableName',
      'PepperSecretId',
      'RestApiId',
      'UsagePlanIds',
      'ReminderQueueUrl',
      'KeyExpiryQueueUrl',
    ]) {
      expect(outputs).toHaveProperty(name);
    }
    expect(outputs.ReminderQueueUrl?.Value).toEqual({ Ref: logicalIdOf(stack.platform.reminders.queue) });
    expect(outputs.KeyExpiryQueueUrl?.Value).toEqual({ Ref: logicalIdOf(stack.platform.keyExpiry.queue) });
  });
});

describe('finding 9: the demo stack', () => {
  it('sets no stage-wide throttle, which would apply per method: only the public exchange has one', () => {
    for (const stage of Object.values(template.findResources('AWS::ApiGateway::Stage'))) {
      const settings = (stage.Properties.MethodSettings ?? []) as Record<string, unknown>[];
      expect(settings.filter((setting) => setting.ThrottlingRateLimit !== undefined)).toEqual([
        expect.objectContaining({ HttpMethod: 'POST', ResourcePath: '/~1v1~1console-sessions~1exchange' }),
      ]);
      for (const setting of settings.filter((candidate) => candidate.ResourcePath === '/*')) {
        expect(setting.ThrottlingRateLimit).toBeUndefined();
        expect(setting.ThrottlingBurstLimit).toBeUndefined();
      }
    }
  });

  it('turns detailed (per-method) metrics off', () => {
    for (const stage of Object.values(template.findResources('AWS::ApiGateway::Stage'))) {
      for (const setting of stage.Properties.MethodSettings ?? []) expect(setting.MetricsEnabled).toBe(false);
    }
  });

  it('runs no reminder schedule and sends from no address unless given a sender', () => {
    const bare = Template.fromStack(synthDemo(testApp()).stack);
    bare.hasResourceProperties('AWS::Events::Rule', {
      Description: 'Starts the rotation reminder scan',
      State: 'DISABLED',
    });
    for (const fn of Object.values(bare.findResources('AWS::Lambda::Function'))) {
      expect(fn.Properties.Environment?.Variables ?? {}).not.toHaveProperty('EMAIL_SENDER');
    }
    expect(JSON.stringify(bare.toJSON())).not.toContain('example.com');
  });

  it('leaves the account-wide API Gateway settings alone unless asked, and then keeps them', () => {
    template.resourceCountIs('AWS::ApiGateway::Account', 0);
    const asked = Template.fromStack(synthDemo(testApp({ ...DEMO_CONTEXT, apiGatewayCloudWatchRole: 'true' })).stack);
    asked.hasResource('AWS::ApiGateway::Account', { DeletionPolicy: 'Retain' });
  });

  it('keeps the table and secrets, with deletion protection, unless destroyOnRemoval is set', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
    });
    for (const secret of Object.values(template.findResources('AWS::SecretsManager::Secret'))) {
      // Hold nothing lasting: cursors of the last 24 hours, and console sessions (at most 7 days).
      if (/cursors|console session/.test(secret.Properties.Description ?? '')) continue;
      expect(secret.DeletionPolicy).toBe('Retain');
    }
    const throwaway = Template.fromStack(synthDemo(testApp({ ...DEMO_CONTEXT, destroyOnRemoval: 'true' })).stack);
    throwaway.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ DeletionProtectionEnabled: false }),
    });
  });
});

describe('finding 10: queues and source maps', () => {
  it.each(
    consumers,
  )('gives the queue of %s a visibility timeout of at least 6× the function’s timeout', (functionId) => {
    for (const queueId of consumedQueues(FUNCTIONS[functionId].needs as FunctionNeeds)) {
      expect(QUEUES[queueId].visibilityTimeoutSeconds).toBeGreaterThanOrEqual(
        6 * (lambdaOf(functionId)?.Timeout as number),
      );
    }
  });

  it('runs the authorizer without source maps', () => {
    expect(lambdaOf('authorizer')?.Environment.Variables.NODE_OPTIONS).toBeUndefined();
  });
});
