/** Exact key expiry in the template: the sweep's schedule, the queue and DLQ, the worker's event source, IAM. */
import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import { FUNCTIONS, type FunctionId } from '../../functions/definition/functions';
import { KEY_EXPIRY } from '../../functions/definition/key-expiry';
import { QUEUES } from '../../functions/definition/queues';
import { ApiKeyPlatform } from '../../infra/api-key-platform';
import {
  actionsOf,
  expectQueueWithDeadLetterQueue,
  logicalIdOf,
  statementsOfRole,
  synthDemo,
  teamApi,
  testApp,
} from './synth';

const { stack, template } = synthDemo();
const platform = stack.platform;
const queueRef = { 'Fn::GetAtt': [logicalIdOf(platform.keyExpiry.queue), 'Arn'] };

function sqsStatementsOf(functionId: FunctionId) {
  return statementsOfRole(template, platform.functions[functionId].role as never).filter((statement) =>
    actionsOf([statement]).some((action) => action.startsWith('sqs:')),
  );
}

/** Whether a function may send to, or receive from, the key-expiries queue. */
function expiryQueueAccess(functionId: FunctionId) {
  const onQueue = sqsStatementsOf(functionId).filter((statement) =>
    [statement.Resource].flat().some((resource) => JSON.stringify(resource) === JSON.stringify(queueRef)),
  );
  const actions = actionsOf(onQueue);
  return { send: actions.includes('sqs:SendMessage'), receive: actions.includes('sqs:ReceiveMessage') };
}

describe('key expiry', () => {
  it('runs the sweep every KEY_EXPIRY.sweepRateMinutes', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: `rate(${KEY_EXPIRY.sweepRateMinutes} minutes)`,
      State: 'ENABLED',
      Targets: [
        Match.objectLike({ Arn: { 'Fn::GetAtt': [logicalIdOf(platform.functions['key-expiry-sweep']), 'Arn'] } }),
      ],
    });
  });

  it("tells the sweep the gateway cache's TTL, how far back a missed expiry still needs a flush", () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Role: { 'Fn::GetAtt': [logicalIdOf(platform.functions['key-expiry-sweep'].role as never), 'Arn'] },
      Environment: { Variables: Match.objectLike({ AUTHORIZER_CACHE_TTL_SECONDS: '300' }) },
    });
  });

  it('has a queue with a DLQ, both TLS-only and encrypted, and an alarm on the DLQ', () => {
    expectQueueWithDeadLetterQueue(template, platform.keyExpiry, QUEUES['key-expiries']);
  });

  it('feeds the worker with partial batch failures, within its visibility timeout', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalIdOf(platform.functions['key-expiry-worker']) },
      EventSourceArn: queueRef,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: QUEUES['key-expiries'].batchSize,
    });
    const worker =
      template.findResources('AWS::Lambda::Function')[logicalIdOf(platform.functions['key-expiry-worker'])];
    expect(worker?.Properties.Timeout).toBeLessThan(QUEUES['key-expiries'].visibilityTimeoutSeconds);
  });

  it('lets only the key writers and the sweep send expiries, and only the worker receive them', () => {
    const senders = (Object.keys(FUNCTIONS) as FunctionId[]).filter((functionId) => expiryQueueAccess(functionId).send);
    const receivers = (Object.keys(FUNCTIONS) as FunctionId[]).filter(
      (functionId) => expiryQueueAccess(functionId).receive,
    );
    expect(senders.sort()).toEqual(['key-expiry-sweep', 'keys-create', 'keys-rotate', 'keys-update']);
    expect(receivers).toEqual(['key-expiry-worker']);
    const functions = template.findResources('AWS::Lambda::Function');
    const withUrl = (Object.keys(FUNCTIONS) as FunctionId[]).filter(
      (functionId) =>
        functions[logicalIdOf(platform.functions[functionId])]?.Properties.Environment.Variables
          .KEY_EXPIRY_QUEUE_URL !== undefined,
    );
    expect(withUrl.sort()).toEqual([...senders, ...receivers].sort());
  });

  it('lets the worker flush the authorizer cache, stage by stage, and the sweep not', () => {
    const flush = statementsOfRole(template, platform.functions['key-expiry-worker'].role as never).filter(
      (statement) => actionsOf([statement]).some((action) => action.startsWith('apigateway:')),
    );
    expect(flush).toHaveLength(1);
    expect(flush[0]?.Action).toBe('apigateway:DELETE');
    expect(JSON.stringify(flush[0]?.Resource)).toContain('/stages/live/cache/authorizers');
    expect(JSON.stringify(flush[0]?.Resource)).not.toContain('/stages/*');
    const sweep = actionsOf(statementsOfRole(template, platform.functions['key-expiry-sweep'].role as never));
    expect(sweep.filter((action) => action.startsWith('apigateway:'))).toEqual([]);
    expect(sweep).not.toContain('sqs:ReceiveMessage');
  });

  it('takes the flush window as a construct property, and refuses one the worker cannot wait out', () => {
    const consumer = new Stack(testApp(), 'Consumer');
    const api = new apigateway.RestApi(consumer, 'TeamApi', { deployOptions: { stageName: 'live' } });
    api.root.addResource('health').addMethod('GET', new apigateway.MockIntegration());
    new ApiKeyPlatform(consumer, 'Platform', {
      ...teamApi(consumer),
      api,
      keyExpiry: { flushWindow: Duration.seconds(2) },
    });
    Template.fromStack(consumer).hasResourceProperties('AWS::Lambda::Function', {
      Description: FUNCTIONS['key-expiry-worker'].description,
      Environment: { Variables: Match.objectLike({ EXPIRY_FLUSH_WINDOW_SECONDS: '2' }) },
    });

    const other = new Stack(testApp(), 'TooLong');
    const otherApi = new apigateway.RestApi(other, 'TeamApi', { deployOptions: { stageName: 'live' } });
    otherApi.root.addResource('health').addMethod('GET', new apigateway.MockIntegration());
    expect(
      () =>
        new ApiKeyPlatform(other, 'Platform', {
          ...teamApi(other),
          api: otherApi,
          keyExpiry: { flushWindow: Duration.minutes(1) },
        }),
    ).toThrow('flushWindow must be 0–30 seconds');
  });
});
