/**
 * The SDK's quick start, runnable against `npm start` (the Leadbase example, sandbox stage) with
 * `npx tsx sdk/examples/run-quickstart.ts`:
 * 1. creates a key with the admin key, 2. lists contacts with it, 3. reads that key's call log,
 * 4. receives a test webhook on a local receiver and verifies its signature.
 * The test in sdk/test/quickstart.test.ts runs the same function against the local stack.
 */
import type { IncomingHttpHeaders } from 'node:http';
import {
  type ApiClient,
  ApiError,
  type ClientOptions,
  createClient,
  ForbiddenError,
  paginate,
  verifyWebhook,
} from '../src';

export interface ReceivedRequest {
  body: string;
  headers: IncomingHttpHeaders;
}

export interface QuickstartOptions {
  /** A stage URL; webhooks to loopback receivers are allowed in the sandbox stage only. */
  baseUrl: string;
  adminKey: string;
  /** The sub-account the product route acts on (Leadbase's routes take `account_id`). */
  accountId: string;
  /** Where webhooks reach this process, and the last request it received. */
  receiver: { url: string; lastReceived: () => Promise<ReceivedRequest | undefined> };
  /** Runs before each read of the call log, which fills a few seconds after the call; by default a 1 s wait. */
  beforeReadingCalls?: () => Promise<void>;
  log?: (line: string) => void;
  /** The clients' fetch; the test passes one that checks every answer against the OpenAPI document. */
  fetch?: ClientOptions['fetch'];
}

export async function quickstart(options: QuickstartOptions) {
  const log = options.log ?? (() => {});
  const clientOf = (apiKey: string) =>
    createClient({ baseUrl: options.baseUrl, apiKey, ...(options.fetch && { fetch: options.fetch }) });
  const admin = clientOf(options.adminKey);

  // 1. A read-only key. Its plaintext is in this answer only: store it now.
  const created = await admin.POST('/v1/keys', { body: { name: 'SDK quick start', permissions: ['read'] } });
  const keyId = created.id;
  log(`created key ${keyId}`);

  // 2. A product route with the new key; paginate follows nextCursor for as many pages as there are.
  const api = clientOf(created.key);
  const contacts = [];
  for await (const contact of paginate((cursor) =>
    api.GET('/v1/contacts', { params: { query: { account_id: options.accountId, cursor } } }),
  )) {
    contacts.push(contact);
  }
  log(`listed ${contacts.length} contacts`);
  // Errors are typed: a read-only key may not create contacts.
  const refused = await api
    .POST('/v1/contacts', { params: { query: { account_id: options.accountId } }, body: { name: 'Ada' } })
    .then(
      () => undefined,
      (error: unknown) => (error instanceof ApiError ? error : Promise.reject(error)),
    );
  log(`creating a contact with it: ${refused instanceof ForbiddenError ? `refused (${refused.code})` : 'allowed'}`);

  // 3. The key's call log (the last 7 days, newest first).
  const calls = await readCalls(admin, keyId, options.beforeReadingCalls ?? (() => wait(1000)));
  log(`call log: ${calls.map((call) => `${call.method} ${call.path} ${call.status}`).join(', ')}`);

  // 4. A webhook endpoint; its signing secret is shown once. A test event is delivered at once.
  const endpoint = await admin.POST('/v1/webhooks', {
    body: { url: `${options.receiver.url}/webhooks`, events: ['contact.created'] },
  });
  const webhookId = endpoint.id;
  try {
    await admin.POST('/v1/webhooks/{id}/test', {
      params: { path: { id: webhookId } },
      body: { eventType: 'contact.created' },
    });
    const received = await options.receiver.lastReceived();
    if (!received) throw new Error('The test webhook did not arrive.');
    const event = verifyWebhook(received.body, received.headers, endpoint.secret);
    log(`verified webhook ${event.type}`);
    return { keyId, contacts, refused, calls, webhook: event };
  } finally {
    await admin.DELETE('/v1/webhooks/{id}', { params: { path: { id: webhookId } } });
    await admin.POST('/v1/keys/{id}/revoke', { params: { path: { id: keyId } } });
  }
}

async function readCalls(admin: ApiClient, keyId: string, settle: () => Promise<void>) {
  for (let attempt = 0; attempt < 10; attempt++) {
    await settle();
    const page = await admin.GET('/v1/keys/{id}/calls', { params: { path: { id: keyId } } });
    if (page.items.length > 0) return page.items;
  }
  throw new Error(`No call of key ${keyId} reached its call log.`);
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
