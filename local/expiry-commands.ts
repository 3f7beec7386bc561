/**
 * The operator CLI's `keys schedule-expiries`: schedules the authorizer cache flush of every key
 * expiring later, for keys written before exact expiry existed (a stack or a `.local/` upgraded).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoExpirySchedule, keysExpiringAfter } from '../functions/adapters/dynamo-expiry-schedule';
import { SqsExpiryQueue } from '../functions/adapters/sqs-expiry-queue';
import { KEY_EXPIRY } from '../functions/definition/key-expiry';
import { systemClock } from '../functions/domain/clock';
import { KeyExpiryScheduler, scheduleExpiriesOf } from '../functions/domain/key-expiry/schedule';
import { LOCAL_CREDENTIALS, localClients } from './bootstrap';
import { LOCAL_REGION } from './gateway/events';
import type { Bootstrap } from './platform';

export const EXPIRY_USAGE = `  keys schedule-expiries
      Schedules the authorizer cache flush of every key whose expiresAt is still ahead, for keys
      made before exact expiry existed. Once per upgraded stack; running it again is harmless.
      Prints {read}. A deployed stack needs TABLE_NAME and KEY_EXPIRY_QUEUE_URL.`;

type Fail = (message: string) => never;

export async function scheduleExistingExpiries(local: Bootstrap | undefined, fail: Fail): Promise<{ read: number }> {
  const target = expiryTarget(local, fail);
  try {
    const scheduler = new KeyExpiryScheduler(
      {
        store: new DynamoExpirySchedule(target.documents, target.tableName),
        queue: new SqsExpiryQueue(target.sqs, target.queueUrl),
        clock: systemClock,
        horizonSeconds: KEY_EXPIRY.horizonSeconds,
      },
      (error) => console.error('Queueing an expiry failed; the next sweep queues it:', error),
    );
    return await scheduleExpiriesOf(keysExpiringAfter(target.documents, target.tableName, systemClock()), scheduler);
  } finally {
    target.documents.destroy();
    target.sqs.destroy();
  }
}

function expiryTarget(local: Bootstrap | undefined, fail: Fail) {
  const { TABLE_NAME, KEY_EXPIRY_QUEUE_URL } = process.env;
  if (TABLE_NAME && KEY_EXPIRY_QUEUE_URL) {
    return {
      documents: DynamoDBDocumentClient.from(new DynamoDBClient({})),
      sqs: new SQSClient({}),
      tableName: TABLE_NAME,
      queueUrl: KEY_EXPIRY_QUEUE_URL,
    };
  }
  const queueUrl = local?.queueUrls?.['key-expiries'];
  if (!local || !queueUrl)
    return fail('Start the local stack with `npm start` (or set TABLE_NAME and KEY_EXPIRY_QUEUE_URL).');
  return {
    documents: localClients(local.endpoints).documents,
    sqs: new SQSClient({
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      endpoint: local.endpoints.sqs,
      useQueueUrlAsEndpoint: false,
    }),
    tableName: local.tableName,
    queueUrl,
  };
}
