/**
 * API Gateway usage plans, locally: gateway API keys, usage plans with their throttle, which key is
 * in which plan, and token buckets that answer 429 when a key's bucket is empty. The control-plane
 * operations speak API Gateway's REST protocol, so the platform's SDK adapter runs unchanged.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { STAGES } from '../../functions/definition/api';
import { PLANS, type PlanName, usagePlanThrottle } from '../../functions/definition/plans';

interface Throttle {
  rateLimit: number;
  burstLimit: number;
}
interface UsagePlan {
  id: string;
  name: string;
  /** A usage plan without a throttle does not limit. */
  throttle?: Throttle;
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
  apiStages?: { apiId: string; stage: string }[];
}

export type ThrottleDecision = 'allowed' | 'throttled' | 'not-in-plan';

export interface ControlPlaneResponse {
  statusCode: number;
  body: unknown;
  errorType?: string;
}

/** The usage plan ids of the plans: locally they are simply the plan names. */
export const LOCAL_USAGE_PLAN_IDS = Object.fromEntries(Object.keys(PLANS).map((plan) => [plan, plan])) as Record<
  PlanName,
  string
>;

export class LocalUsagePlans {
  private readonly state: State;
  private readonly buckets = new Map<string, { tokens: number; updated: number }>();

  constructor(
    restApiId: string,
    private readonly file: string | undefined,
    private readonly now: () => number,
  ) {
    this.state = file && existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : { apiKeys: {}, usagePlans: {} };
    for (const [plan, { requestsPerMinute }] of Object.entries(PLANS)) {
      this.state.usagePlans[plan] ??= {
        id: plan,
        name: plan,
        throttle: usagePlanThrottle(requestsPerMinute),
        apiStages: Object.keys(STAGES).map((stage) => ({ apiId: restApiId, stage })),
        keyIds: [],
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
    if (!plan.throttle) return 'allowed';
    const bucketId = `${plan.id}/${key.id}`;
    const now = this.now();
    const bucket = this.buckets.get(bucketId) ?? { tokens: plan.throttle.burstLimit, updated: now };
    bucket.tokens = Math.min(
      plan.throttle.burstLimit,
      bucket.tokens + ((now - bucket.updated) / 1000) * plan.throttle.rateLimit,
    );
    bucket.updated = now;
    this.buckets.set(bucketId, bucket);
    if (bucket.tokens < 1) return 'throttled';
    bucket.tokens -= 1;
    return 'allowed';
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
