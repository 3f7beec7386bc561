/** cdk-nag's AwsSolutions rules: every finding is fixed or suppressed with a reason. */
import { Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DEMO_CONTEXT, demoStack, testApp } from './synth';

const AWS_SOLUTIONS = Match.stringLikeRegexp('AwsSolutions-.*');

/** AwsSolutions rule ids reported on a stack, as `rule: resource path`. */
function findings(stack: Stack, kind: 'error' | 'warning'): string[] {
  let annotations: Annotations;
  try {
    annotations = Annotations.fromStack(stack);
  } catch (error) {
    // With cdk.json's `@aws-cdk/core:validateAgainstDefaultRules`, error annotations fail synth itself.
    const report = error instanceof Error ? error.message : String(error);
    const level = kind === 'error' ? 'ERROR' : 'WARNING';
    const entries = report.matchAll(new RegExp(`${level} (AwsSolutions-[\\w]+)[^\\n]*\\n\\s+(\\S+)`, 'g'));
    return [...entries].map(([, rule, path]) => `${rule}: ${path}`);
  }
  const found =
    kind === 'error' ? annotations.findError('*', AWS_SOLUTIONS) : annotations.findWarning('*', AWS_SOLUTIONS);
  return found.map((finding) => `${String(finding.entry.data).split(':')[0]}: ${finding.id}`);
}

describe('AwsSolutions checks', () => {
  it.each([
    ['without context', {}],
    ['with every context option', { ...DEMO_CONTEXT, alarmEmail: 'ops@example.com', apiGatewayCloudWatchRole: 'true' }],
  ])('leave no unsuppressed error or warning on the demo stack (%s)', (_, context) => {
    const app = testApp(context);
    const stack = demoStack(app);
    Aspects.of(app).add(new AwsSolutionsChecks());
    expect(findings(stack, 'error')).toEqual([]);
    expect(findings(stack, 'warning')).toEqual([]);
  });

  it('do report findings when nothing is suppressed, so the test above can fail', () => {
    const app = testApp();
    const stack = new Stack(app, 'Unsuppressed');
    new secretsmanager.Secret(stack, 'Secret');
    Aspects.of(app).add(new AwsSolutionsChecks());
    expect(findings(stack, 'error')).toEqual([expect.stringMatching(/^AwsSolutions-SMG4:/)]);
  });
});
