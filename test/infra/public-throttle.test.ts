/** The public console link exchange is throttled on every stage the platform takes: no usage plan reaches it. */
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import { ApiKeyPlatform } from '../../infra/api-key-platform';
import { platformStageOptions } from '../../infra/stage-options';
import { teamApi, testApp } from './synth';

const EXCHANGE = { HttpMethod: 'POST', ResourcePath: '/~1v1~1console-sessions~1exchange' };

function stagesOf(methodOptions?: apigateway.StageOptions['methodOptions'], stage: apigateway.StageOptions = {}) {
  const stack = new Stack(testApp(), 'Consumer');
  const api = new apigateway.RestApi(stack, 'TeamApi', {
    deployOptions: platformStageOptions('live', {
      loggingLevel: apigateway.MethodLoggingLevel.ERROR,
      ...(methodOptions && { methodOptions }),
      ...stage,
    }),
  });
  api.root.addResource('health').addMethod('GET', new apigateway.MockIntegration());
  const platform = new ApiKeyPlatform(stack, 'Platform', { ...teamApi(stack), api });
  platform.addUsagePlans(api, [api.deploymentStage]);
  return Object.values(Template.fromStack(stack).findResources('AWS::ApiGateway::Stage'));
}

describe('throttlePublicRoutes', () => {
  it('limits POST /v1/console-sessions/exchange to 20 requests a second (burst 40), keeping the stage-wide settings', () => {
    const [stage] = stagesOf();

    expect(stage?.Properties.MethodSettings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ HttpMethod: '*', ResourcePath: '/*' }),
        {
          ...EXCHANGE,
          ThrottlingRateLimit: 20,
          ThrottlingBurstLimit: 40,
          LoggingLevel: 'ERROR',
          DataTraceEnabled: false,
          MetricsEnabled: false,
        },
      ]),
    );
  });

  it('leaves a throttle the team set for the exchange themselves', () => {
    const [stage] = stagesOf({
      '/v1/console-sessions/exchange/POST': { throttlingRateLimit: 5, throttlingBurstLimit: 5 },
    });

    const exchange = (stage?.Properties.MethodSettings as Record<string, unknown>[]).filter(
      (setting) => setting.ResourcePath === EXCHANGE.ResourcePath,
    );
    expect(exchange).toEqual([expect.objectContaining({ ThrottlingRateLimit: 5, ThrottlingBurstLimit: 5 })]);
  });

  it("never traces the exchange's data, though the stage or the team's own setting for it does: the link and the session token would be logged", () => {
    const traced = { dataTraceEnabled: true, loggingLevel: apigateway.MethodLoggingLevel.INFO };
    const exchangeOf = (stage?: ReturnType<typeof stagesOf>[number]) =>
      (stage?.Properties.MethodSettings as Record<string, unknown>[]).find(
        (setting) => setting.ResourcePath === EXCHANGE.ResourcePath,
      );

    const [tracedStage] = stagesOf(undefined, traced);
    const [teamTraced] = stagesOf({
      '/v1/console-sessions/exchange/POST': { throttlingRateLimit: 5, throttlingBurstLimit: 5, dataTraceEnabled: true },
    });

    expect(tracedStage?.Properties.MethodSettings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ HttpMethod: '*', ResourcePath: '/*', DataTraceEnabled: true }),
      ]),
    );
    expect(exchangeOf(tracedStage)).toMatchObject({ LoggingLevel: 'INFO', DataTraceEnabled: false });
    expect(exchangeOf(teamTraced)).toMatchObject({ ThrottlingRateLimit: 5, DataTraceEnabled: false });
  });
});
