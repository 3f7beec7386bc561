import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { eventPublisher } from 'api-key-platform/backend';
import { mockClient } from 'aws-sdk-client-mock';
import { parseEventMessage } from '../../functions/adapters/sqs-webhook-queues';
import { ValidationError } from '../../functions/domain/errors';

const QUEUE_URL = 'http://sqs.local/000000000000/webhook-events';
const NOW = new Date('2026-11-22T09:30:00.000Z');
const aTable = { id: 'tb_1a2b3c4d5e6f70819203', accountId: 'acc_1', name: 'Leads Ü', createdAt: NOW.toISOString() };

function aPublisher() {
  const sqs = new SQSClient({ region: 'eu-west-1' });
  const mock = mockClient(sqs);
  mock.on(SendMessageCommand).resolves({});
  const sent = () => mock.commandCalls(SendMessageCommand).map((call) => call.args[0].input);
  return { publisher: eventPublisher({ queueUrl: QUEUE_URL, sqs, now: () => NOW }), sent };
}

describe('eventPublisher', () => {
  it('queues a message the fan-out reads back as the same event', async () => {
    const { publisher, sent } = aPublisher();

    const { id } = await publisher.publish({
      type: 'table.created',
      organizationId: 'org_1',
      environment: 'test',
      data: aTable,
    });

    const [message] = sent();
    expect(message?.QueueUrl).toBe(QUEUE_URL);
    expect(message?.MessageBody).not.toContain('Ü');
    expect(parseEventMessage(message?.MessageBody ?? '')).toEqual({
      id,
      organizationId: 'org_1',
      environment: 'test',
      type: 'table.created',
      timestamp: NOW.toISOString(),
      data: aTable,
    });
    expect(id).toMatch(/^evt_[0-9a-f]{24}$/);
  });

  it.each(['api_key.revoked', 'Contact Created', ''])('refuses the type %j before sending anything', async (type) => {
    const { publisher, sent } = aPublisher();

    await expect(publisher.publish({ type, organizationId: 'org_1', environment: 'live', data: {} })).rejects.toThrow(
      TypeError,
    );
    expect(sent()).toEqual([]);
  });

  it('refuses an event too large for the queue', async () => {
    const { publisher, sent } = aPublisher();
    const data = { ...aTable, description: 'ü'.repeat(50_000) };

    await expect(
      publisher.publish({ type: 'table.created', organizationId: 'org_1', environment: 'live', data }),
    ).rejects.toThrow(RangeError);
    expect(sent()).toEqual([]);
  });
});

describe('parseEventMessage', () => {
  const message = (type: string, data: unknown) =>
    JSON.stringify({
      id: 'evt_1',
      organizationId: 'org_1',
      environment: 'live',
      type,
      timestamp: NOW.toISOString(),
      data,
    });

  it('refuses a queued event whose data does not match the catalog, since backends queue events themselves', () => {
    expect(() => parseEventMessage(message('table.created', { id: 'tb_1' }))).toThrow(ValidationError);
  });

  it('refuses a type the catalog does not have', () => {
    expect(() => parseEventMessage(message('ride.started', {}))).toThrow(ValidationError);
  });
});
