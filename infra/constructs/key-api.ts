/**
 * The platform's surface on an API Gateway REST API: the REQUEST authorizer, one method per entry
 * of ROUTES and API Gateway's own error answers in the platform's JSON shape.
 */
import { type CfnResource, Duration } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { AUTHORIZER_CACHE, GATEWAY_RESPONSES } from '../../functions/definition/api';
import type { FunctionId } from '../../functions/definition/functions';
import { ROUTES } from '../../functions/definition/routes';

export interface KeyApiProps {
  api: apigateway.IRestApi;
  authorizerFunction: lambda.IFunction;
  /** The function that serves each route's `function` id. */
  routeFunctions: Record<FunctionId, lambda.IFunction>;
  /** Defaults to AUTHORIZER_CACHE; zero turns caching off, which `Authorization: Bearer` keys need. */
  authorizerCacheTtl?: Duration;
}

export class KeyApi extends Construct {
  readonly authorizer: apigateway.RequestAuthorizer;
  readonly methods: apigateway.Method[];

  constructor(scope: Construct, id: string, props: KeyApiProps) {
    super(scope, id);
    const cacheTtl = props.authorizerCacheTtl ?? Duration.seconds(AUTHORIZER_CACHE.resultsCacheTtlSeconds);

    // With caching on, API Gateway answers 401 itself when an identity source is missing; with it
    // off there is nothing to key on, so none are required and Bearer-only requests get through.
    const cached = cacheTtl.toSeconds() > 0;
    this.authorizer = new apigateway.RequestAuthorizer(this, 'Authorizer', {
      handler: props.authorizerFunction,
      resultsCacheTtl: cacheTtl,
      identitySources: cached ? AUTHORIZER_CACHE.identitySources.map(toIdentitySource) : [],
    });
    // CDK renders no sources as an empty string; leave the property out instead.
    if (!cached) (this.authorizer.node.defaultChild as CfnResource).addPropertyDeletionOverride('IdentitySource');

    const integrations = new Map<FunctionId, apigateway.LambdaIntegration>();
    const integrationOf = (functionId: FunctionId) => {
      let integration = integrations.get(functionId);
      if (!integration) {
        // One invoke permission per function for this API on any stage. The default, per-method
        // permission names only the API's `deploymentStage`, so every other stage would get a 500.
        integration = new apigateway.LambdaIntegration(props.routeFunctions[functionId], {
          scopePermissionToMethod: false,
        });
        integrations.set(functionId, integration);
      }
      return integration;
    };

    this.methods = ROUTES.map((route) =>
      props.api.root.resourceForPath(route.path).addMethod(route.method, integrationOf(route.function), {
        authorizer: this.authorizer,
        authorizationType: apigateway.AuthorizationType.CUSTOM,
        // The key comes from the authorizer's usageIdentifierKey (apiKeySourceType AUTHORIZER), so the
        // organization's usage plan applies; clients never see or send a gateway API key.
        apiKeyRequired: true,
      }),
    );

    for (const [type, response] of Object.entries(GATEWAY_RESPONSES)) {
      new apigateway.GatewayResponse(this, `Response${type}`, {
        restApi: props.api,
        type: apigateway.ResponseType.of(type),
        statusCode: String(response.statusCode),
        templates: { 'application/json': response.template },
        ...(response.headers && {
          responseHeaders: Object.fromEntries(
            Object.entries(response.headers).map(([name, value]) => [name, `'${value}'`]),
          ),
        }),
      });
    }
  }
}

/** Checks each identity source of the definition against the forms CDK knows, rather than passing strings through. */
export function toIdentitySource(source: string): string {
  const header = /^method\.request\.header\.(.+)$/.exec(source)?.[1];
  if (header) return apigateway.IdentitySource.header(header);
  const query = /^method\.request\.querystring\.(.+)$/.exec(source)?.[1];
  if (query) return apigateway.IdentitySource.queryString(query);
  const context = /^context\.(.+)$/.exec(source)?.[1];
  if (context) return apigateway.IdentitySource.context(context);
  throw new Error(`Unsupported authorizer identity source: ${source}`);
}
