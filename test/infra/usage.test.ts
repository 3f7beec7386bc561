/** Usage ingestion from the stages' access logs, and the error-rate and throttle alarms. */
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { ACCESS_LOG_FORMAT } from '../../functions/definition/access-log';
import { FUNCTIONS } from '../../functions/definition/functions';
import { ApiKeyPlatform } from '../../infra/api-key-platform';
import { logicalIdOf, synthDemo, TEST_DEFINITION, teamApi, testApp } from './synth';

const { stack, template } = synthDemo();
const stageNames = Object.values(TEST_DEFINITION.compiled.stages);
const ingestFunction = () => logicalIdOf(stack.platform.functions['usage-ingest']);
const accessLogGroup = () => {
  const [id] = Object.keys(
    template.findResources('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 30 } }),
  ).filter((logicalId) => logicalId.startsWith('AccessLogs'));
  if (!id) throw new Error('no access log group');
  return id;
};

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

describe('access logs', () => {
  it.each(stageNames)('the %s stage logs in ACCESS_LOG_FORMAT', (stageName) => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: stageName,
      AccessLogSetting: { Format: ACCESS_LOG_FORMAT },
    });
  });

  it('go to the access log group', () => {
    for (const stage of Object.values(template.findResources('AWS::ApiGateway::Stage'))) {
      expect(JSON.stringify(stage.Properties.AccessLogSetting.DestinationArn)).toContain(
        `{"Ref":"${accessLogGroup()}"}`,
      );
    }
  });

  it('are delivered whole to usage-ingest by a subscription filter', () => {
    template.resourceCountIs('AWS::Logs::SubscriptionFilter', 1);
    template.hasResourceProperties('AWS::Logs::SubscriptionFilter', {
      LogGroupName: { Ref: accessLogGroup() },
      DestinationArn: { 'Fn::GetAtt': [ingestFunction(), 'Arn'] },
      FilterPattern: '',
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [ingestFunction(), 'Arn'] },
      Principal: 'logs.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [accessLogGroup(), 'Arn'] },
    });
  });

  it('are counted for 429s by stage, since API Gateway has no metric for them', () => {
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: { Ref: accessLogGroup() },
      FilterPattern: '{ $.status = "429" }',
      MetricTransformations: [
        {
          MetricNamespace: 'ApiKeyPlatform',
          MetricName: 'Status429',
          MetricValue: '1',
          Dimensions: [{ Key: 'Stage', Value: '$.stage' }],
          Unit: 'Count',
        },
      ],
    });
  });

  it('gives usage-ingest room for large batches, off the request path', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: FUNCTIONS['usage-ingest'].description,
      MemorySize: 512,
      Timeout: 60,
    });
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
    const functionIds = Object.keys(FUNCTIONS) as (keyof typeof FUNCTIONS)[];
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
  it('connects any access log group and sends every alarm to the given action', () => {
    const consumer = new Stack(testApp(), 'Consumer');
    const api = new apigateway.RestApi(consumer, 'TeamApi', { deployOptions: { stageName: 'live' } });
    api.root.addResource('health').addMethod('GET', new apigateway.MockIntegration());
    const topic = new sns.Topic(consumer, 'OnCall');
    const platform = new ApiKeyPlatform(consumer, 'Platform', {
      ...teamApi(consumer),
      api,
      alarms: { action: new cloudwatchActions.SnsAction(topic), serverErrorRate: 0.01 },
    });
    const logGroup = new logs.LogGroup(consumer, 'TeamAccessLogs');
    platform.ingestAccessLogs(logGroup);
    const team = Template.fromStack(consumer);
    team.resourceCountIs('AWS::Logs::SubscriptionFilter', 1);
    const teamAlarms = Object.values(team.findResources('AWS::CloudWatch::Alarm'));
    // The usage alarms, the reminder DLQ alarm, the webhook alarms, the key-expiry DLQ alarm and the operations alarms.
    expect(teamAlarms.length).toBe(
      platform.usage.alarms.length + 1 + platform.webhooks.alarms.length + 1 + platform.operations.alarms.length,
    );
    for (const alarm of teamAlarms) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: logicalIdOf(topic) }]);
    team.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: '5XXError', Threshold: 0.01 });
  });
});
