/** Webhooks in the template: signing secret, queues and DLQs, alarms, event sources, grants, network. */
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { IConstruct } from 'constructs';
import { consumedQueues, FUNCTIONS, type FunctionId, type FunctionNeeds } from '../../functions/definition/functions';
import { QUEUES } from '../../functions/definition/queues';
import { ApiKeyPlatform } from '../../infra/api-key-platform';
import { DELIVERY_MAX_CONCURRENCY } from '../../infra/constructs/webhooks';
import { actionsOf, logicalIdOf, type Statement, statementsOfRole, synthDemo, teamApi, testApp } from './synth';

const { stack, template } = synthDemo();
const platform = stack.platform;
const webhooks = platform.webhooks;
const functionIds = Object.keys(FUNCTIONS) as FunctionId[];
const needsOf = (functionId: FunctionId): FunctionNeeds => FUNCTIONS[functionId].needs;

function lambdaOf(functionId: FunctionId) {
  const resource = template.findResources('AWS::Lambda::Function')[logicalIdOf(platform.functions[functionId])];
  if (!resource) throw new Error(`No Lambda function for ${functionId}`);
  return resource.Properties as { Environment: { Variables: Record<string, unknown> } } & Record<string, unknown>;
}

function statementsOf(functionId: FunctionId): Statement[] {
  const role = platform.functions[functionId].role;
  if (!role) throw new Error(`${functionId} has no role`);
  return statementsOfRole(template, role);
}

/** The actions a function may take on one resource (statements naming it by Ref or GetAtt). */
function actionsOn(functionId: FunctionId, resource: IConstruct): string[] {
  const id = logicalIdOf(resource);
  return actionsOf(
    statementsOf(functionId).filter((statement) => JSON.stringify(statement.Resource).includes(`"${id}"`)),
  );
}

const queueArn = (queue: sqs.IQueue) => ({ 'Fn::GetAtt': [logicalIdOf(queue), 'Arn'] });
const SEND = 'sqs:SendMessage';
/** What the event source mapping polls with; the delivery worker also hides its own messages. */
const CONSUME = ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'];
const HIDE = 'sqs:ChangeMessageVisibility';
const READ_SECRET = 'secretsmanager:GetSecretValue';

describe('webhook signing secret', () => {
  it('is generated like the pepper: 64 alphanumerics, and says what changing it does', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Description: Match.stringLikeRegexp('every endpoint signing secret is derived from it'),
      GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true, IncludeSpace: false },
    });
    expect(template.findResources('AWS::SecretsManager::Secret')[logicalIdOf(webhooks.secret)]).toBeDefined();
  });

  it('is retained by default, in the demo stack too', () => {
    const consumer = new Stack(testApp(), 'Consumer');
    const api = new apigateway.RestApi(consumer, 'TeamApi', { deployOptions: { stageName: 'live' } });
    api.root.addResource('health').addMethod('GET', new apigateway.MockIntegration());
    const team = new ApiKeyPlatform(consumer, 'Platform', { ...teamApi(consumer), api });
    const secret =
      Template.fromStack(consumer).findResources('AWS::SecretsManager::Secret')[logicalIdOf(team.webhooks.secret)];
    expect(secret?.DeletionPolicy).toBe('Retain');
    expect(template.findResources('AWS::SecretsManager::Secret')[logicalIdOf(webhooks.secret)]?.DeletionPolicy).toBe(
      'Retain',
    );
  });

  it('can be read only by webhooks, webhook-test and webhook-delivery', () => {
    const readers = functionIds.filter((functionId) => actionsOn(functionId, webhooks.secret).includes(READ_SECRET));
    expect(readers.sort()).toEqual(['webhook-delivery', 'webhook-test', 'webhooks']);
    for (const functionId of functionIds) {
      expect(actionsOn(functionId, webhooks.secret).length > 0).toBe(readers.includes(functionId));
    }
  });

  it('reaches its readers as WEBHOOK_SECRET_ID, the full ARN', () => {
    for (const functionId of functionIds) {
      const variables = lambdaOf(functionId).Environment.Variables;
      if (needsOf(functionId).webhookSecret) {
        expect(variables.WEBHOOK_SECRET_ID).toEqual({ Ref: logicalIdOf(webhooks.secret) });
      } else {
        expect(variables).not.toHaveProperty('WEBHOOK_SECRET_ID');
      }
    }
  });
});

describe('webhook queues', () => {
  it.each([
    ['webhook-events', webhooks.eventQueue, webhooks.eventDeadLetterQueue],
    ['team-events', webhooks.teamEventQueue, webhooks.teamEventDeadLetterQueue],
    ['webhook-deliveries', webhooks.deliveryQueue, webhooks.deliveryDeadLetterQueue],
  ] as const)('%s has the QUEUES settings, a DLQ, SQS-managed encryption, TLS only', (queueId, queue, dlq) => {
    const definition = QUEUES[queueId];
    const queues = template.findResources('AWS::SQS::Queue');
    expect(queues[logicalIdOf(queue)]?.Properties).toMatchObject({
      VisibilityTimeout: definition.visibilityTimeoutSeconds,
      SqsManagedSseEnabled: true,
      RedrivePolicy: { deadLetterTargetArn: queueArn(dlq), maxReceiveCount: definition.maxReceiveCount },
    });
    expect(queues[logicalIdOf(dlq)]?.Properties).toMatchObject({
      MessageRetentionPeriod: definition.deadLetterRetentionDays * 24 * 3600,
      SqsManagedSseEnabled: true,
    });
    for (const tlsOnly of [queue, dlq]) {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: logicalIdOf(tlsOnly) }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
  });

  it('keeps delivery messages at least 4 days: they live through about 28 hours of retries', () => {
    const deliveries = template.findResources('AWS::SQS::Queue')[logicalIdOf(webhooks.deliveryQueue)];
    expect(deliveries?.Properties.MessageRetentionPeriod).toBeGreaterThanOrEqual(4 * 24 * 3600);
  });

  it('alarm on any message in any of their DLQs', () => {
    for (const dlq of [
      webhooks.eventDeadLetterQueue,
      webhooks.teamEventDeadLetterQueue,
      webhooks.deliveryDeadLetterQueue,
    ]) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalIdOf(dlq), 'QueueName'] } }],
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    }
  });

  it('alarm when published events wait for fan-out more than 5 minutes', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalIdOf(webhooks.eventQueue), 'QueueName'] } }],
      Threshold: 300,
      EvaluationPeriods: 3,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('alarm well before the deliveries queue reaches SQS’s in-flight limit', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesNotVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalIdOf(webhooks.deliveryQueue), 'QueueName'] } }],
      Threshold: 60_000,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });
});

describe('webhook workers', () => {
  it.each([
    ['webhook-events', webhooks.eventQueue],
    ['team-events', webhooks.teamEventQueue],
  ] as const)('fan-out consumes the %s queue with partial batch failures and its own cap', (queueId, queue) => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalIdOf(platform.functions['webhook-fanout']) },
      EventSourceArn: queueArn(queue),
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: QUEUES[queueId].batchSize,
      ScalingConfig: { MaximumConcurrency: QUEUES[queueId].maxConcurrency },
    });
  });

  it('the delivery worker consumes the deliveries queue with partial batch failures and bounded concurrency', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalIdOf(platform.functions['webhook-delivery']) },
      EventSourceArn: queueArn(webhooks.deliveryQueue),
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: QUEUES['webhook-deliveries'].batchSize,
      ScalingConfig: { MaximumConcurrency: DELIVERY_MAX_CONCURRENCY },
    });
  });

  it('each queue has exactly one consumer', () => {
    const mappings = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'));
    for (const queue of [webhooks.eventQueue, webhooks.teamEventQueue, webhooks.deliveryQueue]) {
      const arn = JSON.stringify(queueArn(queue));
      expect(mappings.filter((mapping) => JSON.stringify(mapping.Properties.EventSourceArn) === arn)).toHaveLength(1);
    }
  });

  it('size the delivery worker for a parallel batch, well under the visibility timeout', () => {
    const delivery = lambdaOf('webhook-delivery');
    expect(delivery).toMatchObject({ MemorySize: 512, Timeout: 60 });
    expect(QUEUES['webhook-deliveries'].visibilityTimeoutSeconds).toBeGreaterThanOrEqual(6 * 60);
    expect(lambdaOf('webhook-fanout')).toMatchObject({ MemorySize: 256, Timeout: 30 });
    expect(lambdaOf('webhook-test')).toMatchObject({ MemorySize: 256, Timeout: 30 });
    expect(QUEUES['webhook-events'].visibilityTimeoutSeconds).toBeGreaterThanOrEqual(6 * 30);
  });
});

describe('webhook queue access', () => {
  it('the delivery worker can receive, delete and reschedule its own messages, and knows its queue', () => {
    const onDeliveries = actionsOn('webhook-delivery', webhooks.deliveryQueue);
    expect(onDeliveries).toEqual(expect.arrayContaining([...CONSUME, HIDE]));
    expect(lambdaOf('webhook-delivery').Environment.Variables.WEBHOOK_DELIVERY_QUEUE_URL).toEqual({
      Ref: logicalIdOf(webhooks.deliveryQueue),
    });
  });

  it('the delivery worker re-sends long waits to its own queue as delayed messages, and to no other queue', () => {
    expect(actionsOn('webhook-delivery', webhooks.deliveryQueue)).toContain(SEND);
    const sendTargets = statementsOf('webhook-delivery')
      .filter((statement) => actionsOf([statement]).includes(SEND))
      .map((statement) => statement.Resource);
    expect(sendTargets).toEqual([queueArn(webhooks.deliveryQueue)]);
  });

  it('the delivery worker cannot publish events', () => {
    expect(actionsOn('webhook-delivery', webhooks.eventQueue)).toEqual([]);
    expect(lambdaOf('webhook-delivery').Environment.Variables).not.toHaveProperty('WEBHOOK_EVENT_QUEUE_URL');
  });

  it('fan-out consumes both events queues and can send to the deliveries queue only', () => {
    for (const events of [webhooks.eventQueue, webhooks.teamEventQueue]) {
      expect(actionsOn('webhook-fanout', events)).toEqual(expect.arrayContaining(CONSUME));
      expect(actionsOn('webhook-fanout', events)).not.toContain(HIDE);
      expect(actionsOn('webhook-fanout', events)).not.toContain(SEND);
    }
    expect(actionsOn('webhook-fanout', webhooks.deliveryQueue)).toContain(SEND);
    expect(actionsOn('webhook-fanout', webhooks.deliveryQueue)).not.toContain('sqs:ReceiveMessage');
    const sendTargets = statementsOf('webhook-fanout')
      .filter((statement) => actionsOf([statement]).includes(SEND))
      .map((statement) => statement.Resource);
    expect(sendTargets).toEqual([queueArn(webhooks.deliveryQueue)]);
    expect(lambdaOf('webhook-fanout').Environment.Variables).toMatchObject({
      WEBHOOK_EVENT_QUEUE_URL: { Ref: logicalIdOf(webhooks.eventQueue) },
      TEAM_EVENT_QUEUE_URL: { Ref: logicalIdOf(webhooks.teamEventQueue) },
      WEBHOOK_DELIVERY_QUEUE_URL: { Ref: logicalIdOf(webhooks.deliveryQueue) },
    });
  });

  it("grantPublishEvents lets a team's function send to the team events queue only, never the platform's", () => {
    const consumer = new Stack(testApp(), 'Consumer');
    const api = new apigateway.RestApi(consumer, 'TeamApi', { deployOptions: { stageName: 'live' } });
    api.root.addResource('health').addMethod('GET', new apigateway.MockIntegration());
    const props = teamApi(consumer);
    const team = new ApiKeyPlatform(consumer, 'Platform', { ...props, api });
    const publisher = props.backends.contacts as lambda.Function;

    team.grantPublishEvents(publisher);

    const consumerTemplate = Template.fromStack(consumer);
    const sqsStatements = statementsOfRole(consumerTemplate, publisher.role as IConstruct).filter((statement) =>
      actionsOf([statement]).some((action) => action.startsWith('sqs:')),
    );
    expect(sqsStatements.map((statement) => [actionsOf([statement]), statement.Resource])).toEqual([
      [[SEND], queueArn(team.webhooks.teamEventQueue)],
    ]);
    const variables = (
      consumerTemplate.findResources('AWS::Lambda::Function')[logicalIdOf(publisher)]?.Properties as {
        Environment: { Variables: Record<string, unknown> };
      }
    ).Environment.Variables;
    expect(variables.TEAM_EVENT_QUEUE_URL).toEqual({ Ref: logicalIdOf(team.webhooks.teamEventQueue) });
    expect(variables).not.toHaveProperty('WEBHOOK_EVENT_QUEUE_URL');
  });

  it('grantPublishEvents lets a backend outside Lambda (an ECS task role) send to the team events queue only', () => {
    const consumer = new Stack(testApp(), 'Consumer');
    const api = new apigateway.RestApi(consumer, 'TeamApi', { deployOptions: { stageName: 'live' } });
    api.root.addResource('health').addMethod('GET', new apigateway.MockIntegration());
    const team = new ApiKeyPlatform(consumer, 'Platform', { ...teamApi(consumer), api });
    const taskRole = new iam.Role(consumer, 'TaskRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
    });

    team.grantPublishEvents(taskRole);

    const sqsStatements = statementsOfRole(Template.fromStack(consumer), taskRole).filter((statement) =>
      actionsOf([statement]).some((action) => action.startsWith('sqs:')),
    );
    expect(sqsStatements.map((statement) => [actionsOf([statement]), statement.Resource])).toEqual([
      [[SEND], queueArn(team.webhooks.teamEventQueue)],
    ]);
  });

  it.each([
    'events-publish',
  ] as const)('%s can send to the events queue only, and cannot read the webhook secret', (functionId) => {
    const sqsStatements = statementsOf(functionId).filter((statement) =>
      actionsOf([statement]).some((action) => action.startsWith('sqs:')),
    );
    expect(sqsStatements.map((statement) => statement.Resource)).toEqual([queueArn(webhooks.eventQueue)]);
    expect(actionsOf(sqsStatements)).toContain(SEND);
    expect(actionsOf(sqsStatements)).not.toContain('sqs:ReceiveMessage');
    expect(actionsOn(functionId, webhooks.secret)).toEqual([]);
    expect(lambdaOf(functionId).Environment.Variables.WEBHOOK_EVENT_QUEUE_URL).toEqual({
      Ref: logicalIdOf(webhooks.eventQueue),
    });
  });

  it.each(functionIds)('%s gets the URL and access of exactly the queues its needs name', (functionId) => {
    const needs = needsOf(functionId);
    const variables = lambdaOf(functionId).Environment.Variables;
    const queues = [
      ['reminders', platform.reminders.queue, 'REMINDER_QUEUE_URL'],
      ['webhook-events', webhooks.eventQueue, 'WEBHOOK_EVENT_QUEUE_URL'],
      ['team-events', webhooks.teamEventQueue, 'TEAM_EVENT_QUEUE_URL'],
      ['webhook-deliveries', webhooks.deliveryQueue, 'WEBHOOK_DELIVERY_QUEUE_URL'],
    ] as const;
    for (const [queueId, queue, variable] of queues) {
      const sends = needs.sendToQueue === queueId;
      const consumes = consumedQueues(needs).includes(queueId);
      expect(variables[variable] !== undefined).toBe(sends || consumes);
      const actions = actionsOn(functionId, queue);
      expect(actions.includes(SEND)).toBe(sends);
      expect(actions.includes('sqs:ReceiveMessage')).toBe(consumes);
    }
  });
});

describe('webhook network', () => {
  it.each([
    'webhook-delivery',
    'webhook-test',
  ] as const)('%s runs outside any VPC: internet egress only, no route to private subnets', (functionId) => {
    expect(lambdaOf(functionId)).not.toHaveProperty('VpcConfig');
  });

  it('no webhook egress variable is set in AWS (loopback and short retries are for the local stack)', () => {
    for (const functionId of functionIds) {
      const variables = lambdaOf(functionId).Environment.Variables;
      expect(variables).not.toHaveProperty('WEBHOOK_ALLOW_LOOPBACK');
      expect(variables).not.toHaveProperty('WEBHOOK_RETRY_SCHEDULE');
    }
  });
});
