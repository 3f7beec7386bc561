/**
 * API Gateway usage plans, locally: gateway API keys, usage plans with their throttle and quota,
 * which key is in which plan, token buckets that answer 429 when a key's bucket is empty, and quota
 * counters that answer 429 once a key has used its plan's quota for the period. The control-plane
 * operations speak API Gateway's REST protocol, so the platform's SDK adapter runs unchanged.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { activeApi, type LoadedApi } from '../../functions/definition/active-api';
import { type PlanName, usagePlanThrottle } from '../../functions/definition/plans';
import { type QuotaPeriod, quotaPeriodStart } from './quota-period';

interface Throttle {
  rateLimit: number;
  burstLimit: number;
}
interface Quota {
  limit: number;
  period: QuotaPeriod;
}
interface UsagePlan {
  id: string;
  name: string;
  /** A usage plan without a throttle does not limit. */
  throttle?: Throttle;
  quota?: Quota;
  apiStages: { apiId: string; stage: string }[];
  keyIds: string[];
}
interface ApiKey {
  id: string;
  name: string;
  value: string;
  enabled: boolean;
}
interface State {
  apiKeys: Record<string, ApiKey>;
  usagePlans: Record<string, UsagePlan>;
}

/** The request fields the control-plane operations read. */
export interface ControlPlaneBody {
  name?: string;
  value?: string;
  enabled?: boolean;
  keyId?: string;
  throttle?: Throttle;
  quota?: Quota;
  apiStages?: { apiId: string; stage: string }[];
}

export type ThrottleDecision = 'allowed' | 'throttled' | 'quota-exceeded' | 'not-in-plan';

export interface ControlPlaneResponse {
  statusCode: number;
  body: unknown;
  errorType?: string;
}

/** The usage plan ids of the definition's plans: locally they are simply the plan names. */
export function localUsagePlanIds(api: LoadedApi = activeApi()): Record<PlanName, string> {
  return Object.fromEntries(Object.keys(api.compiled.plans).map((plan) => [plan, plan]));
}

export class LocalUsagePlans {
  private readonly state: State;
  private readonly buckets = new Map<string, { tokens: number; updated: number }>();
  /** Requests per usage plan and key in the current quota period, as API Gateway keeps them. */
  private readonly quotaUsed = new Map<string, { periodStart: number; used: number }>();

  constructor(
    restApiId: string,
    private readonly file: string | undefined,
    private readonly now: () => number,
    api: LoadedApi = activeApi(),
  ) {
    this.state = file && existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : { apiKeys: {}, usagePlans: {} };
    const { plans, stages } = api.compiled;
    for (const [plan, { requestsPerMinute, quota }] of Object.entries(plans)) {
      // The definition's figures win over a kept file's, as a deploy updates the usage plans.
      this.state.usagePlans[plan] = {
        id: plan,
        name: plan,
        throttle: usagePlanThrottle(requestsPerMinute),
        ...(quota && { quota }),
        apiStages: [stages.live, stages.sandbox].map((stage) => ({ apiId: restApiId, stage })),
        keyIds: this.state.usagePlans[plan]?.keyIds ?? [],
      };
    }
    this.persist();
  }

  /** What API Gateway does with the authorizer's usageIdentifierKey on a method that requires a key. */
  take(usageIdentifierKey: string | undefined, stage: string): ThrottleDecision {
    const key = Object.values(this.state.apiKeys).find((candidate) => candidate.value === usageIdentifierKey);
    const plan =
      key?.enabled &&
      Object.values(this.state.usagePlans).find(
        (candidate) => candidate.keyIds.includes(key.id) && candidate.apiStages.some((s) => s.stage === stage),
      );
    if (!key || !plan) return 'not-in-plan';
    const now = this.now();
    const planKey = `${plan.id}/${key.id}`;
    // Summed over the plan's stages: a key's live and sandbox calls share one quota.
    const quota = plan.quota && this.quotaCounter(planKey, plan.quota, now);
    if (quota && plan.quota && quota.used >= plan.quota.limit) return 'quota-exceeded';
    if (plan.throttle && !this.takeToken(planKey, plan.throttle, now)) return 'throttled';
    if (quota) quota.used += 1;
    return 'allowed';
  }

  private quotaCounter(planKey: string, quota: Quota, now: number) {
    const periodStart = quotaPeriodStart(now, quota.period);
    const counter = this.quotaUsed.get(planKey);
    if (counter?.periodStart === periodStart) return counter;
    const fresh = { periodStart, used: 0 };
    this.quotaUsed.set(planKey, fresh);
    return fresh;
  }

  private takeToken(planKey: string, throttle: Throttle, now: number): boolean {
    const bucket = this.buckets.get(planKey) ?? { tokens: throttle.burstLimit, updated: now };
    bucket.tokens = Math.min(throttle.burstLimit, bucket.tokens + ((now - bucket.updated) / 1000) * throttle.rateLimit);
    bucket.updated = now;
    this.buckets.set(planKey, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** API Gateway's REST control plane for keys and usage plans; undefined when the path is not one of them. */
  handle(method: string, path: string, body: ControlPlaneBody): ControlPlaneResponse | undefined {
    const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
    const [collection, id, sub, subId] = segments;
    const notFound = (what: string) => ({
      statusCode: 404,
      body: { message: `Invalid ${what} identifier specified` },
      errorType: 'NotFoundException',
    });
    if (collection === 'apikeys') {
      if (method === 'POST' && !id) {
        const key: ApiKey = {
          id: randomBytes(5).toString('hex'),
          name: String(body.name ?? ''),
          value: String(body.value ?? randomBytes(30).toString('base64url')),
          enabled: body.enabled !== false,
        };
        this.state.apiKeys[key.id] = key;
        return this.changed({ statusCode: 201, body: { ...key, createdDate: this.now() / 1000 } });
      }
      if (method === 'DELETE' && id) {
        if (!own(this.state.apiKeys, id)) return notFound('API Key');
        delete this.state.apiKeys[id];
        for (const plan of Object.values(this.state.usagePlans))
          plan.keyIds = plan.keyIds.filter((keyId) => keyId !== id);
        return this.changed({ statusCode: 202, body: {} });
      }
    }
    if (collection === 'usageplans') {
      if (method === 'POST' && !id) {
        const plan: UsagePlan = {
          id: randomBytes(3).toString('hex'),
          name: String(body.name ?? ''),
          ...(body.throttle && { throttle: body.throttle }),
          ...(body.quota && { quota: body.quota }),
          apiStages: body.apiStages ?? [],
          keyIds: [],
        };
        this.state.usagePlans[plan.id] = plan;
        const { keyIds: _keys, ...shown } = plan;
        return this.changed({ statusCode: 201, body: shown });
      }
      const plan = own(this.state.usagePlans, id);
      if (!plan) return notFound('Usage Plan ID');
      if (method === 'DELETE' && !sub) {
        delete this.state.usagePlans[plan.id];
        return this.changed({ statusCode: 202, body: {} });
      }
      if (sub === 'keys' && method === 'POST') {
        const key = own(this.state.apiKeys, body.keyId);
        if (!key) return notFound('API Key');
        const inOtherPlan = Object.values(this.state.usagePlans).some(
          (other) =>
            other.id !== plan.id &&
            other.keyIds.includes(key.id) &&
            other.apiStages.some((s) => plan.apiStages.some((p) => p.stage === s.stage)),
        );
        if (inOtherPlan) {
          return {
            statusCode: 409,
            body: { message: 'API Key is already associated with a usage plan on this stage' },
            errorType: 'ConflictException',
          };
        }
        if (!plan.keyIds.includes(key.id)) plan.keyIds.push(key.id);
        return this.changed({
          statusCode: 201,
          body: { id: key.id, type: 'API_KEY', value: key.value, name: key.name },
        });
      }
      if (sub === 'keys' && method === 'DELETE' && subId) {
        if (!plan.keyIds.includes(subId)) return notFound('API Key');
        plan.keyIds = plan.keyIds.filter((keyId) => keyId !== subId);
        return this.changed({ statusCode: 202, body: {} });
      }
    }
    return undefined;
  }

  private changed(response: ControlPlaneResponse): ControlPlaneResponse {
    this.persist();
    return response;
  }

  private persist() {
    if (!this.file) return;
    mkdirSync(dirname(this.file), { recursive: true });
    writeFileSync(this.file, JSON.stringify(this.state, null, 2), { mode: 0o600 });
  }
}

/** Ids come from requests: `constructor` or `__proto__` must not find what every object inherits. */
function own<T>(records: Record<string, T>, id: string | undefined): T | undefined {
  return id !== undefined && Object.hasOwn(records, id) ? records[id] : undefined;
}
