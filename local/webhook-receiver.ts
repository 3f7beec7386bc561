/**
 * `npm run webhook-receiver`: a demo receiver that prints every delivery and verifies it with the
 * public `standardwebhooks` package, as a customer's receiver would.
 *
 *   npm run webhook-receiver -- --register            registers itself with the running local stack
 *                                                     (sandbox, every event type) and verifies with
 *                                                     the secret it was given
 *   npm run webhook-receiver -- --secret whsec_…      verifies with a secret you registered yourself
 *   npm run webhook-receiver -- --fail 3              answers the first 3 deliveries with 503
 *   npm run webhook-receiver -- --status 500          answers every delivery with this status
 *   --port 4000 (default)
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { parseArgs } from 'node:util';
import { Webhook } from 'standardwebhooks';
import { readLocalBootstrap } from './paths';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4000' },
    secret: { type: 'string', multiple: true },
    register: { type: 'boolean', default: false },
    fail: { type: 'string', default: '0' },
    status: { type: 'string' },
  },
});
const port = Number(values.port);
let failuresLeft = Number(values.fail);
const fixedStatus = values.status ? Number(values.status) : undefined;
const secrets = [...(values.secret ?? []), ...(process.env.WEBHOOK_SECRET ? [process.env.WEBHOOK_SECRET] : [])];

if (values.register) secrets.push(await register());
if (secrets.length === 0) {
  console.log('No secret given (--secret whsec_… or --register): deliveries are printed but not verified.\n');
}

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    const status = fixedStatus ?? (failuresLeft-- > 0 ? 503 : 200);
    console.log(describe(request.headers, body, status));
    response.writeHead(status, { 'content-type': 'text/plain' });
    response.end(status < 300 ? 'received' : 'failing on purpose (--fail/--status)');
  });
});
server.listen(port, '127.0.0.1', () =>
  console.log(`Webhook receiver listening on http://localhost:${port}/webhooks\n`),
);

function describe(headers: IncomingHttpHeaders, body: string, status: number): string {
  const id = headers['webhook-id'];
  let verdict = 'not verified (no secret)';
  let payload: unknown;
  for (const secret of secrets) {
    try {
      payload = new Webhook(secret).verify(body, headers as Record<string, string>);
      verdict = 'verified ✓';
      break;
    } catch (error) {
      verdict = `NOT verified ✗ (${(error as Error).message})`;
    }
  }
  payload ??= safeJson(body);
  const { type, data, test } = (payload ?? {}) as { type?: string; data?: unknown; test?: boolean };
  return [
    `${new Date().toISOString()}  ${type ?? '(no type)'}${test ? ' (test send)' : ''}  webhook-id ${id}  → answered ${status}`,
    `  signature: ${verdict}`,
    `  data: ${JSON.stringify(data)}`,
    '',
  ].join('\n');
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Registers this receiver with the running local stack's sandbox stage and returns its secret. An
 * endpoint registered earlier at the same URL is kept (same id, same delivery log) and its secret
 * rotated, since a secret is shown only once; the old one still signs for 24 hours.
 */
async function register(): Promise<string> {
  const bootstrap = readLocalBootstrap();
  if (!bootstrap) throw new Error('No local stack found (.local/bootstrap.json). Start it with `npm start`.');
  const url = `http://localhost:${port}/webhooks`;
  const api = (path: string, init: { method?: string; body?: unknown } = {}) =>
    fetch(`${bootstrap.sandboxUrl}${path}`, {
      method: init.method ?? 'GET',
      headers: { 'x-api-key': bootstrap.sandboxAdminKey, 'content-type': 'application/json' },
      ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
    });
  const listed = (await (await api('/v1/webhooks?limit=100')).json()) as { items?: { id: string; url: string }[] };
  // The running stack's catalog: the example's events and the platform's.
  const catalog = (await (await api('/v1/webhook-event-types')).json()) as { items: { type: string }[] };
  const events = catalog.items.map((item) => item.type);
  const existing = listed.items?.find((endpoint) => endpoint.url === url);
  const response = existing
    ? await api(`/v1/webhooks/${existing.id}/rotate-secret`, { method: 'POST' })
    : await api('/v1/webhooks', {
        method: 'POST',
        body: { url, events, description: 'npm run webhook-receiver' },
      });
  if (!response.ok) throw new Error(`Registering failed: ${response.status} ${await response.text()}`);
  const { id, secret } = (await response.json()) as { id: string; secret: string };
  console.log(
    existing
      ? `Registered before as ${id}; rotated its secret for this run. Its deliveries:`
      : `Registered as ${id} (sandbox, every event type). Its deliveries:`,
  );
  console.log(
    `  curl -H "x-api-key: ${bootstrap.sandboxAdminKey}" ${bootstrap.sandboxUrl}/v1/webhooks/${id}/deliveries\n`,
  );
  return secret;
}
