/** PlatformEvents: the fleet service's events, sent through the platform's POST /v1/events. */

import { PlatformEvents } from '../service/events';
import type { FleetEvent } from '../service/fleet';

const KEY = { url: 'https://api.example.com/live/', key: 'lf_live_events' };
const OWNER = { organizationId: 'org_1', environment: 'live' };
const EVENT = {
  type: 'vehicle.status_changed',
  data: { vehicleId: 'vh_1', accountId: 'acc_1', previousStatus: 'available', status: 'in_use', changedAt: 'now' },
} as FleetEvent;

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

/** A platform that answers whoami for the key, and POST /v1/events with `eventsStatus`. */
function aPlatform(eventsStatus = 202, permissions = ['events:publish']) {
  const calls: Call[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    calls.push({
      url,
      method: init.method ?? 'GET',
      headers: init.headers as Record<string, string>,
      body: init.body as string,
    });
    if (url.endsWith('/v1/whoami')) return Response.json({ ...OWNER, keyId: 'key_1', permissions, accounts: '*' });
    return new Response(eventsStatus === 202 ? '{}' : '{"error":{"code":"invalid_request"}}', { status: eventsStatus });
  }) as typeof globalThis.fetch;
  const warnings: string[] = [];
  const events = new PlatformEvents({ fetch, warn: (message) => warnings.push(message) });
  return { events, calls, warnings };
}

describe('PlatformEvents', () => {
  it('learns the key’s organization from whoami and posts the event there with the Bearer key', async () => {
    const { events, calls } = aPlatform();

    const owner = await events.addKey(KEY);
    await events.publish(OWNER, EVENT);

    expect(owner).toEqual(OWNER);
    expect(calls[1]).toEqual({
      url: 'https://api.example.com/live/v1/events',
      method: 'POST',
      headers: { authorization: `Bearer ${KEY.key}`, 'content-type': 'application/json' },
      body: JSON.stringify(EVENT),
    });
  });

  it('sends nothing for an organization or environment it holds no key for, and says so', async () => {
    const { events, calls, warnings } = aPlatform();
    await events.addKey(KEY);

    await events.publish({ organizationId: 'org_2', environment: 'live' }, EVENT);
    await events.publish({ organizationId: 'org_1', environment: 'test' }, EVENT);

    expect(calls.filter((call) => call.method === 'POST')).toEqual([]);
    expect(warnings).toHaveLength(2);
    expect(warnings.join()).not.toContain(KEY.key);
  });

  it('reports a refused event without failing the caller', async () => {
    const { events, warnings } = aPlatform(400);
    await events.addKey(KEY);

    await expect(events.publish(OWNER, EVENT)).resolves.toBeUndefined();
    expect(warnings[0]).toContain('400');
  });

  it('refuses a key without events:publish when it is added', async () => {
    const { events } = aPlatform(202, ['read']);

    await expect(events.addKey(KEY)).rejects.toThrow('events:publish');
  });
});
