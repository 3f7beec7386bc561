/**
 * Local IAM enforcement over HTTP: a function whose synthesized policy lacks a grant fails as it
 * would on AWS. The platform takes the synthesized policies less a few grants
 * (PlatformOptions.iam.policies): GetItem from keys-get, sqs:SendMessage from webhook-delivery,
 * sqs:ReceiveMessage from key-expiry-worker, lambda:InvokeFunction from metered-proxy.
 */
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { Denial } from '../../local/iam/enforcement';
import { withoutActions } from '../support/iam-policies';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { queueCounts } from '../support/queue-counts';
import { type Receiver, startReceiver } from '../support/webhook-receiver';

let platform: TestPlatform;
let receiver: Receiver;
const denials: Denial[] = [];

beforeAll(async () => {
  platform = await startTestPlatform({
    messaging: true,
    workers: 'manual',
    webhookRetrySchedule: [0, 0, 0],
    iam: {
      policies: withoutActions({
        'keys-get': 'dynamodb:GetItem',
        'webhook-delivery': 'sqs:SendMessage',
        'key-expiry-worker': 'sqs:ReceiveMessage',
        'metered-proxy': 'lambda:InvokeFunction',
      }),
      onDenial: (denial) => denials.push(denial),
    },
  });
  receiver = await startReceiver(() => ({ status: 429, headers: { 'retry-after': '3600' } }));
});

afterAll(async () => {
  await receiver?.close();
  await platform?.close();
});

beforeEach(() => {
  denials.length = 0;
});

const queueArn = (url: string) => `arn:aws:sqs:us-east-1:000000000000:${url.split('/').pop()}`;

describe('local IAM enforcement', () => {
  it('answers 500 for a route whose function may not read the table, as AccessDenied on AWS would', async () => {
    const { id } = await platform.createKey();

    const response = await platform.admin.get(`/v1/keys/${id}`);

    expect(response.status).toBe(500);
    expect(denials).toEqual([
      expect.objectContaining({
        functionId: 'keys-get',
        action: 'dynamodb:GetItem',
        resource: `arn:aws:dynamodb:us-east-1:000000000000:table/${platform.bootstrap.tableName}`,
        message: expect.stringMatching(
          /^User: arn:aws:sts::000000000000:assumed-role\/\w+\/keys-get is not authorized to perform: dynamodb:GetItem on resource: /,
        ),
      }),
    ]);
  });

  it('answers 502 for a paid route whose backend the metered proxy may not invoke, and refunds the call', async () => {
    const accountId = platform.bootstrap.accountIds[0] as string;

    const response = await platform.admin.post(`/v1/search?account_id=${accountId}`, { query: 'ada' });

    expect(response.status).toBe(502);
    expect(response.headers['x-credits-consumed']).toBe('0');
    expect(denials).toEqual([
      expect.objectContaining({
        functionId: 'metered-proxy',
        action: 'lambda:InvokeFunction',
        resource: 'arn:aws:lambda:us-east-1:000000000000:function:search',
      }),
    ]);
  });

  it('checks each function against its own role only', async () => {
    const { id } = await platform.createKey();

    // keys-update may read keys: the grant keys-get lost is its own.
    const response = await platform.admin.patch(`/v1/keys/${id}`, { name: 'renamed' });

    expect(response.status).toBe(200);
    expect(denials).toEqual([]);
  });

  it('leaves calls made outside a function unchecked: the operator has admin rights', async () => {
    const other = await platform.createOrganization();

    expect((await other.admin.get('/v1/whoami')).status).toBe(200);
    expect(denials).toEqual([]);
  });

  it("polls a queue with its consumer's role, as a Lambda event source mapping does", async () => {
    const polled = await platform.keyExpiry?.worker.poll(0).catch((error: unknown) => error);

    expect(polled).toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 400 } });
    expect(denials).toEqual([
      expect.objectContaining({
        functionId: 'key-expiry-worker',
        action: 'sqs:ReceiveMessage',
        resource: queueArn(platform.bootstrap.queueUrls['key-expiries']),
      }),
    ]);
  });

  it('lets the fan-out poll the team events queue, and lets no platform function send to it', async () => {
    const teamQueueUrl = platform.bootstrap.queueUrls['team-events'];
    const sendAs = (functionId: 'events-publish' | 'webhook-fanout') =>
      platform.iam
        .runAs(functionId, () =>
          platform.sqsClient.send(new SendMessageCommand({ QueueUrl: teamQueueUrl, MessageBody: '{}' })),
        )
        .catch((error: unknown) => error);

    await platform.webhooks?.teamFanOut.poll(0);
    const polledDenials = [...denials];
    const sent = [await sendAs('events-publish'), await sendAs('webhook-fanout')];

    expect(polledDenials).toEqual([]);
    expect(sent).toEqual([
      expect.objectContaining({ name: 'AccessDenied' }),
      expect.objectContaining({ name: 'AccessDenied' }),
    ]);
    expect(denials.map((denial) => [denial.functionId, denial.action, denial.resource])).toEqual([
      ['events-publish', 'sqs:SendMessage', queueArn(teamQueueUrl)],
      ['webhook-fanout', 'sqs:SendMessage', queueArn(teamQueueUrl)],
    ]);
  });

  // Finding 1 of issue 10: the delivery worker re-sends waits over 15 minutes to its own queue. A
  // role that may only consume that queue gets AccessDenied, and the worker falls back to hiding
  // the message, which keeps it in flight. webhooks.test.ts checks the path with the real grants.
  it('denies a long retry wait to a delivery worker that may not send to its own queue', async () => {
    const accountId = platform.bootstrap.accountIds[0] as string;
    const registered = await platform.sandboxAdmin.post('/v1/webhooks', {
      url: `${receiver.url}/hooks`,
      events: ['contact.created'],
    });
    expect(registered.status).toBe(201);
    const before = await deliveryQueueCounts();

    await platform.sandboxAdmin.post(`/v1/contacts?account_id=${accountId}`, { name: 'Ada' });
    await platform.webhooks?.deliver();

    expect(receiver.received).toHaveLength(1);
    expect(denials).toEqual([
      expect.objectContaining({
        functionId: 'webhook-delivery',
        action: 'sqs:SendMessage',
        resource: queueArn(platform.bootstrap.queueUrls['webhook-deliveries']),
      }),
    ]);
    const after = await deliveryQueueCounts();
    expect(after.delayed - before.delayed).toBe(0);
    expect(after.inFlight - before.inFlight).toBe(1);
  });
});

function deliveryQueueCounts() {
  return queueCounts(platform.sqsClient, platform.bootstrap.queueUrls['webhook-deliveries']);
}
