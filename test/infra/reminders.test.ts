/** Rotation reminders in the template: schedule, queue and DLQ, alarm, event source, SES grant. */
import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as events from 'aws-cdk-lib/aws-events';
import { FUNCTIONS, type FunctionId } from '../../functions/definition/functions';
import { QUEUES, REMINDER_SCAN_RATE_MINUTES } from '../../functions/definition/queues';
import { ApiKeyPlatform } from '../../infra/api-key-platform';
import { sesIdentitiesOf } from '../../infra/grants';
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
/** The reminder worker, and the webhook delivery worker (it emails when it disables an endpoint). */
const emailSenders = (Object.keys(FUNCTIONS) as FunctionId[]).filter(
  (functionId) => (FUNCTIONS[functionId].needs as { sendEmail?: boolean }).sendEmail,
);

describe('rotation reminders', () => {
  it('run the scan daily by default', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: `rate(${REMINDER_SCAN_RATE_MINUTES / 60 / 24} day)`,
      State: 'ENABLED',
      Targets: [
        Match.objectLike({ Arn: { 'Fn::GetAtt': [logicalIdOf(platform.functions['reminders-scan']), 'Arn'] } }),
      ],
    });
  });

  it('have a queue with a DLQ after QUEUES.reminders.maxReceiveCount, both TLS-only, and a DLQ alarm', () => {
    expectQueueWithDeadLetterQueue(template, platform.reminders, QUEUES.reminders);
  });

  it('feed the worker with partial batch failures', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalIdOf(platform.functions['reminders-worker']) },
      EventSourceArn: { 'Fn::GetAtt': [logicalIdOf(platform.reminders.queue), 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: QUEUES.reminders.batchSize,
    });
  });

  it('let only the functions that need it send email, and only from the sender identity', () => {
    expect(emailSenders).toEqual(expect.arrayContaining(['reminders-worker']));
    for (const functionId of emailSenders) {
      const statements = statementsOfRole(template, platform.functions[functionId].role as never);
      const ses = statements.filter((statement) => actionsOf([statement]).some((action) => action.startsWith('ses:')));
      expect(ses).toHaveLength(1);
      expect(ses[0]?.Action).toBe('ses:SendEmail');
      expect(JSON.stringify(ses[0]?.Resource)).toContain(':identity/api-keys@example.com');
    }
    for (const [functionId, fn] of Object.entries(platform.functions)) {
      if (emailSenders.includes(functionId as FunctionId)) continue;
      expect(actionsOf(statementsOfRole(template, fn.role as never)).filter((a) => a.startsWith('ses:'))).toEqual([]);
    }
    const scan = actionsOf(statementsOfRole(template, platform.functions['reminders-scan'].role as never));
    expect(scan).toEqual(expect.arrayContaining(['sqs:SendMessage']));
    expect(scan).not.toContain('sqs:ReceiveMessage');
  });

  it('let senders send from the address whether SES verified the address or only its domain, and from no other address', () => {
    for (const functionId of emailSenders) {
      const statements = statementsOfRole(template, platform.functions[functionId].role as never);
      const ses = statements.find((statement) => statement.Action === 'ses:SendEmail') as
        | { Resource: unknown; Condition?: unknown }
        | undefined;
      const resources = JSON.stringify(ses?.Resource);
      expect(resources).toContain(':identity/api-keys@example.com"');
      expect(resources).toContain(':identity/example.com"');
      expect(ses?.Condition).toEqual({ StringEquals: { 'ses:FromAddress': 'api-keys@example.com' } });
    }
  });

  it('name each SES identity once: the address, its domain, and the one the team named', () => {
    expect(sesIdentitiesOf({ senderAddress: 'keys@mail.team.example' })).toEqual([
      'keys@mail.team.example',
      'mail.team.example',
    ]);
    expect(sesIdentitiesOf({ senderAddress: 'keys@mail.team.example', identity: 'team.example' })).toEqual([
      'keys@mail.team.example',
      'mail.team.example',
      'team.example',
    ]);
    expect(sesIdentitiesOf({ senderAddress: 'keys@team.example', identity: 'team.example' })).toEqual([
      'keys@team.example',
      'team.example',
    ]);
    expect(() => sesIdentitiesOf({ senderAddress: 'Keys <keys@team.example>' })).toThrow(/plain address/);
  });

  it('take the sender, SES region and schedule as construct properties', () => {
    const consumer = new Stack(testApp(), 'Consumer', { env: { region: 'eu-central-1', account: '111111111111' } });
    const api = new apigateway.RestApi(consumer, 'TeamApi', { deployOptions: { stageName: 'live' } });
    api.root.addResource('health').addMethod('GET', new apigateway.MockIntegration());
    new ApiKeyPlatform(consumer, 'Platform', {
      ...teamApi(consumer),
      api,
      reminders: {
        senderAddress: 'keys@team.example',
        senderIdentity: 'team.example',
        sesRegion: 'eu-west-1',
        schedule: events.Schedule.rate(Duration.hours(6)),
      },
    });
    const team = Template.fromStack(consumer);
    team.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(6 hours)' });
    const sesStatements = Object.values(team.findResources('AWS::IAM::Policy'))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement as { Action: unknown; Resource: unknown }[])
      .filter((statement) => statement.Action === 'ses:SendEmail');
    expect(sesStatements).toHaveLength(emailSenders.length);
    for (const statement of sesStatements) {
      const resource = JSON.stringify(statement.Resource);
      expect(resource).toContain(':ses:eu-west-1:');
      expect(resource).toContain(':identity/team.example');
    }
    team.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ EMAIL_SENDER: 'keys@team.example', SES_REGION: 'eu-west-1' }) },
    });
  });

  it('without a sender, keep the schedule off and give no function SES or EMAIL_SENDER, so none tries to send', () => {
    const consumer = new Stack(testApp(), 'NoSender');
    const api = new apigateway.RestApi(consumer, 'TeamApi', { deployOptions: { stageName: 'live' } });
    api.root.addResource('health').addMethod('GET', new apigateway.MockIntegration());
    new ApiKeyPlatform(consumer, 'Platform', { ...teamApi(consumer), api });
    const team = Template.fromStack(consumer);
    team.hasResourceProperties('AWS::Events::Rule', { State: 'DISABLED' });
    const actions = Object.values(team.findResources('AWS::IAM::Policy')).flatMap((policy) =>
      (policy.Properties.PolicyDocument.Statement as { Action: string | string[] }[]).flatMap((s) => s.Action),
    );
    expect(actions.filter((action) => action.startsWith('ses:'))).toEqual([]);
    for (const fn of Object.values(team.findResources('AWS::Lambda::Function'))) {
      expect(fn.Properties.Environment?.Variables ?? {}).not.toHaveProperty('EMAIL_SENDER');
    }
  });
});
