/**
 * Aggregation: a batch of calls becomes one set of counters per (organization, key, day), one per
 * (organization, environment, day) and one per (stage, day) for calls no key can be attributed to.
 * The environment comes from the call's stage (live or sandbox), so an organization's sandbox
 * traffic is counted apart from its live traffic; a key has one environment, so its own counters
 * need none. Counters are
 * top-level attributes named after what they count, because DynamoDB's ADD works only on those:
 *
 * - `n|GET /v1/contacts|200`: requests to an endpoint (method and route template) with a status;
 * - `c|POST /v1/search`: credits consumed on an endpoint (the route's cost, for 2xx answers).
 *
 * There is no counter per key on an organization's item: it would grow with the number of keys
 * (anomalies are flagged from the key items instead, see anomaly-watch.ts). Items written before
 * hold `k|key_…` counters, which are ignored.
 */
import { environmentOfStage, perApi } from '../../definition/active-api';
import { costTable } from '../credits';
import type { AccessCall } from './access-call';
import { dayOf } from './days';
import type { CounterScope, CounterUpdate } from './usage-model';

const REQUESTS = 'n|';
const CREDITS = 'c|';

/** `GET /v1/contacts`; calls that matched no route share one endpoint per method. */
export function endpointOf(call: Pick<AccessCall, 'method' | 'resourcePath'>): string {
  return `${call.method} ${call.resourcePath || '(no route)'}`;
}

const costs = perApi((api) => costTable(api.routes));

/**
 * Credits a call consumed: its route's cost from the shared cost table when it succeeded (2xx or
 * 3xx), as the credit ledger charges them; failed calls are refunded there and cost nothing here.
 */
export function creditsOf(call: Pick<AccessCall, 'method' | 'resourcePath' | 'status'>): number {
  if (call.status < 200 || call.status > 399) return 0;
  return costs().get(endpointOf(call)) ?? 0;
}

/**
 * A call counts for its key and organization when the log names both and its stage is one of the
 * platform's (live or sandbox): the authorizer answers no other stage, and a call that cannot be
 * put in an environment is counted with its stage for operators instead.
 */
export function isAttributed(call: Pick<AccessCall, 'keyId' | 'organizationId' | 'stage'>): boolean {
  return call.keyId !== '' && call.organizationId !== '' && environmentOfStage(call.stage) !== undefined;
}

export function aggregate(calls: readonly AccessCall[]): CounterUpdate[] {
  const updates = new Map<string, CounterUpdate>();
  const add = (scope: CounterScope, name: string, amount: number) => {
    if (amount === 0) return;
    const id = JSON.stringify(scope);
    let update = updates.get(id);
    if (!update) {
      update = { scope, counters: {} };
      updates.set(id, update);
    }
    update.counters[name] = (update.counters[name] ?? 0) + amount;
  };
  for (const call of calls) {
    const day = dayOf(call.time);
    const endpoint = endpointOf(call);
    const requests = `${REQUESTS}${endpoint}|${call.status}`;
    const environment = environmentOfStage(call.stage);
    if (!isAttributed(call) || !environment) {
      add({ kind: 'stage', stage: call.stage, day }, requests, 1);
      continue;
    }
    const credits = creditsOf(call);
    const { organizationId, keyId } = call;
    const organization: CounterScope = { kind: 'organization', organizationId, environment, day };
    for (const scope of [{ kind: 'key', organizationId, keyId, day }, organization] satisfies CounterScope[]) {
      add(scope, requests, 1);
      add(scope, `${CREDITS}${endpoint}`, credits);
    }
  }
  return [...updates.values()];
}

/** Whether an attribute name is one of the counters above. */
export function isCounterName(name: string): boolean {
  return name.startsWith(REQUESTS) || name.startsWith(CREDITS);
}

export interface Outcome {
  requests: number;
  succeeded: number;
  failed: number;
  credits: number;
}

export interface EndpointUsage extends Outcome {
  endpoint: string;
  byStatus: Record<string, number>;
}

export interface DaySummary extends Outcome {
  byStatus: Record<string, number>;
  byEndpoint: Map<string, EndpointUsage>;
}

export const emptyOutcome = (): Outcome => ({ requests: 0, succeeded: 0, failed: 0, credits: 0 });

/** Succeeded is 2xx and 3xx, failed is 4xx and 5xx. */
export function addRequests(outcome: Outcome, status: number, count: number): void {
  outcome.requests += count;
  if (status >= 400) outcome.failed += count;
  else outcome.succeeded += count;
}

/** Reads a day's counters back into totals, by status and by endpoint. */
export function summarize(counters: Record<string, number>): DaySummary {
  const summary: DaySummary = { ...emptyOutcome(), byStatus: {}, byEndpoint: new Map() };
  const endpoint = (name: string) => {
    let usage = summary.byEndpoint.get(name);
    if (!usage) {
      usage = { endpoint: name, ...emptyOutcome(), byStatus: {} };
      summary.byEndpoint.set(name, usage);
    }
    return usage;
  };
  for (const [name, count] of Object.entries(counters)) {
    if (name.startsWith(REQUESTS)) {
      const separator = name.lastIndexOf('|');
      const status = Number(name.slice(separator + 1));
      if (!Number.isInteger(status) || separator <= REQUESTS.length) continue;
      const usage = endpoint(name.slice(REQUESTS.length, separator));
      addRequests(summary, status, count);
      addRequests(usage, status, count);
      summary.byStatus[status] = (summary.byStatus[status] ?? 0) + count;
      usage.byStatus[status] = (usage.byStatus[status] ?? 0) + count;
    } else if (name.startsWith(CREDITS)) {
      summary.credits += count;
      endpoint(name.slice(CREDITS.length)).credits += count;
    }
  }
  return summary;
}
