/**
 * Secret-scanning reports end to end on the local stack: a simulated partner signs with the test
 * fixture key (local/fixtures), posts to the public route without any API key, and the platform
 * stops the key, emails the admins (aws-ses-v2-local), notifies in-app, delivers `api_key.leaked`
 * to a real receiver (fauxqs and the webhook workers) and writes the audit log.
 */

import { Webhook } from 'standardwebhooks';
import { DynamoOrganizationStore } from '../../functions/adapters/dynamo-organization-store';
import { generateKey } from '../../functions/domain/keys/key-token';
import { localClients } from '../../local/bootstrap';
import { LOCAL_PARTNER_KEY_ID, leakReportBody, signAsLocalPartner } from '../../local/secret-scanning-partner';
import { call } from '../support/http-client';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { type Receiver, startReceiver } from '../support/webhook-receiver';

let platform: TestPlatform;
let receiver: Receiver;

beforeAll(async () => {
  platform = await startTestPlatform({ messaging: true, workers: 'manual', webhookRetrySchedule: [0, 0, 0] });
  receiver = await startReceiver();
});

afterAll(async () => {
  await receiver?.close();
  await platform?.close();
});

const LEAK_URL = 'https://github.com/acme/billing/blob/4f2a9c1/config/settings.js';

/** Posts a report as the partner would; `tamper` changes the body after signing. */
function report(
  body: string,
  options: { stage?: 'live' | 'sandbox'; headers?: Record<string, string | string[]> } = {},
) {
  const base = options.stage === 'sandbox' ? platform.bootstrap.sandboxUrl : platform.bootstrap.liveUrl;
  return call('POST', `${base}/v1/secret-scanning/reports`, {
    rawBody: body,
    headers: { 'content-type': 'application/json', ...options.headers },
  });
}

const signed = (tokens: string[], url = LEAK_URL) => {
  const { body, headers } = signAsLocalPartner(leakReportBody(tokens, url));
  return { body, headers };
};

async function inbox() {
  const response = await fetch(`${platform.bootstrap.emailInboxUrl}/store`);
  return (
    (await response.json()) as {
      emails: { destination: { to: string[] }; subject: string; body: { text?: string; html?: string } }[];
    }
  ).emails;
}

async function auditOf(keyId: string, as = platform.admin) {
  const response = await as.get('/v1/audit-log?limit=100');
  expect(response.status).toBe(200);
  return (response.body.items as { action: string; targetKeyId?: string }[]).filter(
    (entry) => entry.targetKeyId === keyId,
  );
}

describe('POST /v1/secret-scanning/reports', () => {
  it('revokes a reported live key at once, emails the admins, notifies in-app and audits the URL', async () => {
    const key = await platform.createKey({ name: 'Billing export' });
    const live = platform.live(key.key);
    expect((await live.get('/v1/whoami')).status).toBe(200); // its answer is now in the gateway cache
    const { body, headers } = signed([key.key]);

    const response = await report(body, { headers });

    expect(response.status).toBe(200);
    expect(response.body).toEqual([{ token_raw: key.key, token_type: 'api_key_platform_key', label: 'true_positive' }]);
    expect((await live.get('/v1/whoami')).status).toBe(401);
    expect((await platform.admin.get(`/v1/keys/${key.id}`)).body).toMatchObject({ status: 'revoked' });

    const emails = (await inbox()).filter((email) => email.subject.includes(`…${key.key.slice(-8)}`));
    expect(emails).toHaveLength(1);
    expect(emails[0]?.subject).toContain('found in public and revoked');
    expect(emails[0]?.destination.to).toContain(platform.bootstrap.ownerEmail.toLowerCase());
    expect(emails[0]?.body.text).toContain(LEAK_URL);
    expect(JSON.stringify(emails)).not.toContain(key.key);

    const notifications = await platform.admin.get('/v1/notifications?limit=100');
    expect(notifications.body.items).toContainEqual(
      expect.objectContaining({ type: 'api_key.leaked', keyId: key.id, url: LEAK_URL, action: 'revoked', read: false }),
    );

    expect(await auditOf(key.id)).toContainEqual(
      expect.objectContaining({
        action: 'key.leaked',
        outcome: 'succeeded',
        actorPartner: LOCAL_PARTNER_KEY_ID,
        details: expect.objectContaining({ url: LEAK_URL, leakAction: 'revoked' }),
      }),
    );
  });

  it('delivers api_key.leaked, signed, to the organization’s webhooks', async () => {
    const registered = await platform.sandboxAdmin.post('/v1/webhooks', {
      url: `${receiver.url}/hooks`,
      events: ['api_key.leaked'],
    });
    expect(registered.status).toBe(201);
    const key = await platform.createKey({ name: 'Sandbox CI' }, platform.sandboxAdmin);
    receiver.received.length = 0;
    const { body, headers } = signed([key.key]);

    expect((await report(body, { headers, stage: 'sandbox' })).status).toBe(200);
    await platform.webhooks?.deliver();

    expect(receiver.received).toHaveLength(1);
    const event = new Webhook(registered.body.secret).verify(
      receiver.received[0]?.body ?? '',
      receiver.received[0]?.headers as Record<string, string>,
    );
    expect(event).toMatchObject({
      type: 'api_key.leaked',
      data: { id: key.id, environment: 'test', url: LEAK_URL, source: 'content', action: 'revoked' },
    });
    expect(receiver.received[0]?.body).not.toContain(key.key);
    await platform.sandboxAdmin.delete(`/v1/webhooks/${registered.body.id}`);
  });

  it('answers a non-key and an unknown well-formed key false_positive, and changes nothing', async () => {
    const bystander = await platform.createKey({ name: 'Bystander' });
    const unknown = generateKey('live').token;
    const { body, headers } = signed([
      'ghp_16C7e42F292c6912E7710c838347Ae178B4a',
      unknown,
      `${bystander.key.slice(0, -1)}x`,
    ]);

    const response = await report(body, { headers });

    expect(response.status).toBe(200);
    expect(response.body.map((verdict: { label: string }) => verdict.label)).toEqual([
      'false_positive',
      'false_positive',
      'false_positive',
    ]);
    expect((await platform.live(bystander.key).get('/v1/whoami')).status).toBe(200);
    expect(await auditOf(bystander.id)).toEqual([expect.objectContaining({ action: 'key.create' })]);
  });

  it('refuses unsigned, forged and unknown-key reports, and changes nothing', async () => {
    const key = await platform.createKey({ name: 'Target' });
    const genuine = signed([key.key]);
    const forgedBody = leakReportBody([key.key], 'https://evil.example/');

    const unsigned = await report(genuine.body);
    const tampered = await report(forgedBody, { headers: genuine.headers });
    const unknownKey = await report(genuine.body, {
      headers: { ...genuine.headers, 'github-public-key-identifier': 'someone-else' },
    });
    const garbage = await report(genuine.body, {
      headers: { ...genuine.headers, 'github-public-key-signature': '!!not base64!!' },
    });
    // A second signature header must not let a verifier pick the one it likes.
    const twoSignatures = await report(genuine.body, {
      headers: {
        ...genuine.headers,
        'github-public-key-signature': ['!!not base64!!', genuine.headers['github-public-key-signature'] as string],
      },
    });

    expect(unsigned.status).toBe(401);
    expect(unsigned.body.error.code).toBe('unauthorized');
    expect(twoSignatures.status).toBe(401);
    for (const refused of [tampered, unknownKey, garbage]) {
      expect(refused.status).toBe(403);
      expect(refused.body.error).toMatchObject({ code: 'forbidden', message: expect.any(String) });
    }
    expect((await platform.live(key.key).get('/v1/whoami')).status).toBe(200);
    expect(await auditOf(key.id)).toEqual([expect.objectContaining({ action: 'key.create' })]);
  });

  it('answers bad bodies 400 and oversized ones 413, with JSON that says what to fix', async () => {
    const notJson = signAsLocalPartner('[{"token": ');
    const wrongShape = signAsLocalPartner('{"token": "sk_live_x"}');
    const huge = signAsLocalPartner(`[${'"x",'.repeat(300_000)}"x"]`);

    const responses = await Promise.all([notJson, wrongShape, huge].map((r) => report(r.body, { headers: r.headers })));

    expect(responses.map((response) => response.status)).toEqual([400, 400, 413]);
    expect(responses[0]?.body.error.fields).toEqual([{ field: 'body', message: 'is not valid JSON' }]);
    expect(responses[1]?.body.error.fields[0]).toMatchObject({ field: 'body' });
  });

  it('deactivates instead where the organization chose it; the key can be activated again', async () => {
    const other = await platform.createOrganization({ name: 'Deactivators', ownerEmail: 'owner@deact.example' });
    const clients = localClients(platform.bootstrap.endpoints);
    await new DynamoOrganizationStore(clients.documents, platform.bootstrap.tableName).setLeakedKeyAction(
      other.organization.id,
      'deactivate',
    );
    clients.dynamoDb.destroy();
    const key = await platform.createKey({ name: 'Reversible' }, other.admin);
    const { body, headers } = signed([key.key]);

    expect((await report(body, { headers })).body[0].label).toBe('true_positive');

    expect((await other.admin.get(`/v1/keys/${key.id}`)).body).toMatchObject({ status: 'inactive' });
    expect((await platform.live(key.key).get('/v1/whoami')).status).toBe(401);
    const emails = (await inbox()).filter((email) => email.destination.to.includes('owner@deact.example'));
    expect(emails.map((email) => email.subject)).toEqual([expect.stringContaining('found in public and deactivated')]);
    expect((await other.admin.post(`/v1/keys/${key.id}/activate`)).status).toBe(200);
    expect((await platform.live(key.key).get('/v1/whoami')).status).toBe(200);
  });

  it('keeps refusing api_key.leaked from POST /v1/events: only the platform publishes it', async () => {
    const forged = await platform.sandboxAdmin.post('/v1/events', {
      type: 'api_key.leaked',
      data: { id: 'key_x', name: 'x', environment: 'test', last8: 'x', permissions: [], createdAt: '' },
    });

    expect(forged.status).toBe(400);
    expect(forged.body.error.fields[0]).toMatchObject({ field: 'type', message: expect.stringContaining('platform') });
  });
});
