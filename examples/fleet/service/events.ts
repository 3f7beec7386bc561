/**
 * The fleet service publishes its events through the platform's `POST /v1/events`, with a key
 * that holds `events:publish`. Such a key publishes into its own organization and environment
 * only, so the service keeps one per organization and environment it serves.
 */
import type { FleetEvent } from './fleet';

export interface EventSink {
  publish(owner: EventOwner, event: FleetEvent): Promise<void>;
}

export interface EventOwner {
  organizationId: string;
  environment: string;
}

/** A platform stage's base URL (such as https://api.example.com/live) and a key that works on it. */
export interface PublishingKey {
  url: string;
  key: string;
}

export interface PlatformEventsOptions {
  fetch?: typeof fetch;
  /** Where failures go; a failed publish never fails the call that made the change. */
  warn?: (message: string) => void;
  timeoutMs?: number;
}

export class PlatformEvents implements EventSink {
  private readonly keys = new Map<string, PublishingKey>();
  private readonly fetch: typeof fetch;
  private readonly warn: (message: string) => void;
  private readonly timeoutMs: number;

  constructor(options: PlatformEventsOptions = {}) {
    this.fetch = options.fetch ?? fetch;
    this.warn = options.warn ?? ((message) => console.warn(message));
    this.timeoutMs = options.timeoutMs ?? 5000;
  }

  /** Learns the key's organization and environment from GET /v1/whoami and publishes with it from now on. */
  async addKey(key: PublishingKey): Promise<EventOwner> {
    const response = await this.call(key, 'GET', '/v1/whoami');
    if (response.status !== 200) throw new Error(`The events key was refused by GET /v1/whoami: ${response.status}`);
    const owner = (await response.json()) as EventOwner & { permissions: string[] };
    if (!owner.permissions.includes('events:publish') && !owner.permissions.includes('admin')) {
      throw new Error('The events key lacks the events:publish scope.');
    }
    this.keys.set(ownerKey(owner), key);
    return { organizationId: owner.organizationId, environment: owner.environment };
  }

  async publish(owner: EventOwner, event: FleetEvent): Promise<void> {
    const key = this.keys.get(ownerKey(owner));
    if (!key) {
      this.warn(
        `No events key for organization ${owner.organizationId} (${owner.environment}); ${event.type} not sent.`,
      );
      return;
    }
    try {
      const response = await this.call(key, 'POST', '/v1/events', event);
      if (response.status !== 202) {
        this.warn(`POST /v1/events refused ${event.type}: ${response.status} ${await response.text()}`);
      }
    } catch (error) {
      this.warn(`POST /v1/events failed for ${event.type}: ${(error as Error).message}`);
    }
  }

  private call(key: PublishingKey, method: string, path: string, body?: unknown) {
    return this.fetch(`${key.url.replace(/\/+$/, '')}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key.key}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
  }
}

const ownerKey = (owner: EventOwner) => `${owner.organizationId}/${owner.environment}`;
