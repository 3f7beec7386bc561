/** Shared test setup: synthesizes stacks the way `cdk synth` does, minus the esbuild bundling. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { NagSuppressions } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { leadbaseApi } from '../../examples/leadbase/api';
import type { ApiDefinition } from '../../functions/definition/api-definition';
import { DemoStack } from '../../infra/demo-stack';
import { findProjectRoot } from '../../infra/function-defaults';

/** The feature flags of cdk.json, so the tests see the same constructs the deployed app does. */
function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(findProjectRoot(), 'cdk.json'), 'utf8')) as { context?: object };
  return { ...cdkJson.context };
}

/** An app that skips asset bundling: tests check the template, not the bundles. */
export function testApp(context: Record<string, string> = {}): App {
  return new App({ context: { ...cdkJsonContext(), ...context, 'aws:cdk:bundling-stacks': [] } });
}

/** The demo as deployed with `-c reminderSender=api-keys@example.com`: without a sender its reminders are off. */
export const DEMO_CONTEXT = { reminderSender: 'api-keys@example.com' };

/** The definition the infra tests deploy: Leadbase's, whose routes all have Lambda backends. */
export const TEST_DEFINITION = leadbaseApi;

/** A stand-in function for each `{ lambda }` backend of the definition: the tests check the template. */
export function stubBackends(
  stack: Stack,
  definition: ApiDefinition = TEST_DEFINITION,
): Record<string, lambda.IFunction> {
  const names = new Set(
    definition.compiled.routes.flatMap((route) => ('lambda' in route.backend ? [route.backend.lambda] : [])),
  );
  return Object.fromEntries(
    [...names].map((name) => {
      const fn = new lambda.Function(stack, `Backend-${name}`, {
        runtime: lambda.Runtime.NODEJS_22_X,
        handler: 'index.handler',
        code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200, body: "{}" });'),
        logGroup: new logs.LogGroup(stack, `Backend-${name}-Logs`, { retention: logs.RetentionDays.ONE_MONTH }),
      });
      // The team's functions are the team's to harden; these stand-ins only give routes a target.
      NagSuppressions.addResourceSuppressions(
        fn,
        [
          { id: 'AwsSolutions-IAM4', reason: 'A stand-in for a team backend in the tests' },
          { id: 'AwsSolutions-L1', reason: 'A stand-in for a team backend in the tests' },
        ],
        true,
      );
      return [name, fn];
    }),
  );
}

/** The props every ApiKeyPlatform of the tests gets: the definition and its backends in `stack`. */
export function teamApi(stack: Stack): { definition: ApiDefinition; backends: Record<string, lambda.IFunction> } {
  return { definition: TEST_DEFINITION, backends: stubBackends(stack) };
}

/** The demo stack on the test definition, not yet synthesized (aspects may still be added). */
export function demoStack(app: App, id = 'ApiKeyPlatformDemo'): DemoStack {
  return new DemoStack(app, id, { definition: TEST_DEFINITION, backends: (scope) => stubBackends(scope) });
}

export function synthDemo(app: App = testApp(DEMO_CONTEXT)): { stack: DemoStack; template: Template } {
  const stack = demoStack(app);
  return { stack, template: Template.fromStack(stack) };
}

/** The CloudFormation logical id of an L2 construct's main resource. */
export function logicalIdOf(construct: IConstruct): string {
  const resource = construct.node.defaultChild as CfnElement | undefined;
  if (!resource) throw new Error(`${construct.node.path} has no CloudFormation resource`);
  const stack = Stack.of(resource);
  return stack.resolve(stack.getLogicalId(resource)) as string;
}

export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

/** Every IAM statement attached to a role, from its inline and separate policies. */
export function statementsOfRole(template: Template, role: IConstruct): Statement[] {
  const roleId = logicalIdOf(role);
  const inline = (template.findResources('AWS::IAM::Role')[roleId]?.Properties?.Policies ?? []) as {
    PolicyDocument: { Statement: Statement[] };
  }[];
  const attached = Object.values(template.findResources('AWS::IAM::Policy')).filter((policy) =>
    (policy.Properties.Roles as { Ref?: string }[]).some((ref) => ref.Ref === roleId),
  );
  return [...inline, ...attached.map((policy) => policy.Properties)].flatMap(
    (policy) => policy.PolicyDocument.Statement as Statement[],
  );
}

export function actionsOf(statements: Statement[]): string[] {
  return statements.flatMap((statement) => (Array.isArray(statement.Action) ? statement.Action : [statement.Action]));
}

/** A queue with its DLQ after `maxReceiveCount`, both TLS-only, and an alarm on the DLQ's depth. */
export function expectQueueWithDeadLetterQueue(
  template: Template,
  queues: { queue: IConstruct; deadLetterQueue: IConstruct },
  definition: { visibilityTimeoutSeconds: number; maxReceiveCount: number },
): void {
  template.hasResourceProperties('AWS::SQS::Queue', {
    VisibilityTimeout: definition.visibilityTimeoutSeconds,
    SqsManagedSseEnabled: true,
    RedrivePolicy: {
      deadLetterTargetArn: { 'Fn::GetAtt': [logicalIdOf(queues.deadLetterQueue), 'Arn'] },
      maxReceiveCount: definition.maxReceiveCount,
    },
  });
  for (const queue of [queues.queue, queues.deadLetterQueue]) {
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: logicalIdOf(queue) }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  }
  template.hasResourceProperties('AWS::CloudWatch::Alarm', {
    MetricName: 'ApproximateNumberOfMessagesVisible',
    Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalIdOf(queues.deadLetterQueue), 'QueueName'] } }],
    Threshold: 1,
  });
}
