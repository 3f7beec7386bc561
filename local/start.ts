/** `npm start`: the whole platform locally, on embedded stand-ins. Ctrl-C stops it. */
import './quiet-sdk';
import { join } from 'node:path';
import { API_KEY_HEADER_MODES, type ApiKeyHeaderMode } from '../functions/definition/api';
import { repoRoot } from './paths';
import { startPlatform } from './platform';

function apiKeyHeaderOf(value: string): ApiKeyHeaderMode {
  if ((API_KEY_HEADER_MODES as readonly string[]).includes(value)) return value as ApiKeyHeaderMode;
  console.error(`API_KEY_HEADER must be one of ${API_KEY_HEADER_MODES.join(', ')}; got '${value}'.`);
  process.exit(1);
}

const port = Number(process.env.PORT ?? 3000);
const dataDir = join(repoRoot(), '.local');

const { bootstrap, close, iam } = await startPlatform({
  port,
  dataDir,
  messaging: true,
  // API_KEY_HEADER=authorization takes Bearer keys, =either both (without the gateway cache), as the construct's apiKeyHeader.
  ...(process.env.API_KEY_HEADER && { apiKeyHeader: apiKeyHeaderOf(process.env.API_KEY_HEADER) }),
  // AUTHORIZER_CACHE_TTL_SECONDS=0 turns the gateway cache off whatever the mode.
  ...(process.env.AUTHORIZER_CACHE_TTL_SECONDS && {
    authorizerCacheTtlSeconds: Number(process.env.AUTHORIZER_CACHE_TTL_SECONDS),
  }),
  // WEBHOOK_RETRY_SCHEDULE=0,2,5 shortens the retry schedule (seconds), to watch a delivery fail in the demo.
  ...(process.env.WEBHOOK_RETRY_SCHEDULE && {
    webhookRetrySchedule: process.env.WEBHOOK_RETRY_SCHEDULE.split(',').map(Number),
  }),
  logLevel: process.env.LOG_LEVEL ?? 'WARN',
  onRequest: ({ method, path, status, latencyMs }) =>
    console.log(`${new Date().toISOString()} ${method} ${path.split('?')[0]} → ${status} (${latencyMs.toFixed(1)} ms)`),
});

console.log(`
API key platform is running locally (no AWS account needed).

  Live stage:      ${bootstrap.liveUrl}      (sk_live_ keys)
  Sandbox stage:   ${bootstrap.sandboxUrl}   (sk_test_ keys)
  Organization:    ${bootstrap.organizationId}  sub-accounts: ${bootstrap.accountIds.join(', ')}
  Admin key:       ${bootstrap.adminKey}
  Sandbox admin:   ${bootstrap.sandboxAdminKey}
  Email inbox:     ${bootstrap.emailInboxUrl}   (reminder and webhook emails; /store as JSON)
  Webhooks:        npm run webhook-receiver -- --register   (a demo receiver, in another terminal)
  IAM:             ${iam.enabled ? "each function's AWS calls are checked against its synthesized role (LOCAL_IAM=off to skip)" : 'not enforced (LOCAL_IAM=off)'}

Everything above is in ${join(dataDir, 'bootstrap.json')}. Try:

  curl -H "x-api-key: ${bootstrap.adminKey}" ${bootstrap.liveUrl}/v1/whoami

Press Ctrl-C to stop.
`);
if (iam.withoutLocalCounterpart.length > 0) {
  console.log(
    `Grants on resources the local stack does not have (they allow nothing here):\n  ${iam.withoutLocalCounterpart.join('\n  ')}\n`,
  );
}

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping…');
    close().then(() => process.exit(0));
  });
}
