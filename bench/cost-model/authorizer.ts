/**
 * The authorizer at modelled traffic: API Gateway's authorizer result cache (per stage and identity
 * source values: the key and the source IP, TTL 300 s on the virtual clock) decides which calls
 * invoke the authorizer; a sample of those misses runs the real handler against the local stack,
 * for a pool key of the simulated key's environment. Its AWS requests and duration per invocation
 * are then scaled by the modelled miss count.
 */
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { activeApi } from '../../functions/definition/active-api';
import { authorizerCacheOf } from '../../functions/definition/api';
import type { RouteDefinition } from '../../functions/definition/routes';
import { generateKey } from '../../functions/domain/keys/key-token';
import { authorizerEvent } from '../../local/gateway/events';
import type { KeyPool } from './key-pool';
import type { SimulatedCall } from './traffic';

export interface AuthorizerRun {
  /** Calls after the warm-up, and of them those with a known key. */
  calls: number;
  authorizedCalls: number;
  /** Authorizer invocations the gateway cache lets through, after the warm-up. */
  invocations: number;
  /** Invocations that ran the real handler, and their billed milliseconds (each rounded up). */
  sampled: number;
  sampledBilledMs: number;
  /**
   * GetItems of the organization (its plan, for X-RateLimit-*) that one warm instance makes: one per
   * organization per ORGANIZATION_PLAN_CACHE_MS. Modelled per simulated organization, since the
   * handler runs for a pool key whose organization it has cached already.
   */
  organizationReads: number;
}

/** The TTL API Gateway caches authorizer answers for, in the definition's key header mode. */
export const gatewayCacheTtlSeconds = () => authorizerCacheOf(activeApi().compiled.apiKeyHeader).resultsCacheTtlSeconds;

/** PLAN_CACHE_MS in functions/authorizer/handler.ts. */
const ORGANIZATION_PLAN_CACHE_MS = 300_000;

export async function runAuthorizer(options: {
  calls: Iterable<SimulatedCall>;
  /** Calls before this virtual time fill the cache and are not counted. */
  countFrom: number;
  pool: KeyPool;
  handler: (event: APIGatewayRequestAuthorizerEvent) => Promise<unknown>;
  /** Real invocations at most; the rest of the misses are counted, not run. */
  sampleBudget: number;
  /** The gateway cache's TTL: the definition's mode's (GATEWAY_CACHE_TTL_SECONDS) unless given. */
  cacheTtlSeconds?: number;
}): Promise<AuthorizerRun> {
  const api = activeApi();
  const ttlMs = (options.cacheTtlSeconds ?? gatewayCacheTtlSeconds()) * 1000;
  const cachedUntil = new Map<string, number>();
  const run: AuthorizerRun = {
    calls: 0,
    authorizedCalls: 0,
    invocations: 0,
    sampled: 0,
    sampledBilledMs: 0,
    organizationReads: 0,
  };
  const organizationReadAt = new Map<number, number>();
  const misses: SimulatedCall[] = [];
  for (const call of options.calls) {
    const counted = call.time >= options.countFrom;
    if (counted) {
      run.calls++;
      if (call.key >= 0) run.authorizedCalls++;
    }
    // An unknown key is a new identity each time: it always reaches the authorizer.
    const cacheKey = `${call.environment} ${call.key} ${call.sourceIp}`;
    const hit = call.key >= 0 && (cachedUntil.get(cacheKey) ?? 0) > call.time;
    if (hit) continue;
    if (call.key >= 0) {
      cachedUntil.set(cacheKey, call.time + ttlMs);
      const readAt = organizationReadAt.get(call.organization);
      if (readAt === undefined || call.time - readAt >= ORGANIZATION_PLAN_CACHE_MS) {
        organizationReadAt.set(call.organization, call.time);
        if (counted) run.organizationReads++;
      }
    }
    if (counted) {
      run.invocations++;
      misses.push(call);
    }
  }
  const stride = Math.max(1, Math.ceil(misses.length / options.sampleBudget));
  const stage = (environment: SimulatedCall['environment']) => api.compiled.stages[environment];
  for (let index = 0; index < misses.length; index += stride) {
    const call = misses[index] as SimulatedCall;
    const keys = options.pool[call.environment];
    const key =
      call.key >= 0
        ? (keys[call.key % keys.length] as string)
        : generateKey(call.environment === 'live' ? 'live' : 'test').token;
    // The event the local gateway hands the authorizer for this call.
    const event = authorizerEvent({
      restApiId: 'local',
      stage: stage(call.environment),
      method: call.method,
      path: call.path,
      route: { path: call.resourcePath } as RouteDefinition,
      pathParameters: {},
      headers: { 'x-api-key': [key], 'user-agent': [call.userAgent] },
      query: {},
      body: Buffer.alloc(0),
      sourceIp: call.sourceIp,
      requestId: `cost-model-${index}`,
      requestTime: new Date(call.time),
    });
    const started = performance.now();
    await options.handler(event).catch(() => undefined); // a 401 is the handler throwing 'Unauthorized'
    run.sampledBilledMs += Math.ceil(performance.now() - started);
    run.sampled++;
  }
  return run;
}
