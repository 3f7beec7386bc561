/** The API docs in the template: public methods (no authorizer, no API key) served by the api-docs function. */
import { PLATFORM_ROUTES } from '../../functions/definition/platform-routes';
import { actionsOf, logicalIdOf, statementsOfRole, synthDemo } from './synth';

const { stack, template } = synthDemo();
const docsFunction = stack.platform.functions['api-docs'];

type CfnResource = { Properties: Record<string, unknown> };

/** The method of `METHOD path`, found by walking the resource tree from the API's root. */
function methodOf(method: string, path: string): CfnResource {
  const resources = template.findResources('AWS::ApiGateway::Resource') as Record<string, CfnResource>;
  let resourceId: string | undefined;
  for (const part of path.split('/').filter(Boolean)) {
    const found = Object.entries(resources).find(
      ([, resource]) =>
        resource.Properties.PathPart === part &&
        (resourceId === undefined ||
          JSON.stringify(resource.Properties.ParentId) === JSON.stringify({ Ref: resourceId })),
    );
    if (!found) throw new Error(`No resource for ${part} of ${path}`);
    resourceId = found[0];
  }
  const methods = Object.values(
    template.findResources('AWS::ApiGateway::Method', {
      Properties: { ResourceId: { Ref: resourceId }, HttpMethod: method },
    }),
  ) as CfnResource[];
  expect(methods).toHaveLength(1);
  return methods[0] as CfnResource;
}

const DOCS_ROUTES = PLATFORM_ROUTES.filter((route) => route.function === 'api-docs');

describe('the API docs routes', () => {
  it('are GET /v1/openapi.json, /docs and /docs/{asset}', () => {
    expect(DOCS_ROUTES.map((route) => `${route.method} ${route.path}`)).toEqual([
      'GET /v1/openapi.json',
      'GET /docs',
      'GET /docs/{asset}',
    ]);
  });

  it.each(
    DOCS_ROUTES.map((route) => [route.method, route.path]),
  )('%s %s has no authorizer and requires no API key, and calls api-docs', (method, path) => {
    const { Properties } = methodOf(method, path);

    expect(Properties).toMatchObject({ AuthorizationType: 'NONE' });
    expect(Properties.AuthorizerId).toBeUndefined();
    expect(Properties.ApiKeyRequired).not.toBe(true);
    expect(JSON.stringify(Properties.Integration)).toContain(`"${logicalIdOf(docsFunction)}","Arn"`);
  });
});

describe('the API docs methods for cdk-nag', () => {
  it('are suppressed as the public docs, not as the secret-scanning partners’ endpoint', () => {
    const methods = template.findResources('AWS::ApiGateway::Method') as Record<
      string,
      {
        Properties: { AuthorizationType: string };
        Metadata?: { cdk_nag?: { rules_to_suppress: { id: string; reason: string }[] } };
      }
    >;
    const docsMethodIds = Object.entries(methods)
      .filter(([, method]) => JSON.stringify(method).includes(logicalIdOf(docsFunction)))
      .map(([id]) => id);

    expect(docsMethodIds).toHaveLength(DOCS_ROUTES.length);
    for (const id of docsMethodIds) {
      const reasons = methods[id]?.Metadata?.cdk_nag?.rules_to_suppress ?? [];
      expect(reasons.find((rule) => rule.id === 'AwsSolutions-APIG4')?.reason).toContain('The API docs');
      expect(JSON.stringify(reasons)).not.toContain('ECDSA');
    }
  });
});

describe('the api-docs function', () => {
  it('may do nothing on AWS beyond writing its logs and traces', () => {
    const actions = actionsOf(statementsOfRole(template, docsFunction.role as never));

    expect(actions.filter((action) => !action.startsWith('logs:') && !action.startsWith('xray:'))).toEqual([]);
  });
});
