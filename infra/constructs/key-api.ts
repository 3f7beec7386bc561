/**
 * The platform's surface on an API Gateway REST API: the two REQUEST authorizers (keys on the
 * team's and service routes, keys and people on the management routes), one method per route
 * (the platform's own, PLATFORM_ROUTES, and the team's) and API Gateway's own error answers in the
 * platform's JSON shape.
 */
import { type CfnResource, Duration } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import {
  type ApiKeyHeaderMode,
  authorizerCacheOf,
  DEFAULT_API_KEY_HEADER,
  gatewayResponsesFor,
  type KeyHint,
} from '../../functions/definition/api';
import type { FunctionId } from '../../functions/definition/functions';
import { PLATFORM_ROUTES } from '../../functions/definition/platform-routes';
import { authorizerOf, isPublicRoute } from '../../functions/definition/routes';
import type { TeamRouteMethod } from './team-integrations';

export interface KeyApiProps {
  api: apigateway.IRestApi;
  authorizerFunction: lambda.IFunction;
  /** The management routes' authorizer (FUNCTIONS['management-authorizer']): keys, session and OIDC tokens. */
  managementAuthorizerFunction: lambda.IFunction;
  /** The function that serves each route's `function` id. */
  routeFunctions: Record<FunctionId, lambda.IFunction>;
  /** The team's routes and what serves each (team-integrations.ts). */
  teamRoutes: readonly TeamRouteMethod[];
  /** Where clients send their key (functions/definition/api.ts); `x-api-key` by default. */
  apiKeyHeader?: ApiKeyHeaderMode;
  /** Overrides the mode's cache TTL; zero turns the gateway cache off. `either` mode has none to set. */
  authorizerCacheTtl?: Duration;
  /** What the 401 answer tells clients: the key prefix, the stages and where the key goes. */
  keyHint: KeyHint;
}

export class KeyApi extends Construct {
  readonly authorizer: apigateway.RequestAuthorizer;
  /**
   * The management routes' authorizer, never cached: it runs on every management call, so a revoked
   * console session or a removed member stops within the second it keeps its reads.
   */
  readonly managementAuthorizer: apigateway.RequestAuthorizer;
  /** How long API Gateway keeps an authorizer answer: how far back an expiry still needs a flush. */
  readonly cacheTtl: Duration;
  readonly methods: apigateway.Method[];
  /** The methods of the team's routes, in the definition's order. */
  readonly teamMethods: apigateway.Method[];
  /** The methods of public routes: no authorizer, no API key (see RouteAccess `public`). */
  readonly publicMethods: apigateway.Method[];

  constructor(scope: Construct, id: string, props: KeyApiProps) {
    super(scope, id);
    const cache = authorizerCacheOf(props.apiKeyHeader ?? DEFAULT_API_KEY_HEADER);
    if (cache.identitySources.length === 0 && props.authorizerCacheTtl && props.authorizerCacheTtl.toSeconds() > 0) {
      throw new Error("apiKeyHeader 'either' runs without the gateway cache: leave authorizerCacheTtl unset.");
    }
    const cacheTtl = props.authorizerCacheTtl ?? Duration.seconds(cache.resultsCacheTtlSeconds);
    this.cacheTtl = cacheTtl;

    // With caching on, API Gateway answers 401 itself when an identity source is missing; with it
    // off there is nothing to key on, so none are required and Bearer-only requests get through.
    const cached = cacheTtl.toSeconds() > 0;
    this.authorizer = new apigateway.RequestAuthorizer(this, 'Authorizer', {
      handler: props.authorizerFunction,
      resultsCacheTtl: cacheTtl,
      identitySources: cached ? cache.identitySources.map(toIdentitySource) : [],
    });
    // CDK renders no sources as an empty string; leave the property out instead.
    if (!cached) (this.authorizer.node.defaultChild as CfnResource).addPropertyDeletionOverride('IdentitySource');
    // No identity sources either: a Bearer session or OIDC token and an x-api-key both reach it.
    this.managementAuthorizer = new apigateway.RequestAuthorizer(this, 'ManagementAuthorizer', {
      handler: props.managementAuthorizerFunction,
      resultsCacheTtl: Duration.seconds(0),
      identitySources: [],
    });
    (this.managementAuthorizer.node.defaultChild as CfnResource).addPropertyDeletionOverride('IdentitySource');

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

    const authorizedBy = (authorizer: apigateway.RequestAuthorizer) => ({
      authorizer,
      authorizationType: apigateway.AuthorizationType.CUSTOM,
      // The key comes from the authorizer's usageIdentifierKey (apiKeySourceType AUTHORIZER), so the
      // organization's usage plan applies, to people as to keys; clients never see or send a gateway API key.
      apiKeyRequired: true,
    });
    const authorized = authorizedBy(this.authorizer);
    const managementAuthorized = authorizedBy(this.managementAuthorizer);
    const platformMethods = PLATFORM_ROUTES.map((route) =>
      props.api.root.resourceForPath(route.path).addMethod(
        route.method,
        integrationOf(route.function),
        isPublicRoute(route)
          ? // Callers prove themselves to the function (a partner's signature), or need not (the API docs).
            { authorizationType: apigateway.AuthorizationType.NONE, apiKeyRequired: false }
          : authorizerOf(route) === 'management'
            ? managementAuthorized
            : authorized,
      ),
    );
    const teamMethods = props.teamRoutes.map(({ route, integration, requestParameters }) =>
      props.api.root
        .resourceForPath(route.path)
        .addMethod(route.method, integration, { ...authorized, ...(requestParameters && { requestParameters }) }),
    );
    this.methods = [...platformMethods, ...teamMethods];
    this.teamMethods = teamMethods;
    this.publicMethods = platformMethods.filter((_, index) =>
      isPublicRoute(PLATFORM_ROUTES[index] as (typeof PLATFORM_ROUTES)[number]),
    );

    for (const [type, response] of Object.entries(gatewayResponsesFor(props.keyHint))) {
      new apigateway.GatewayResponse(this, `Response${type}`, {
        restApi: props.api,
        type: apigateway.ResponseType.of(type),
        ...(response.statusCode !== undefined && { statusCode: String(response.statusCode) }),
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
