/** The CDK app: the demo stack, checked against the AWS Solutions rules on every synth. */
import { App, Aspects } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DemoStack } from './demo-stack';

const app = new App();
// No `env`: the stack stays environment-agnostic, so synth needs no AWS account or lookups.
new DemoStack(app, 'ApiKeyPlatformDemo');
Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
app.synth();
