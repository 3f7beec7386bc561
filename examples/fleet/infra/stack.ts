/**
 * Levy Fleets' CDK stack: its REST API with a live and a sandbox stage, the platform attached, and
 * every route proxied (HTTP_PROXY) to the fleet service the team already runs, which gets the
 * caller as X-Caller-* headers. Keys are `Authorization: Bearer lf_live_…`, cached by the gateway.
 *
 * The service's URL is deploy-time configuration: `cdk deploy -c fleetBackendUrl=https://…`, or
 * FLEET_BACKEND_URL in the environment.
 *
 * The service checks that the X-Caller-* headers come from this API with the platform's caller
 * signing secret, whose ARN the stack outputs (CallerSigningSecretArn): the service reads it as
 * CALLER_SIGNING_SECRET_ID with a role the team gives `platform.grantCallerSecret(role)`, or takes
 * its value as CALLER_SIGNING_SECRET where it runs outside AWS (examples/fleet/service/main.ts).
 */
import { ApiKeyPlatform, platformStageOptions } from 'api-key-platform';
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type { Construct } from 'constructs';
import { fleetApi } from '../api';

export interface FleetStackProps extends StackProps {
  /** The fleet service's base URL; the `fleetBackendUrl` context or FLEET_BACKEND_URL otherwise. */
  backendUrl?: string;
}

export class FleetStack extends Stack {
  readonly api: apigateway.RestApi;
  readonly platform: ApiKeyPlatform;

  constructor(scope: Construct, id: string, props: FleetStackProps = {}) {
    super(scope, id, props);
    const backendUrl = props.backendUrl ?? this.node.tryGetContext('fleetBackendUrl') ?? process.env.FLEET_BACKEND_URL;
    if (!backendUrl) {
      throw new Error(
        'The fleet service URL is missing: cdk deploy -c fleetBackendUrl=https://fleet.internal.example (or set FLEET_BACKEND_URL).',
      );
    }
    const definition = fleetApi(backendUrl);
    const { live, sandbox } = definition.compiled.stages;

    this.api = new apigateway.RestApi(this, 'Api', {
      restApiName: 'levy-fleets-partner-api',
      endpointTypes: [apigateway.EndpointType.REGIONAL],
      cloudWatchRole: false,
      // Access logs in the platform's format, to its Firehose stream (connected by addUsagePlans):
      // usage statistics and the call log are read from them.
      deployOptions: platformStageOptions(live),
    });
    const deployment = this.api.latestDeployment as apigateway.Deployment;
    const sandboxStage = new apigateway.Stage(this, 'SandboxStage', { deployment, ...platformStageOptions(sandbox) });

    this.platform = new ApiKeyPlatform(this, 'Platform', { api: this.api, definition });
    this.platform.addUsagePlans(this.api, [this.api.deploymentStage, sandboxStage]);
    new CfnOutput(this, 'CallerSigningSecretArn', {
      value: this.platform.callerSigningSecret.secretArn,
      description: 'The fleet service verifies X-Caller-Signature with this secret (CALLER_SIGNING_SECRET_ID).',
    });
  }
}
