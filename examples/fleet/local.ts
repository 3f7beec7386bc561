/**
 * Levy Fleets on the local platform (`EXAMPLE=fleet npm start`, and the integration tests): the
 * fleet service runs on a free loopback port, the definition points its routes there, and once the
 * platform serves, setup gives the service the platform's caller signing secret (from the local
 * Secrets Manager, as the team's service reads it on AWS) and makes its events keys with the demo
 * organization's admin keys.
 *
 * The service starts before the definition exists because the definition holds its URL; that is
 * why this module exports a function that starts the app rather than an app.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CallerHeaderOptions } from 'api-key-platform/backend';
import { LOCAL_CREDENTIALS } from '../../local/bootstrap';
import { LOCAL_REGION } from '../../local/gateway/events';
import type { LocalApp, LocalAppContext } from '../../local/platform';
import { fleetApi } from './api';
import { readCallerSigningSecret } from './service/caller-secret';
import { PlatformEvents } from './service/events';
import { startFleetService } from './service/server';
import type { Clock } from './service/store';

/** The events keys setup makes are named so; a restart revokes the previous ones it finds. */
export const EVENTS_KEY_NAME = 'Fleet service events';

export interface FleetLocalApp extends LocalApp {
  /** Where the fleet service listens (the gateway proxies to it). */
  serviceUrl: string;
  /** Stops the service; setup registers it with the platform's close, so call it only if startPlatform failed. */
  stop(): Promise<void>;
}

export async function startFleetApp(options: { clock?: Clock } = {}): Promise<FleetLocalApp> {
  const events = new PlatformEvents();
  let callerCheck: CallerHeaderOptions | undefined;
  const service = await startFleetService({
    events,
    callerCheck: () => callerCheck,
    ...(options.clock && { clock: options.clock }),
  });
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= service.close();
    return stopping;
  };
  return {
    definition: fleetApi(service.url),
    serviceUrl: service.url,
    stop,
    async setup({ bootstrap, endpoints, onClose }: LocalAppContext) {
      onClose(stop);
      const secrets = new SecretsManagerClient({
        region: LOCAL_REGION,
        credentials: LOCAL_CREDENTIALS,
        endpoint: endpoints.secretsManager,
      });
      try {
        callerCheck = { signingSecret: await readCallerSigningSecret(secrets, bootstrap.callerSigningSecretId) };
      } finally {
        secrets.destroy();
      }
      const stages = [
        { url: bootstrap.liveUrl, adminKey: bootstrap.adminKey },
        { url: bootstrap.sandboxUrl, adminKey: bootstrap.sandboxAdminKey },
      ];
      for (const { url, adminKey } of stages) {
        await events.addKey({ url, key: await replaceEventsKey(url, adminKey) });
      }
    },
  };
}

/**
 * A new `events:publish` key for the service, made through the management API as the team's
 * deploy script would; older keys of the same name (from an earlier `npm start` on the same data)
 * are revoked, since their plaintext is gone with the process that held it.
 */
async function replaceEventsKey(stageUrl: string, adminKey: string): Promise<string> {
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${stageUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${adminKey}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
    return (text ? JSON.parse(text) : {}) as Record<string, unknown>;
  };
  const old: string[] = [];
  let cursor: string | null = null;
  do {
    const page = (await call('GET', `/v1/keys?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)) as {
      items: { id: string; name: string; status: string }[];
      nextCursor: string | null;
    };
    old.push(
      ...page.items.filter((key) => key.name === EVENTS_KEY_NAME && key.status === 'active').map((key) => key.id),
    );
    cursor = page.nextCursor;
  } while (cursor);
  for (const id of old) await call('POST', `/v1/keys/${id}/revoke`);
  const created = await call('POST', '/v1/keys', { name: EVENTS_KEY_NAME, permissions: ['events:publish'] });
  return created.key as string;
}
