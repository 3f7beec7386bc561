/**
 * Runs the fleet service on its own, as the team deploys it behind the platform's API:
 * `npx tsx examples/fleet/service/main.ts`. PORT (8080) and HOST (127.0.0.1) say where it listens;
 * each `FLEET_EVENTS_<NAME>=<stage URL> <events:publish key>` (one per organization and stage it
 * publishes for, such as FLEET_EVENTS_LIVE) gives it a key to publish its events with.
 * CALLER_SIGNING_SECRET_ID (the platform's `callerSigningSecret`, read with the service's AWS
 * credentials) or CALLER_SIGNING_SECRET (its value, for a service outside AWS) lets it check that
 * the caller headers come from the gateway.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { readCallerSigningSecret } from './caller-secret';
import { PlatformEvents } from './events';
import { startFleetService } from './server';

const events = new PlatformEvents();
for (const [name, value] of Object.entries(process.env)) {
  if (!name.startsWith('FLEET_EVENTS_') || !value) continue;
  const [url, key] = value.trim().split(/\s+/);
  if (!url || !key) throw new Error(`${name} must be "<stage URL> <events:publish key>"`);
  const owner = await events.addKey({ url, key });
  console.log(`Publishing events of ${owner.organizationId} (${owner.environment}) with ${name}.`);
}
const signingSecret =
  process.env.CALLER_SIGNING_SECRET ||
  (process.env.CALLER_SIGNING_SECRET_ID &&
    (await readCallerSigningSecret(new SecretsManagerClient({}), process.env.CALLER_SIGNING_SECRET_ID)));
if (!signingSecret) {
  throw new Error(
    'Set CALLER_SIGNING_SECRET_ID (or CALLER_SIGNING_SECRET): the service checks the caller headers with it.',
  );
}
const service = await startFleetService({
  events,
  callerCheck: () => ({ signingSecret }),
  port: Number(process.env.PORT ?? 8080),
  host: process.env.HOST ?? '127.0.0.1',
});
console.log(`Fleet service listening on ${service.url}; Ctrl-C stops it.`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void service.close());
