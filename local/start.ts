/**
 * `npm start`: the whole platform locally, on embedded stand-ins, serving an example app's API
 * (EXAMPLE=leadbase, the default, or EXAMPLE=fleet). Ctrl-C stops it.
 */
import './quiet-sdk';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { API_KEY_HEADER_MODES, type ApiKeyHeaderMode } from '../functions/definition/api';
import { repoRoot } from './paths';
import { type LocalApp, startPlatform } from './platform';

/** The example apps `npm start` can serve; each is examples/<name>/local.ts. */
const EXAMPLES: Record<string, () => Promise<LocalApp>> = {
  leadbase: async () => (await import('../examples/leadbase/local')).leadbaseApp,
  // The fleet service must listen before its definition (which holds its URL) exists.
  fleet: async () => (await import('../examples/fleet/local')).startFleetApp(),
};

function apiKeyHeaderOf(value: string): ApiKeyHeaderMode {
  if ((API_KEY_HEADER_MODES as readonly string[]).includes(value)) return value as ApiKeyHeaderMode;
  console.error(`API_KEY_HEADER must be one of ${API_KEY_HEADER_MODES.join(', ')}; got '${value}'.`);
  process.exit(1);
}

const example = process.env.EXAMPLE || 'leadbase';
const loadApp = Object.hasOwn(EXAMPLES, example) ? EXAMPLES[example] : undefined;
if (!loadApp) {
  console.error(`EXAMPLE must be one of ${Object.keys(EXAMPLES).join(', ')}; got '${example}'.`);
  process.exit(1);
}
const app = await loadApp();

const port = Number(process.env.PORT ?? 3000);
const localDir = join(repoRoot(), '.local');
// Each example keeps its own state (its demo organization, keys and data differ), so switching
// examples keeps both; .local/bootstrap.json is always the running one's, for the CLI and scripts.
const dataDir = join(localDir, example);
const bootstrapFile = join(localDir, 'bootstrap.json');
if (existsSync(join(localDir, 'dynamodb'))) {
  console.log(
    'Note: .local/ holds data of a start before the examples had folders of their own (.local/<example>/); it is no longer used. `rm -rf .local` drops it.\n',
  );
}

const { bootstrap, close, iam } = await startPlatform({
  app,
  port,
  dataDir,
  messaging: true,
  oidcProvider: true,
  // API_KEY_HEADER overrides the definition's apiKeyHeader: =authorization takes Bearer keys, =either both (without the gateway cache).
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

writeFileSync(bootstrapFile, `${JSON.stringify({ example, ...bootstrap }, null, 2)}\n`, { mode: 0o600 });
const { keyPrefix, apiKeyHeader: definitionKeyHeader } = app.definition.compiled;
const keyHeader =
  (process.env.API_KEY_HEADER || definitionKeyHeader) === 'authorization' ? 'Authorization: Bearer' : 'x-api-key:';

console.log(`
API key platform is running locally (no AWS account needed), serving the ${example} example (${bootstrap.apiName}).

  Live stage:      ${bootstrap.liveUrl}      (${keyPrefix}_live_ keys)
  Sandbox stage:   ${bootstrap.sandboxUrl}   (${keyPrefix}_test_ keys)
  Organization:    ${bootstrap.organizationId}  sub-accounts: ${bootstrap.accountIds.join(', ')}
  Admin key:       ${bootstrap.adminKey}
  Sandbox admin:   ${bootstrap.sandboxAdminKey}
  Console link:    ${bootstrap.consoleUrl}   (signs the demo owner in once; a new one each start)
  API docs:        ${bootstrap.liveUrl}/docs   (OpenAPI 3.1: ${bootstrap.liveUrl}/v1/openapi.json, no key needed)
  Email inbox:     ${bootstrap.emailInboxUrl}   (reminder and webhook emails; /store as JSON)
  Webhooks:        npm run webhook-receiver -- --register   (a demo receiver, in another terminal)
  OIDC issuer:     ${bootstrap.oidcIssuer}   (development sign-in for the demo's people, no password; client "console", audience api-key-platform)
                   the console's "Sign in with" button uses it: ${bootstrap.liveUrl}/console
  IAM:             ${iam.enabled ? "each function's AWS calls are checked against its synthesized role (LOCAL_IAM=off to skip)" : 'not enforced (LOCAL_IAM=off)'}

Everything above is in ${bootstrapFile}; the example's state in ${dataDir}. Try:

  curl -H "${keyHeader} ${bootstrap.adminKey}" ${bootstrap.liveUrl}/v1/whoami

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
