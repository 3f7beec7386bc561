/**
 * The cost model's traffic: N keys across M organizations, calls spread over the keys by a Zipf
 * law (the k-th busiest key makes 1/k^s of the busiest one's calls), arriving as a Poisson process
 * at the monthly volume's rate. Seeded, so a run repeats exactly. Pure: no AWS, no clock.
 */
import { seededRandom } from '../../test/support/seeded-random';

export interface TrafficModel {
  keys: number;
  organizations: number;
  /** Calls a month (30 days). */
  monthlyCalls: number;
  /** Zipf exponent s over keys; 1 is the classic law, 0 spreads calls evenly. */
  zipfExponent: number;
  /** Share of keys that are sandbox (test) keys, calling the sandbox stage. */
  sandboxShare: number;
  seed: number;
}

export const MONTH_SECONDS = 30 * 86_400;

/** 10,000 keys, one organization per 10 keys, 100M calls a month (≈ 38.6 calls/s). */
export function trafficModel(overrides: Partial<TrafficModel> = {}): TrafficModel {
  const keys = overrides.keys ?? 10_000;
  return {
    keys,
    organizations: Math.max(1, Math.floor(keys / 10)),
    monthlyCalls: 100_000_000,
    zipfExponent: 1,
    sandboxShare: 0.05,
    seed: 13,
    ...overrides,
  };
}

export const callsPerSecond = (model: TrafficModel) => model.monthlyCalls / MONTH_SECONDS;

export interface RouteTemplate {
  method: string;
  /** The resource path as the definition declares it, e.g. `/v1/contacts/{id}`. */
  path: string;
}

export interface SimulatedCall {
  /** Epoch milliseconds on the virtual clock. */
  time: number;
  /** The key's index (0 is the busiest), or -1 for a call with an unknown key (401). */
  key: number;
  organization: number;
  environment: 'live' | 'sandbox';
  method: string;
  resourcePath: string;
  path: string;
  status: number;
  sourceIp: string;
  userAgent: string;
  latencyMs: number;
}

/** Draws key indices with P(k) ∝ 1/(k+1)^s, by binary search over the cumulative weights. */
export function zipfSampler(count: number, exponent: number, random: () => number): () => number {
  const cumulative = new Float64Array(count);
  let total = 0;
  for (let index = 0; index < count; index++) {
    total += 1 / (index + 1) ** exponent;
    cumulative[index] = total;
  }
  return () => {
    const target = random() * total;
    let low = 0;
    let high = count - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((cumulative[middle] as number) < target) low = middle + 1;
      else high = middle;
    }
    return low;
  };
}

const USER_AGENTS = [
  'leadbase-sdk-ts/2.3.1 node/20.19.0',
  'leadbase-sdk-python/1.8.0 python/3.12.4',
  'python-requests/2.32.3',
  'axios/1.7.9',
  'Go-http-client/2.0',
  'curl/8.7.1',
] as const;

/** Shares of the answers among authorized calls; the rest are 2xx. 401s come from unknown keys. */
const UNKNOWN_KEY_SHARE = 0.005;
const RATE_LIMITED_SHARE = 0.01;
const CLIENT_ERROR_SHARE = 0.02;
const CLIENT_ERRORS = [400, 403, 404, 404, 422] as const;
/** The team's own routes take nearly all calls; the platform's (whoami, usage…) the rest. */
const PLATFORM_ROUTE_SHARE = 0.03;

interface KeyProfile {
  organization: number;
  environment: 'live' | 'sandbox';
  sourceIps: string[];
  userAgent: string;
}

function keyProfiles(model: TrafficModel, random: () => number): KeyProfile[] {
  const pick = <T>(values: readonly T[]) => values[Math.floor(random() * values.length)] as T;
  return Array.from({ length: model.keys }, (_, index) => {
    // Every organization has at least one key; the rest land anywhere.
    const organization = index < model.organizations ? index : Math.floor(random() * model.organizations);
    // Most keys call from one address, some from a few (servers behind several NAT addresses).
    const ipCount = pick([1, 1, 1, 2, 3]);
    const sourceIps = Array.from(
      { length: ipCount },
      () =>
        `${3 + Math.floor(random() * 220)}.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}.${1 + Math.floor(random() * 254)}`,
    );
    return {
      organization,
      environment: random() < model.sandboxShare ? 'sandbox' : 'live',
      sourceIps,
      userAgent: pick(USER_AGENTS),
    };
  });
}

/** `/v1/contacts/{id}` → `/v1/contacts/ct_3f9a…`: path parameters filled with id-like values. */
function concretePath(template: string, random: () => number): string {
  return template.replace(/\{[^}]+\}/g, () => `id_${Math.floor(random() * 2 ** 48).toString(36)}`);
}

/**
 * The calls of `durationMs` from `startMs`, in time order. Routes: the team's (the definition's) and
 * the platform's; GET routes are drawn three times as often as others.
 */
export function* simulateCalls(
  model: TrafficModel,
  routes: { team: readonly RouteTemplate[]; platform: readonly RouteTemplate[] },
  startMs: number,
  durationMs: number,
): Generator<SimulatedCall> {
  const random = seededRandom(model.seed);
  const profiles = keyProfiles(model, random);
  const nextKey = zipfSampler(model.keys, model.zipfExponent, random);
  const weighted = (list: readonly RouteTemplate[]) =>
    list.flatMap((route) => (route.method === 'GET' ? [route, route, route] : [route]));
  const team = weighted(routes.team);
  const platform = weighted(routes.platform);
  const meanGapMs = 1000 / callsPerSecond(model);
  let time = startMs;
  for (;;) {
    time += -Math.log(1 - random()) * meanGapMs;
    if (time >= startMs + durationMs) return;
    const list = platform.length > 0 && (team.length === 0 || random() < PLATFORM_ROUTE_SHARE) ? platform : team;
    const route = list[Math.floor(random() * list.length)] as RouteTemplate;
    const outcome = random();
    const unknownKey = outcome < UNKNOWN_KEY_SHARE;
    const key = unknownKey ? -1 : nextKey();
    const profile = profiles[unknownKey ? Math.floor(random() * model.keys) : key] as KeyProfile;
    const status = unknownKey
      ? 401
      : outcome < UNKNOWN_KEY_SHARE + RATE_LIMITED_SHARE
        ? 429
        : outcome < UNKNOWN_KEY_SHARE + RATE_LIMITED_SHARE + CLIENT_ERROR_SHARE
          ? (CLIENT_ERRORS[Math.floor(random() * CLIENT_ERRORS.length)] as number)
          : route.method === 'POST'
            ? 201
            : 200;
    yield {
      time: Math.floor(time),
      key,
      organization: profile.organization,
      environment: profile.environment,
      method: route.method,
      resourcePath: route.path,
      path: concretePath(route.path, random),
      status,
      sourceIp: profile.sourceIps[Math.floor(random() * profile.sourceIps.length)] as string,
      userAgent: profile.userAgent,
      latencyMs: Math.round(12 + -Math.log(1 - random()) * 60),
    };
  }
}

/** Distinct keys and organizations among calls with a known key. */
export function activeInHour(calls: Iterable<SimulatedCall>): { keys: number; organizations: number } {
  const keys = new Set<number>();
  const organizations = new Set<number>();
  for (const call of calls) {
    if (call.key < 0) continue;
    keys.add(call.key);
    organizations.add(call.organization);
  }
  return { keys: keys.size, organizations: organizations.size };
}
