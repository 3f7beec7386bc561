import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { PLATFORM_EVENTS } from '../../functions/domain/webhooks/catalog';
import { checkEventSource, isQueueOf, RefusedEventSourceError } from '../../functions/domain/webhooks/event-source';
import type { PublishedEvent } from '../../functions/domain/webhooks/webhook-model';
import { fanOutBatch } from '../../functions/webhooks/fanout-batch';
import { aManualClock, NOW } from '../support/unit-factories';
import {
  anEndpoint,
  anEvent,
  MemoryDeliveryQueue,
  MemoryDeliveryStore,
  MemoryEventStore,
  MemoryWebhookStore,
} from '../support/webhook-memory';

const PLATFORM_QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/platform-WebhooksEventsQueue-1A2B';
const PLATFORM_QUEUE_ARN = 'arn:aws:sqs:eu-west-1:123456789012:platform-WebhooksEventsQueue-1A2B';
const TEAM_QUEUE_ARN = 'arn:aws:sqs:eu-west-1:123456789012:platform-WebhooksTeamEventsQueue-3C4D';

const forgedRevocation = anEvent({
  id: 'evt_000000000000000000000f0f',
  type: 'api_key.revoked',
  data: PLATFORM_EVENTS['api_key.revoked'].example,
});
const teamEvent = anEvent({ id: 'evt_000000000000000000000a0a', type: 'table.created' });

function aRecord(event: PublishedEvent, eventSourceARN: string): SQSRecord {
  return {
    messageId: `m-${event.id}`,
    receiptHandle: `r-${event.id}`,
    body: JSON.stringify(event),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(NOW.getTime()),
      SenderId: 'AROAEXAMPLE',
      ApproximateFirstReceiveTimestamp: String(NOW.getTime()),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN,
    awsRegion: 'eu-west-1',
  };
}

function aFanOut() {
  const endpoint = anEndpoint({ events: ['api_key.revoked', 'table.created'] });
  const stores = {
    endpoints: new MemoryWebhookStore([endpoint]),
    events: new MemoryEventStore(),
    deliveries: new MemoryDeliveryStore(),
    queue: new MemoryDeliveryQueue(),
  };
  const handler = fanOutBatch(
    { ...stores, clock: aManualClock(NOW).clock, maxAttempts: 8 },
    { platformQueueUrl: PLATFORM_QUEUE_URL },
  );
  const run = (...records: SQSRecord[]) => handler({ Records: records } as SQSEvent);
  return { run, ...stores };
}

describe('fanOutBatch', () => {
  it('refuses a forged api_key.revoked from the team events queue: a failure for the DLQ, nothing delivered', async () => {
    const { run, queue, events, deliveries } = aFanOut();
    const forged = aRecord(forgedRevocation, TEAM_QUEUE_ARN);

    const result = await run(forged);

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: forged.messageId }]);
    expect(queue.messages).toEqual([]);
    expect(events.items.size).toBe(0);
    expect(deliveries.items.size).toBe(0);
  });

  it('fans out the same api_key.revoked from the platform queue', async () => {
    const { run, queue } = aFanOut();

    const result = await run(aRecord(forgedRevocation, PLATFORM_QUEUE_ARN));

    expect(result.batchItemFailures).toEqual([]);
    expect(queue.messages.map((message) => message.eventId)).toEqual([forgedRevocation.id]);
  });

  it("fans out the team's own events from the team queue, beside a refused one in the same batch", async () => {
    const { run, queue } = aFanOut();
    const forged = aRecord(forgedRevocation, TEAM_QUEUE_ARN);

    const result = await run(forged, aRecord(teamEvent, TEAM_QUEUE_ARN));

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: forged.messageId }]);
    expect(queue.messages.map((message) => message.eventId)).toEqual([teamEvent.id]);
  });
});

describe('isQueueOf', () => {
  it.each([
    [PLATFORM_QUEUE_ARN, true],
    [TEAM_QUEUE_ARN, false],
    // The same name in another account is another queue.
    ['arn:aws:sqs:eu-west-1:210987654321:platform-WebhooksEventsQueue-1A2B', false],
    ['arn:aws:sns:eu-west-1:123456789012:platform-WebhooksEventsQueue-1A2B', false],
    ['', false],
  ])('%j is the platform queue: %s', (arn, expected) => {
    expect(isQueueOf(arn, PLATFORM_QUEUE_URL)).toBe(expected);
  });

  it("matches the local emulator's URLs, whose hosts are no valid URL host", () => {
    const url = 'http://sqs.us-east-1.127.0.0.1:33421/000000000000/api-key-platform-webhook-events';

    expect(isQueueOf('arn:aws:sqs:us-east-1:000000000000:api-key-platform-webhook-events', url)).toBe(true);
    expect(isQueueOf('arn:aws:sqs:us-east-1:000000000000:api-key-platform-team-events', url)).toBe(false);
  });
});

describe('checkEventSource', () => {
  it.each([
    'api_key.revoked',
    'api_key.leaked',
    'api_key.created',
    'ride.started',
  ])('refuses %s from outside the platform queue', (type) => {
    expect(() => checkEventSource(type, { fromPlatformQueue: false })).toThrow(RefusedEventSourceError);
  });

  it("lets the definition's types through from any queue, and every type from the platform queue", () => {
    expect(() => checkEventSource('table.created', { fromPlatformQueue: false })).not.toThrow();
    expect(() => checkEventSource('api_key.leaked', { fromPlatformQueue: true })).not.toThrow();
  });
});
