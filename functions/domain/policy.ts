/**
 * IAM policies for the REQUEST authorizer. API Gateway caches the policy per identity and reuses it
 * on other routes, so it must allow exactly the routes the key may call, on the calling stage only.
 */
import { activeApi, type LoadedApi, perApi } from '../definition/active-api';
import { policyPath, type RouteDefinition } from '../definition/routes';
import { grantsRoute } from './permissions';

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: { Action: 'execute-api:Invoke'; Effect: 'Allow' | 'Deny'; Resource: string[] }[];
}

export interface MethodArn {
  /** `arn:aws:execute-api:{region}:{account}:{apiId}` */
  apiArn: string;
  stage: string;
  method: string;
  path: string;
}

/** `arn:aws:execute-api:eu-west-1:123:abc/live/GET/v1/keys` → its parts. */
export function parseMethodArn(methodArn: string): MethodArn | undefined {
  const match = /^(arn:[^:]+:execute-api:[^:]*:[^:]*:[^/]+)\/([^/]+)\/([^/]+)(\/.*)?$/.exec(methodArn);
  if (!match) return undefined;
  const [, apiArn, stage, method, path] = match as unknown as [string, string, string, string, string | undefined];
  return { apiArn, stage, method, path: path ?? '/' };
}

/**
 * API Gateway matches `*` in a resource ARN against any characters, slashes included; defineApi
 * refuses team routes whose resource would cover a route needing another permission (policyCovers).
 */
export function routeResourceArn(apiArn: string, stage: string, route: RouteDefinition): string {
  return `${apiArn}/${stage}/${route.method}/${policyPath(route.path)}`;
}

/** The routes of the API (the platform's and the team's) that a key with these permissions may call. */
export function allowedRoutes(permissions: readonly string[], api: LoadedApi = activeApi()): RouteDefinition[] {
  return api.routes.filter((route) => grantsRoute(permissions, route, api));
}

/**
 * Policies depend only on the API definition, stage and permission set, and a handful of sets
 * cover most keys; one memo per loaded definition, so a test's own definition never reads another's.
 */
const policyMemo = perApi(() => new Map<string, PolicyDocument>());
const POLICY_MEMO_LIMIT = 1000;

export function allowPolicy(arn: MethodArn, permissions: readonly string[], api: LoadedApi = activeApi()) {
  const memo = policyMemo(api);
  const memoKey = `${arn.apiArn}/${arn.stage}|${permissions.join(',')}`;
  const memoized = memo.get(memoKey);
  if (memoized) return memoized;
  const resources = allowedRoutes(permissions, api).map((route) => routeResourceArn(arn.apiArn, arn.stage, route));
  const policy = resources.length > 0 ? statement('Allow', resources) : denyPolicy(arn);
  if (memo.size >= POLICY_MEMO_LIMIT) memo.clear();
  memo.set(memoKey, policy);
  return policy;
}

export function denyPolicy(arn: MethodArn): PolicyDocument {
  return statement('Deny', [`${arn.apiArn}/${arn.stage}/*`]);
}

function statement(effect: 'Allow' | 'Deny', resources: string[]): PolicyDocument {
  return { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resources }] };
}

/** How API Gateway evaluates a policy against a method ARN: an explicit Deny wins, else any Allow. */
export function policyAllows(policy: PolicyDocument, methodArn: string): boolean {
  const matches = (effect: 'Allow' | 'Deny') =>
    policy.Statement.some(
      (s) =>
        s.Effect === effect && s.Action === 'execute-api:Invoke' && s.Resource.some((r) => arnMatches(r, methodArn)),
    );
  return !matches('Deny') && matches('Allow');
}

function arnMatches(pattern: string, arn: string): boolean {
  const regex = new RegExp(`^${pattern.split('*').map(escapeRegex).join('.*')}$`);
  return regex.test(arn);
}

function escapeRegex(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}
