/**
 * Leadbase's CDK stack, as a team writes it: its REST API with a live and a sandbox stage logging
 * in the platform's access log format, its own table and functions (backends.ts), and the API key
 * platform attached with those functions as the backends of its routes. The routes with credits
 * (enrichments, search) reach their functions through the platform's metered proxy.
 */
import { ApiKeyPlatform, platformStageOptions } from 'api-key-platform';
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type { Construct } from 'constructs';
import { leadbaseApi } from '../api';
import { LeadbaseBackends, type LeadbaseBackendsProps } from './backends';

export interface LeadbaseStackProps extends StackProps, LeadbaseBackendsProps {}

export class LeadbaseStack extends Stack {
  readonly api: apigateway.RestApi;
  readonly backends: LeadbaseBackends;
  readonly platform: ApiKeyPlatform;

  constructor(scope: Construct, id: string, props: LeadbaseStackProps = {}) {
    super(scope, id, props);
    const { live, sandbox } = leadbaseApi.compiled.stages;
    this.api = new apigateway.RestApi(this, 'Api', {
      restApiName: 'leadbase-api',
      endpointTypes: [apigateway.EndpointType.REGIONAL],
      cloudWatchRole: false,
      // Access logs in the platform's format, to its Firehose stream (connected by addUsagePlans):
      // usage statistics and the call log are read from them.
      deployOptions: platformStageOptions(live),
    });
    const deployment = this.api.latestDeployment as apigateway.Deployment;
    const sandboxStage = new apigateway.Stage(this, 'SandboxStage', { deployment, ...platformStageOptions(sandbox) });

    this.backends = new LeadbaseBackends(this, 'Leadbase', props);
    this.platform = new ApiKeyPlatform(this, 'Keys', {
      api: this.api,
      definition: leadbaseApi,
      backends: this.backends.functions,
    });
    // Contacts, tables and enrichments publish Leadbase's events (search publishes none).
    const { contacts, tables, enrichments } = this.backends.functions;
    for (const fn of [contacts, tables, enrichments]) this.platform.grantPublishEvents(fn);
    const usagePlans = this.platform.addUsagePlans(this.api, [this.api.deploymentStage, sandboxStage]);

    // What the operator CLI needs (docs/operations.md), and where clients call.
    new CfnOutput(this, 'LiveUrl', { value: this.api.deploymentStage.urlForPath('/') });
    new CfnOutput(this, 'SandboxUrl', { value: sandboxStage.urlForPath('/') });
    new CfnOutput(this, 'TableName', { value: this.platform.table.tableName });
    new CfnOutput(this, 'PepperSecretId', { value: this.platform.pepper.secretArn });
    new CfnOutput(this, 'RestApiId', { value: this.api.restApiId });
    new CfnOutput(this, 'UsagePlanIds', { value: usagePlans.idsJson() });
    new CfnOutput(this, 'DashboardName', { value: this.platform.operations.dashboard.dashboardName });
  }
}
