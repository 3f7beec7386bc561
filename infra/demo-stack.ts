/**
 * A complete deployable stack around a team's API definition: a REST API with one stage per stage
 * of the definition, access logs (to the platform's Firehose stream) and execution logs, tracing,
 * an alarm topic, and the platform attached
 * with the team's backends, as a platform team would do it in its own stack. It knows no product:
 * the definition and the backends come in as props. The infra tests and the local IAM check
 * synthesize it; the root app deploys the Leadbase example's own stack.
 *
 * Context (`cdk deploy -c name=value`):
 * - `reminderSender`: a verified SES address; without it the reminder schedule is off.
 * - `alarmEmail`: subscribes this address to the alarm topic.
 * - `apiGatewayCloudWatchRole=true`: creates the account's API Gateway logging role (a singleton
 *   per account and region) in this stack and keeps it when the stack goes. Stage logging needs
 *   that role once per account and region; most accounts that ever logged from API Gateway have it.
 * - `destroyOnRemoval=true`: a throwaway demo. The table and secrets go with the stack and the
 *   table has no deletion protection; by default both stay, as they hold every issued key.
 */
import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as xray from 'aws-cdk-lib/aws-xray';
import type { Construct } from 'constructs';
import type { ApiDefinition } from '../functions/definition/api-definition';
import { ApiKeyPlatform } from './api-key-platform';
import { suppressDemoFindings } from './nag-suppressions';
import { platformStageOptions } from './stage-options';

const DEMO_API_NAME = 'api-key-platform-demo';

export interface DemoStackProps extends StackProps {
  /** The team's API. */
  definition: ApiDefinition;
  /** Makes the functions behind the definition's `{ lambda }` backends, in this stack. */
  backends?: (stack: Stack) => Record<string, lambda.IFunction>;
  /** Makes the integrations behind its `{ integration }` backends. */
  integrations?: (stack: Stack) => Record<string, apigateway.Integration>;
}

export class DemoStack extends Stack {
  readonly api: apigateway.RestApi;
  readonly platform: ApiKeyPlatform;
  /** One stage per stage of the definition, by name. */
  readonly stages: Record<string, apigateway.Stage>;
  /** Every alarm of the platform publishes here. */
  readonly alarmTopic: sns.Topic;
  /** The team's functions behind `{ lambda }` backends. */
  readonly backends: Record<string, lambda.IFunction>;

  constructor(scope: Construct, id: string, props: DemoStackProps) {
    super(scope, id, props);
    const { live, sandbox } = props.definition.compiled.stages;
    const [firstStage, ...otherStages] = [live, sandbox];

    // Access logs go to the platform's Firehose stream once the stages are given to addUsagePlans.
    const stageOptions = (stageName: string) =>
      platformStageOptions(stageName, {
        // Execution logs for errors only and never request data: requests carry API keys. Their
        // log groups are made below, with a retention.
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        // Per-method metrics ("detailed metrics") would be 7 metrics per method and stage, up to
        // 518 custom metrics (about $155 a month). Per-stage metrics come free and feed the alarms.
        metricsEnabled: false,
        // No stage throttle: a stage's throttle applies to each method on its own, not to the
        // stage, and its 429 would blame the organization's plan. Each organization's usage plan
        // limits it, and the authorizer's reserved concurrency keeps the rest of the account's
        // functions from starving it (infra/isolation.ts).
        // X-Ray: requests are sampled by the rule below, and the authorizer and handlers join the trace.
        tracingEnabled: true,
      });

    this.api = new apigateway.RestApi(this, 'Api', {
      restApiName: DEMO_API_NAME,
      description: `API key platform demo: key management and ${props.definition.compiled.name}`,
      endpointTypes: [apigateway.EndpointType.REGIONAL],
      // AWS::ApiGateway::Account is one per account and region: a stack that owns it fights every
      // other stack that does. Only on request, and kept when this stack goes (see the context above).
      ...(this.node.tryGetContext('apiGatewayCloudWatchRole') === 'true'
        ? { cloudWatchRole: true, cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN }
        : { cloudWatchRole: false }),
      // The one deployment CDK keeps current as methods change; every stage points at it.
      deploy: true,
      deployOptions: stageOptions(firstStage),
    });
    const deployment = this.api.latestDeployment;
    if (!deployment) throw new Error('The demo API must be deployed by CDK');

    this.stages = { [firstStage]: this.api.deploymentStage };
    for (const stageName of otherStages) {
      this.stages[stageName] = new apigateway.Stage(this, `Stage-${stageName}`, {
        deployment,
        ...stageOptions(stageName),
      });
    }
    this.manageExecutionLogs();
    // At most one sampled request a second across the demo's stages, about 2.6 million traces
    // ($13) a month at most, whatever the traffic; X-Ray's default rule also takes 5% of the rest.
    new xray.CfnSamplingRule(this, 'TraceSampling', {
      samplingRule: {
        ruleName: 'api-key-platform-demo',
        priority: 100,
        reservoirSize: 1,
        fixedRate: 0,
        serviceName: `${DEMO_API_NAME}/*`,
        serviceType: 'AWS::ApiGateway::Stage',
        host: '*',
        httpMethod: '*',
        urlPath: '*',
        resourceArn: '*',
        version: 1,
      },
    });

    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 'API key platform alarms',
      enforceSSL: true,
    });
    const alarmEmail = this.node.tryGetContext('alarmEmail');
    if (alarmEmail) this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(alarmEmail));

    const destroyable = this.node.tryGetContext('destroyOnRemoval') === 'true';
    const reminderSender = this.node.tryGetContext('reminderSender');
    this.backends = props.backends?.(this) ?? {};
    this.platform = new ApiKeyPlatform(this, 'Platform', {
      api: this.api,
      definition: props.definition,
      backends: this.backends,
      ...(props.integrations && { integrations: props.integrations(this) }),
      removalPolicy: destroyable ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
      deletionProtection: !destroyable,
      alarms: { action: new cloudwatchActions.SnsAction(this.alarmTopic) },
      // A verified SES identity of yours: `cdk deploy -c reminderSender=keys@your.domain`. Without
      // one the schedule stays off: sends from an unverified address all fail into the DLQ.
      ...(reminderSender && { reminders: { senderAddress: reminderSender } }),
    });

    const usagePlans = this.platform.addUsagePlans(this.api, Object.values(this.stages));

    for (const [stageName, stage] of Object.entries(this.stages)) {
      new CfnOutput(this, `${stageName}Url`, {
        value: stage.urlForPath('/'),
        description: `Base URL of the ${stageName} stage`,
      });
    }
    // What the operator CLI needs to target this stack (see docs/operations.md, "Operator CLI").
    new CfnOutput(this, 'TableName', { value: this.platform.table.tableName });
    new CfnOutput(this, 'PepperSecretId', { value: this.platform.pepper.secretArn });
    new CfnOutput(this, 'RestApiId', { value: this.api.restApiId });
    new CfnOutput(this, 'UsagePlanIds', { value: usagePlans.idsJson() });
    new CfnOutput(this, 'ReminderQueueUrl', {
      value: this.platform.reminders.queue.queueUrl,
      description: 'REMINDER_QUEUE_URL for `reminders run`',
    });
    new CfnOutput(this, 'KeyExpiryQueueUrl', {
      value: this.platform.keyExpiry.queue.queueUrl,
      description: 'KEY_EXPIRY_QUEUE_URL for `keys schedule-expiries`',
    });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarmTopic.topicArn });
    new CfnOutput(this, 'DashboardName', { value: this.platform.operations.dashboard.dashboardName });

    suppressDemoFindings(this.api, Object.values(this.stages), this.alarmTopic);
  }

  /**
   * API Gateway writes execution logs to `API-Gateway-Execution-Logs_<api id>/<stage>`, a group it
   * makes itself, with no retention, when none exists. Made here first, they get one.
   */
  private manageExecutionLogs(): void {
    for (const [stageName, stage] of Object.entries(this.stages)) {
      const group = new logs.LogGroup(this, `ExecutionLogs-${stageName}`, {
        logGroupName: `API-Gateway-Execution-Logs_${this.api.restApiId}/${stageName}`,
        retention: logs.RetentionDays.ONE_MONTH,
        removalPolicy: RemovalPolicy.DESTROY,
      });
      stage.node.addDependency(group);
    }
  }
}
