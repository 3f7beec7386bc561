/**
 * In-memory WebhookStore, DeliveryStore, EventStore, DeliveryQueue and a scripted WebhookSender for
 * the webhook unit tests, with the conditional semantics of the DynamoDB adapters; and small
 * factories for endpoints, events and deliveries.
 */
import { ConcurrentModificationError, ConflictError } from '../../functions/domain/errors';
import type { Page, PageRequest } from '../../functions/domain/keys/key-model';
import type { KeyEnvironment } from '../../functions/domain/keys/key-token';
import type {
  Delivery,
  DeliveryAttempt,
  DeliveryMessage,
  DeliveryQueue,
  DeliveryStatus,
  DeliveryStore,
  DisabledReason,
  EventStore,
  PublishedEvent,
  SendOutcome,
  WebhookEndpoint,
  WebhookRequest,
  WebhookSender,
  WebhookStore,
} from '../../functions/domain/webhooks/webhook-model';
import { NOW } from './unit-factories';

/** A fixed 32-byte master secret. */
export const MASTER_SECRET = Buffer.alloc(32, 0x3c);

export function anEndpoint(overrides: Partial<WebhookEndpoint> = {}): WebhookEndpoint {
  return {
    id: 'wh_00000000000000000001',
    organizationId: 'org_1',
    environment: 'live',
    url: 'https://hooks.example.com/receive',
    events: ['contact.created', 'table.created'],
    status: 'enabled',
    secretVersion: 1,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    version: 1,
    ...overrides,
  };
}

export function anEvent(overrides: Partial<PublishedEvent> = {}): PublishedEvent {
  return {
    id: 'evt_000000000000000000000001',
    organizationId: 'org_1',
    environment: 'live',
    type: 'table.created',
    timestamp: NOW.toISOString(),
    data: { id: 'tb_1', accountId: 'acc_1', name: 'Leads', createdAt: NOW.toISOString() },
    ...overrides,
  };
}

export function aDelivery(overrides: Partial<Delivery> = {}): Delivery {
  return {
    id: 'msg_000000000000000000000001',
    webhookId: 'wh_00000000000000000001',
    organizationId: 'org_1',
    eventId: 'evt_000000000000000000000001',
    eventType: 'table.created',
    status: 'pending',
    attempts: [],
    maxAttempts: 8,
    createdAt: NOW.toISOString(),
    updatedAt: NOW.toISOString(),
    ...overrides,
  };
}

export function anAttempt(overrides: Partial<DeliveryAttempt> = {}): DeliveryAttempt {
  return { at: NOW.toISOString(), statusCode: 500, durationMs: 12, error: null, response: 'boom', ...overrides };
}

/** The message of a delivery, as fan-out queues it. */
export const messageOf = (delivery: Delivery): DeliveryMessage => ({
  deliveryId: delivery.id,
  webhookId: delivery.webhookId,
  eventId: delivery.eventId,
});

function pageOf<T>(items: T[], page: PageRequest): Page<T> {
  const start = page.cursor ? Number(page.cursor) : 0;
  const end = start + page.limit;
  return { items: items.slice(start, end), ...(end < items.length && { nextCursor: String(end) }) };
}

export class MemoryWebhookStore implements WebhookStore {
  readonly items = new Map<string, WebhookEndpoint>();

  constructor(endpoints: WebhookEndpoint[] = []) {
    for (const endpoint of endpoints) this.items.set(endpoint.id, structuredClone(endpoint));
  }

  async get(id: string) {
    const endpoint = this.items.get(id);
    return endpoint && structuredClone(endpoint);
  }

  async create(endpoint: WebhookEndpoint) {
    if (this.items.has(endpoint.id)) throw new ConflictError(`Webhook endpoint ${endpoint.id} already exists.`);
    this.items.set(endpoint.id, structuredClone(endpoint));
  }

  async replace(next: WebhookEndpoint) {
    if (this.items.get(next.id)?.version !== next.version - 1) throw new ConcurrentModificationError(next.id);
    this.items.set(next.id, structuredClone(next));
  }

  async delete(endpoint: WebhookEndpoint) {
    if (this.items.get(endpoint.id)?.version !== endpoint.version) throw new ConcurrentModificationError(endpoint.id);
    this.items.delete(endpoint.id);
  }

  async listByOrganization(organizationId: string, environment: KeyEnvironment, page: PageRequest) {
    return pageOf((await this.allOfOrganization(organizationId, environment)).reverse(), page);
  }

  async allOfOrganization(organizationId: string, environment: KeyEnvironment) {
    return [...this.items.values()]
      .filter((endpoint) => endpoint.organizationId === organizationId && endpoint.environment === environment)
      .sort((a, b) => (`${a.createdAt}#${a.id}` < `${b.createdAt}#${b.id}` ? -1 : 1))
      .map((endpoint) => structuredClone(endpoint));
  }

  async markFailing(id: string, since: string) {
    const endpoint = this.items.get(id);
    if (!endpoint) return;
    endpoint.failingSince ??= since;
    endpoint.version += 1;
  }

  async markHealthy(id: string) {
    const endpoint = this.items.get(id);
    if (!endpoint) return;
    delete endpoint.failingSince;
    endpoint.version += 1;
  }

  async disable(id: string, reason: DisabledReason, at: string) {
    const endpoint = this.items.get(id);
    if (endpoint?.status !== 'enabled') return false;
    Object.assign(endpoint, { status: 'disabled', disabledReason: reason, disabledAt: at });
    endpoint.version += 1;
    return true;
  }
}

export class MemoryEventStore implements EventStore {
  readonly items = new Map<string, PublishedEvent>();
  puts = 0;

  constructor(events: PublishedEvent[] = []) {
    for (const event of events) this.items.set(event.id, structuredClone(event));
  }

  async put(event: PublishedEvent) {
    this.puts += 1;
    if (!this.items.has(event.id)) this.items.set(event.id, structuredClone(event));
  }

  async get(id: string) {
    const event = this.items.get(id);
    return event && structuredClone(event);
  }
}

export class MemoryDeliveryStore implements DeliveryStore {
  readonly items = new Map<string, Delivery>();

  constructor(deliveries: Delivery[] = []) {
    for (const delivery of deliveries) this.items.set(delivery.id, structuredClone(delivery));
  }

  async get(id: string) {
    const delivery = this.items.get(id);
    return delivery && structuredClone(delivery);
  }

  async createIfAbsent(delivery: Delivery) {
    const stored = this.items.get(delivery.id);
    if (stored) return structuredClone(stored);
    this.items.set(delivery.id, structuredClone(delivery));
    return delivery;
  }

  async recordAttempt(
    id: string,
    previousAttempts: number,
    attempt: DeliveryAttempt,
    next: { status: DeliveryStatus; nextAttemptAt?: string },
  ) {
    const delivery = this.items.get(id);
    if (delivery?.status !== 'pending' || delivery.attempts.length !== previousAttempts) return false;
    delivery.attempts.push(structuredClone(attempt));
    delivery.status = next.status;
    delivery.updatedAt = attempt.at;
    if (next.nextAttemptAt) delivery.nextAttemptAt = next.nextAttemptAt;
    else delete delivery.nextAttemptAt;
    return true;
  }

  async fail(id: string, reason: string, at: string) {
    const delivery = this.items.get(id);
    if (delivery?.status !== 'pending') return;
    Object.assign(delivery, { status: 'failed', failureReason: reason, updatedAt: at });
    delete delivery.nextAttemptAt;
  }

  async reopen(id: string, attemptsRead: number, extraAttempts: number, at: string) {
    const delivery = this.items.get(id);
    if (!delivery || delivery.status === 'pending' || delivery.attempts.length !== attemptsRead) return false;
    Object.assign(delivery, {
      status: 'pending',
      maxAttempts: delivery.attempts.length + extraAttempts,
      updatedAt: at,
    });
    delete delivery.nextAttemptAt;
    delete delivery.failureReason;
    return true;
  }

  async markRequeued(id: string, read: { attempts: number; updatedAt: string }, at: string) {
    const delivery = this.items.get(id);
    const unchanged = delivery?.attempts.length === read.attempts && delivery.updatedAt === read.updatedAt;
    if (delivery?.status !== 'pending' || !unchanged) return false;
    Object.assign(delivery, { nextAttemptAt: at, updatedAt: at });
    return true;
  }

  async listByWebhook(webhookId: string, page: PageRequest, filter: { status?: DeliveryStatus } = {}) {
    const matching = [...this.items.values()]
      .filter((delivery) => delivery.webhookId === webhookId && (!filter.status || delivery.status === filter.status))
      .sort((a, b) => (`${a.createdAt}#${a.id}` < `${b.createdAt}#${b.id}` ? 1 : -1))
      .map((delivery) => structuredClone(delivery));
    return pageOf(matching, page);
  }

  async failedSince(webhookId: string, since: string, limit: number) {
    return [...this.items.values()]
      .filter((delivery) => delivery.webhookId === webhookId && delivery.status === 'failed')
      .filter((delivery) => `${delivery.createdAt}#${delivery.id}` >= since)
      .sort((a, b) => (`${a.createdAt}#${a.id}` < `${b.createdAt}#${b.id}` ? -1 : 1))
      .slice(0, limit)
      .map((delivery) => structuredClone(delivery));
  }
}

export class MemoryDeliveryQueue implements DeliveryQueue {
  readonly messages: DeliveryMessage[] = [];

  async enqueue(messages: DeliveryMessage[]) {
    this.messages.push(...messages);
  }
}

/** A sender that answers each request as told and keeps them; `answer` may also act on the stores. */
export class ScriptedSender implements WebhookSender {
  readonly requests: WebhookRequest[] = [];

  constructor(
    private readonly answer: (
      request: WebhookRequest,
      index: number,
    ) => Partial<SendOutcome> | Promise<Partial<SendOutcome>> = () => ({
      statusCode: 200,
    }),
  ) {}

  async post(request: WebhookRequest): Promise<SendOutcome> {
    this.requests.push(request);
    const outcome = await this.answer(request, this.requests.length - 1);
    return { statusCode: null, durationMs: 5, error: null, response: '', ...outcome };
  }
}
