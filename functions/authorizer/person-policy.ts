/**
 * The management authorizer's policy for a person signed in to the console: the platform's
 * management routes whose `people` name the person's role, GET routes only for viewers and
 * read-only sessions. Never a team route: people manage keys, they do not call the product.
 */
import { activeApi, type LoadedApi, perApi } from '../definition/active-api';
import { authorizerOf, isPlatformRoute, matchRoute, type RouteDefinition } from '../definition/routes';
import { readsOnly } from '../domain/caller';
import type { MemberRole } from '../domain/organization';
import { denyPolicy, type MethodArn, type PolicyDocument, routeResourceArn } from '../domain/policy';

export interface PersonGrant {
  role: MemberRole;
  /** A read-only session; viewers read only whatever their session says. */
  readOnly: boolean;
}

/** Whether the person may call the route; false for every route that is not a management route. */
export function personMayCall(grant: PersonGrant, route: RouteDefinition): boolean {
  if (!isPlatformRoute(route) || authorizerOf(route) !== 'management') return false;
  if (!(route.people ?? []).includes(grant.role)) return false;
  return route.method === 'GET' || route.endsOwnSession === true || !readsOnly(grant);
}

export function personRoutes(grant: PersonGrant, api: LoadedApi = activeApi()): RouteDefinition[] {
  return api.routes.filter((route) => personMayCall(grant, route));
}

/** Eight (role, readOnly) pairs per stage: one memo per loaded definition, as policy.ts keeps for keys. */
const policyMemo = perApi(() => new Map<string, PolicyDocument>());
const POLICY_MEMO_LIMIT = 1000;

export function personPolicy(arn: MethodArn, grant: PersonGrant, api: LoadedApi = activeApi()): PolicyDocument {
  const memo = policyMemo(api);
  const memoKey = `${arn.apiArn}/${arn.stage}|${grant.role}|${readsOnly(grant)}`;
  const memoized = memo.get(memoKey);
  if (memoized) return memoized;
  const resources = personRoutes(grant, api).map((route) => routeResourceArn(arn.apiArn, arn.stage, route));
  const policy: PolicyDocument =
    resources.length > 0
      ? { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: resources }] }
      : denyPolicy(arn);
  if (memo.size >= POLICY_MEMO_LIMIT) memo.clear();
  memo.set(memoKey, policy);
  return policy;
}

/**
 * What the ACCESS_DENIED answer says when the policy does not cover the called route. The
 * management authorizer runs on every call (no gateway cache), so it can name the reason for
 * this very route: a read-only session on a write, or a role that may not call it at all.
 */
export function personDenial(
  arn: MethodArn,
  grant: PersonGrant,
  api: LoadedApi = activeApi(),
): { errorCode: string; errorMessage: string } {
  const match = matchRoute(arn.method, arn.path, api.routes);
  return personRefusal(grant, match && match !== 'method-not-allowed' ? match.route : undefined);
}

/** Why the person may not call the route (undefined: a route the definition does not know). */
export function personRefusal(
  grant: PersonGrant,
  route: RouteDefinition | undefined,
): { errorCode: 'read_only_session' | 'insufficient_role'; errorMessage: string } {
  if (route && grant.readOnly && personMayCall({ ...grant, readOnly: false }, route)) {
    return {
      errorCode: 'read_only_session',
      errorMessage:
        'This console session is read-only: it may call GET routes only. Ask for a session without readOnly.',
    };
  }
  return {
    errorCode: 'insufficient_role',
    errorMessage: `Your role (${grant.role}) may not call this route. Ask an owner or admin of the organization.`,
  };
}
