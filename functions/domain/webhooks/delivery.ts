/**
 * One step of a delivery's life, run for each receive of its SQS message: make the next attempt
 * if it is due, record it, and say how long the message should stay hidden before the next one.
 * The delivery item is the truth; the message only says "look at this delivery again".
 */
import type { Clock } from '../clock';
import { deliveryBody } from './publish';
import { AUTO_DISABLE_AFTER_MS, type Verdict, verdictOf, waitBeforeAttempt } from './retry-policy';
import { signatureHeaders, signingSecrets } from './signing';
import type {
  DeliveryAttempt,
  DeliveryMessage,
  DeliveryStore,
  DisabledReason,
  EventStore,
  MasterSecret,
  PublishedEvent,
  SendOutcome,
  WebhookEndpoint,
  WebhookSender,
  WebhookStore,
} from './webhook-model';

/** Tells the organization's admins that an endpoint was disabled (email, in-app notification). */
export type EndpointDisabledNotifier = (endpoint: WebhookEndpoint, reason: DisabledReason) => Promise<void>;

export interface AttemptDeps {
  sender: WebhookSender;
  masterSecret: MasterSecret;
  clock: Clock;
}

export interface DeliveryDeps extends AttemptDeps {
  deliveries: DeliveryStore;
  endpoints: WebhookStore;
  events: Pick<EventStore, 'get'>;
  schedule: readonly number[];
  random?: () => number;
  onEndpointDisabled: EndpointDisabledNotifier;
}

/** `done`: delete the message. `wait`: hide it this many seconds, then call again. */
export type DeliveryStep =
  | { kind: 'done'; outcome: 'succeeded' | 'failed' | 'skipped' }
  | { kind: 'wait'; seconds: number };

/** The POST of one attempt, signed with every secret that signs right now. */
export async function attemptOnce(
  deps: AttemptDeps,
  deliveryId: string,
  endpoint: WebhookEndpoint,
  event: PublishedEvent,
): Promise<{ attempt: DeliveryAttempt; verdict: Verdict; outcome: SendOutcome }> {
  const at = deps.clock();
  const body = deliveryBody(event);
  const headers = signatureHeaders(signingSecrets(await deps.masterSecret(), endpoint, at), deliveryId, at, body);
  const outcome = await deps.sender.post({ url: endpoint.url, headers, body, environment: endpoint.environment });
  return {
    attempt: {
      at: at.toISOString(),
      statusCode: outcome.statusCode,
      durationMs: outcome.durationMs,
      error: outcome.error,
      response: outcome.response,
    },
    verdict: verdictOf(outcome),
    outcome,
  };
}

export async function advanceDelivery(deps: DeliveryDeps, message: DeliveryMessage): Promise<DeliveryStep> {
  const [delivery, endpoint, event] = await Promise.all([
    deps.deliveries.get(message.deliveryId),
    deps.endpoints.get(message.webhookId),
    deps.events.get(message.eventId),
  ]);
  if (delivery?.status !== 'pending') return { kind: 'done', outcome: 'skipped' };
  const now = deps.clock();
  if (delivery.nextAttemptAt && Date.parse(delivery.nextAttemptAt) > now.getTime()) {
    // Early: a duplicate message, or one whose hiding failed. Hide it until the attempt is due.
    return { kind: 'wait', seconds: Math.ceil((Date.parse(delivery.nextAttemptAt) - now.getTime()) / 1000) };
  }
  const nowIso = now.toISOString();
  if (!endpoint || endpoint.organizationId !== delivery.organizationId) {
    await deps.deliveries.fail(delivery.id, 'endpoint_deleted', nowIso);
    return { kind: 'done', outcome: 'failed' };
  }
  if (endpoint.status !== 'enabled') {
    await deps.deliveries.fail(delivery.id, 'endpoint_disabled', nowIso);
    return { kind: 'done', outcome: 'failed' };
  }
  if (!event) {
    await deps.deliveries.fail(delivery.id, 'event_expired', nowIso);
    return { kind: 'done', outcome: 'failed' };
  }

  const result = await attemptOnce(deps, delivery.id, endpoint, event);
  const attemptNumber = delivery.attempts.length + 1;
  const retry = result.verdict === 'failed' && attemptNumber < delivery.maxAttempts;
  const waitSeconds = retry ? waitBeforeAttempt(attemptNumber + 1, deps.schedule, result.outcome, deps.random) : 0;
  const status = result.verdict === 'succeeded' ? 'succeeded' : retry ? 'pending' : 'failed';
  const recorded = await deps.deliveries.recordAttempt(delivery.id, delivery.attempts.length, result.attempt, {
    status,
    ...(retry && { nextAttemptAt: new Date(now.getTime() + waitSeconds * 1000).toISOString() }),
  });
  // Another receive of this delivery recorded this attempt first; that one carries on.
  if (!recorded) return { kind: 'done', outcome: 'skipped' };

  await updateEndpointHealth(deps, endpoint, result.verdict, now);
  if (retry) return { kind: 'wait', seconds: Math.ceil(waitSeconds) };
  return { kind: 'done', outcome: status === 'succeeded' ? 'succeeded' : 'failed' };
}

/** A success clears the failing streak; 410 disables at once; five days of failures disable too. */
async function updateEndpointHealth(deps: DeliveryDeps, endpoint: WebhookEndpoint, verdict: Verdict, now: Date) {
  if (verdict === 'succeeded') {
    if (endpoint.failingSince) await deps.endpoints.markHealthy(endpoint.id);
    return;
  }
  if (verdict === 'gone') {
    await disable(deps, endpoint, 'gone', now);
    return;
  }
  if (!endpoint.failingSince) {
    await deps.endpoints.markFailing(endpoint.id, now.toISOString());
  } else if (now.getTime() - Date.parse(endpoint.failingSince) >= AUTO_DISABLE_AFTER_MS) {
    await disable(deps, endpoint, 'failing', now);
  }
}

async function disable(deps: DeliveryDeps, endpoint: WebhookEndpoint, reason: DisabledReason, now: Date) {
  // Only the receive that actually flipped the status tells the admins, so they get one email.
  if (await deps.endpoints.disable(endpoint.id, reason, now.toISOString())) {
    await deps.onEndpointDisabled(endpoint, reason);
  }
}
