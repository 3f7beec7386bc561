/**
 * A complete deployable example: a REST API with one stage per entry of STAGES and the platform
 * attached, as a platform team would do it in its own stack.
 */
import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { ACCESS_LOG_FORMAT } from '../functions/definition/access-log';
import { STAGES, type StageName } from '../functions/definition/api';
import { ApiKeyPlatform } from './api-key-platform';
import { suppressDemoFindings } from './nag-suppressions';

export class DemoStack extends Stack {
  readonly api: apigateway.RestApi;
  readonly platform: ApiKeyPlatform;
  readonly stages: Record<StageName, apigateway.Stage>;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const [firstStage, ...otherStages] = Object.keys(STAGES) as StageName[];
    if (!firstStage) throw new Error('STAGES must name at least one stage');

    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const stageOptions = (stageName: StageName): apigateway.StageOptions => ({
      stageName,
      accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
      // The platform's format: usage statistics and the call log are read from these lines.
      accessLogFormat: apigateway.AccessLogFormat.custom(ACCESS_LOG_FORMAT),
      // Execution logs for errors only and never request data: requests carry API keys.
      loggingLevel: apigateway.MethodLoggingLevel.ERROR,
      dataTraceEnabled: false,
      metricsEnabled: true,
      // A stage-wide ceiling that keeps one runaway client from exhausting Lambda concurrency.
      throttlingRateLimit: 100,
      throttlingBurstLimit: 200,
    });

    this.api = new apigateway.RestApi(this, 'Api', {
      restApiName: 'api-key-platform-demo',
      description: 'API key platform demo: key management and a sample product API',
      endpointTypes: [apigateway.EndpointType.REGIONAL],
      // Stage logging needs the account-level CloudWatch role; a fresh account has none.
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.DESTROY,
      // The one deployment CDK keeps current as methods change; every stage points at it.
      deploy: true,
      deployOptions: stageOptions(firstStage),
    });
    const deployment = this.api.latestDeployment;
    if (!deployment) throw new Error('The demo API must be deployed by CDK');

    const stages: Partial<Record<StageName, apigateway.Stage>> = { [firstStage]: this.api.deploymentStage };
    for (const stageName of otherStages) {
      stages[stageName] = new apigateway.Stage(this, `Stage-${stageName}`, { deployment, ...stageOptions(stageName) });
    }
    this.stages = stages as Record<StageName, apigateway.Stage>;

    this.platform = new ApiKeyPlatform(this, 'Platform', {
      api: this.api,
      removalPolicy: RemovalPolicy.DESTROY,
      // A verified SES identity of yours: `cdk deploy -c reminderSender=keys@your.domain`.
      reminders: { senderAddress: this.node.tryGetContext('reminderSender') ?? 'api-keys@example.com' },
    });

    const usagePlans = this.platform.addUsagePlans(this.api, Object.values(this.stages));
    this.platform.ingestAccessLogs(accessLogs);

    for (const [stageName, stage] of Object.entries(this.stages)) {
      new CfnOutput(this, `${stageName}Url`, {
        value: stage.urlForPath('/'),
        description: `Base URL of the ${stageName} stage`,
      });
    }
    // What the operator CLI needs to target this stack (see the README).
    new CfnOutput(this, 'TableName', { value: this.platform.table.tableName });
    new CfnOutput(this, 'PepperSecretId', { value: this.platform.pepper.secretArn });
    new CfnOutput(this, 'RestApiId', { value: this.api.restApiId });
    new CfnOutput(this, 'UsagePlanIds', { value: usagePlans.idsJson() });

    suppressDemoFindings(this.api, Object.values(this.stages));
  }
}
