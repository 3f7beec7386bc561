/** Leadbase's CDK stack: its own table and functions behind its routes, and the platform attached. */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { LeadbaseStack } from '../infra/stack';

describe('LeadbaseStack', () => {
  // No asset bundling: the template is under test, not the bundles.
  const stack = new LeadbaseStack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Leadbase');
  const template = Template.fromStack(stack);
  const functions = stack.backends.functions;
  const environmentOf = (name: keyof typeof functions) => {
    const id = stack.getLogicalId(functions[name].node.defaultChild as never);
    return template.toJSON().Resources[id].Properties.Environment.Variables as Record<string, unknown>;
  };

  it("gives each of its four functions Leadbase's own table, apart from the platform's", () => {
    const tableRef = { Ref: stack.getLogicalId(stack.backends.table.node.defaultChild as never) };

    for (const name of ['contacts', 'tables', 'enrichments', 'search'] as const) {
      expect(environmentOf(name).LEADBASE_TABLE).toEqual(tableRef);
    }
    expect(stack.getLogicalId(stack.platform.table.node.defaultChild as never)).not.toBe(tableRef.Ref);
  });

  it('lets the functions that publish events reach the team events queue, and only them', () => {
    for (const name of ['contacts', 'tables', 'enrichments'] as const) {
      expect(environmentOf(name)).toHaveProperty('TEAM_EVENT_QUEUE_URL');
      expect(environmentOf(name)).not.toHaveProperty('WEBHOOK_EVENT_QUEUE_URL');
    }
    expect(environmentOf('search')).not.toHaveProperty('TEAM_EVENT_QUEUE_URL');
  });

  it("has the platform's routes and Leadbase's on its API", () => {
    const paths = Object.values(template.findResources('AWS::ApiGateway::Resource')).map(
      (resource) => resource.Properties.PathPart,
    );

    expect(paths).toEqual(expect.arrayContaining(['contacts', 'tables', 'enrichments', 'search', 'keys', 'webhooks']));
  });
});
