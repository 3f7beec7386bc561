/**
 * The root CDK app (`npm run synth`, `cdk deploy`): the Leadbase example's stack, the platform as
 * a team adopts it. The platform's own test stack is infra/demo-stack.ts.
 */
import { App } from 'aws-cdk-lib';
import { LeadbaseStack } from '../examples/leadbase/infra/stack';

const app = new App();
// No `env`: the stack stays environment-agnostic, so synth needs no AWS account or lookups.
new LeadbaseStack(app, 'ApiKeyPlatformDemo');
app.synth();
