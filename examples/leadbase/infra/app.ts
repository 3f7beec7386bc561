/**
 * Leadbase's CDK app: `npx cdk synth --app "npx tsx examples/leadbase/infra/app.ts"` from the
 * repository root (or deploy with the same --app).
 */
import { App } from 'aws-cdk-lib';
import { LeadbaseStack } from './stack';

const app = new App();
new LeadbaseStack(app, 'Leadbase');
app.synth();
