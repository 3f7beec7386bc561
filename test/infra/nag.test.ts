/** cdk-nag's AwsSolutions rules: every finding is fixed or suppressed with a reason. */
import { Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DemoStack } from '../../infra/demo-stack';
import { testApp } from './synth';

const AWS_SOLUTIONS = Match.stringLikeRegexp('AwsSolutions-.*');

describe('AwsSolutions checks', () => {
  it('leave no unsuppressed error or warning on the demo stack', () => {
    const app = testApp();
    const stack = new DemoStack(app, 'ApiKeyPlatformDemo');
    Aspects.of(app).add(new AwsSolutionsChecks());
    const annotations = Annotations.fromStack(stack);
    const describe = (findings: { id: string; entry: { data: unknown } }[]) =>
      findings.map((finding) => `${finding.id}: ${String(finding.entry.data).split(':')[0]}`);
    expect(describe(annotations.findError('*', AWS_SOLUTIONS))).toEqual([]);
    expect(describe(annotations.findWarning('*', AWS_SOLUTIONS))).toEqual([]);
  });

  it('do report findings when nothing is suppressed, so the test above can fail', () => {
    const app = testApp();
    const stack = new Stack(app, 'Unsuppressed');
    new secretsmanager.Secret(stack, 'Secret');
    Aspects.of(app).add(new AwsSolutionsChecks());
    expect(Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-SMG4'))).not.toEqual([]);
  });
});
