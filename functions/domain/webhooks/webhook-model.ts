/** Webhook endpoints, events and deliveries as the domain sees them, and the storage they need. */
import type { Page, PageRequest } from '../keys/key-model';
import type { KeyEnvironment } from '../keys/key-token';
import type { EventType } from './catalog';

export type EndpointStatus = 'enabled' | 'disabled';
export type DisabledReason = 'manual' | 'gone' | 'failing';

export interface WebhookEndpoint {
  id: string;
  organizationId: string;
  /** Endpoints receive the events of their own environment: sandbox calls make test events. */
  environment: KeyEnvironment;
  url: string;
  events: EventType[];
  description?: string;
  status: EndpointStatus;
  disabledReason?: DisabledReason;
  disabledAt?: string;
  /**
   * The signing secret is derived from the master secret, the endpoint id and this number; it is
   * never stored. Rotation increments it.
   */
  secretVersion: number;
  /** The secret version before the last rotation, and until when it still signs. */
  previousSecretVersion?: number;
  previousSecretExpiresAt?: string;
  /** When the current run of failed attempts began; cleared by a success. Drives auto-disable. */
  failingSince?: string;
  createdAt: string;
  updatedAt: string;
  /** Optimistic-concurrency counter. */
  version: number;
}

/** An event as published: the body of every delivery is `{type, timestamp, data}` (and `test`). */
export interface PublishedEvent {
  id: string;
  organizationId: string;
  environment: KeyEnvironment;
  type: EventType;
  timestamp: string;
  data: Record<string, unknown>;
  /**
   * A test send (POST /v1/webhooks/{id}/test): its body says so beside `type`, not inside `data`,
   * which stays the catalog's example and so fits the type's schema.
   */
  test?: true;
}

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed';

export interface DeliveryAttempt {
  at: string;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  /** The first 2 KB of the response body. */
  response: string | null;
}

export interface Delivery {
  /** Also the `webhook-id` header: the same on every attempt. */
  id: string;
  webhookId: string;
  organizationId: string;
  eventId: string;
  eventType: EventType;
  status: DeliveryStatus;
  attempts: DeliveryAttempt[];
  /** Attempts allowed in the current run: the schedule's length, or one more for a manual retry. */
  maxAttempts: number;
  nextAttemptAt?: string;
  /** Why a delivery failed without using up its attempts (its endpoint was disabled or deleted). */
  failureReason?: string;
  /** A test send from POST /v1/webhooks/{id}/test: one attempt, no retries. */
  test?: boolean;
  createdAt: string;
  updatedAt: string;
}

/** What one POST to a receiver came to. */
export interface SendOutcome {
  statusCode: number | null;
  durationMs: number;
  /** Why there is no usable response: refused address, timeout, connection error, redirect… */
  error: string | null;
  response: string | null;
  /** Seconds from a `Retry-After` header, when there was one. */
  retryAfterSeconds?: number;
}

export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** Live endpoints: https only and never loopback, even where the local setting allows it. */
  environment: KeyEnvironment;
}

/** Posts a signed request; never throws for what the receiver or the network did. */
export interface WebhookSender {
  post(request: WebhookRequest): Promise<SendOutcome>;
}

export interface WebhookStore {
  get(id: string): Promise<WebhookEndpoint | undefined>;
  create(endpoint: WebhookEndpoint): Promise<void>;
  /** Writes `next` only if the stored version is `next.version - 1`; else ConcurrentModificationError. */
  replace(next: WebhookEndpoint): Promise<void>;
  delete(endpoint: WebhookEndpoint): Promise<void>;
  /** An organization's endpoints of one environment, newest first. */
  listByOrganization(
    organizationId: string,
    environment: KeyEnvironment,
    page: PageRequest,
  ): Promise<Page<WebhookEndpoint>>;
  /** Every endpoint of an organization's environment (bounded by MAX_ENDPOINTS_PER_ORGANIZATION). */
  allOfOrganization(organizationId: string, environment: KeyEnvironment): Promise<WebhookEndpoint[]>;
  /** Sets `failingSince` unless it is set already. */
  markFailing(id: string, since: string): Promise<void>;
  /** Clears `failingSince`. */
  markHealthy(id: string): Promise<void>;
  /** Disables an enabled endpoint; false if it was not enabled (or is gone). */
  disable(id: string, reason: DisabledReason, at: string): Promise<boolean>;
}

/**
 * How many endpoints an organization has per environment, kept apart from the endpoints so that
 * the limit is one conditional write: concurrent creates cannot all pass a count they each read.
 */
export interface EndpointSlots {
  /** Takes one of the `limit` slots; false when all are taken. */
  reserve(organizationId: string, environment: KeyEnvironment, limit: number): Promise<boolean>;
  /** Gives one back: after a create that failed, or a delete that happened. */
  release(organizationId: string, environment: KeyEnvironment): Promise<void>;
}

export interface EventStore {
  /** Idempotent: a second put of the same id keeps the first. */
  put(event: PublishedEvent): Promise<void>;
  get(id: string): Promise<PublishedEvent | undefined>;
}

export interface DeliveryStore {
  get(id: string): Promise<Delivery | undefined>;
  /** Creates the delivery unless it exists; returns the stored one either way. */
  createIfAbsent(delivery: Delivery): Promise<Delivery>;
  /**
   * Appends an attempt, only if the delivery is still pending with `previousAttempts` attempts:
   * false when another worker recorded this attempt first.
   */
  recordAttempt(
    id: string,
    previousAttempts: number,
    attempt: DeliveryAttempt,
    next: { status: DeliveryStatus; nextAttemptAt?: string },
  ): Promise<boolean>;
  /** Ends a pending delivery without an attempt (its endpoint is disabled or gone). */
  fail(id: string, reason: string, at: string): Promise<void>;
  /**
   * Makes a finished delivery pending again for `extraAttempts` more attempts, only if it still has
   * the `attemptsRead` attempts it was read with: false if it is pending already or changed since.
   */
  reopen(id: string, attemptsRead: number, extraAttempts: number, at: string): Promise<boolean>;
  /**
   * Stamps a pending delivery as requeued at `at` (its next attempt is due then), only if it is
   * unchanged since read: false when another retry or a worker got there first.
   */
  markRequeued(id: string, read: { attempts: number; updatedAt: string }, at: string): Promise<boolean>;
  listByWebhook(webhookId: string, page: PageRequest, filter?: { status?: DeliveryStatus }): Promise<Page<Delivery>>;
  /** Failed deliveries of an endpoint created at or after `since`, oldest first, up to `limit`. */
  failedSince(webhookId: string, since: string, limit: number): Promise<Delivery[]>;
}

/** A delivery to make: one SQS message per delivery, for its whole life. */
export interface DeliveryMessage {
  deliveryId: string;
  webhookId: string;
  eventId: string;
}

export interface DeliveryQueue {
  enqueue(messages: DeliveryMessage[]): Promise<void>;
}

export interface EventQueue {
  publish(event: PublishedEvent): Promise<void>;
}

/** The master secret every endpoint's signing secret is derived from. */
export type MasterSecret = () => Promise<Buffer>;
