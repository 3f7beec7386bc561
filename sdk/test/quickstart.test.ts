/**
 * The SDK's runnable quick start (sdk/examples/quickstart.ts) against the local stack, in the
 * sandbox stage: a key, a product route, the call log and a verified webhook, all through the SDK,
 * whose every answer is held to the OpenAPI document (contractCheckedFetch).
 */
import { contractCheckedFetch } from '../../test/support/contract-fetch';
import { startTestPlatform, type TestPlatform } from '../../test/support/platform';
import { type Receiver, startReceiver } from '../../test/support/webhook-receiver';
import { quickstart } from '../examples/quickstart';
import { ForbiddenError } from '../src';

let platform: TestPlatform;
let receiver: Receiver;

beforeAll(async () => {
  platform = await startTestPlatform();
  receiver = await startReceiver();
});

afterAll(async () => {
  await receiver?.close();
  await platform?.close();
});

describe('the quick start', () => {
  it('creates a key, calls a product route, reads the call log and verifies a webhook', async () => {
    const { bootstrap } = platform;
    const accountId = bootstrap.accountIds[0] as string;
    const contact = await platform.sandboxAdmin.post(`/v1/contacts?account_id=${accountId}`, { name: 'Grace' });

    const result = await quickstart({
      baseUrl: bootstrap.sandboxUrl,
      adminKey: bootstrap.sandboxAdminKey,
      accountId,
      receiver: { url: receiver.url, lastReceived: async () => receiver.received.at(-1) },
      beforeReadingCalls: () => platform.flushUsage(),
      fetch: contractCheckedFetch(),
    });

    expect(result.keyId).toMatch(/^key_/);
    expect(result.contacts).toEqual([expect.objectContaining({ id: contact.body.id, name: 'Grace' })]);
    expect(result.refused).toBeInstanceOf(ForbiddenError);
    expect(result.calls).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ method: 'GET', path: '/sandbox/v1/contacts', status: 200 }),
        expect.objectContaining({ method: 'POST', path: '/sandbox/v1/contacts', status: 403 }),
      ]),
    );
    expect(result.webhook).toMatchObject({ type: 'contact.created', test: true });
    expect(receiver.received).toHaveLength(1);
  });
});
