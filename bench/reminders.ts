/**
 * The reminder scan's cost with many keys: `npx tsx bench/reminders.ts [keys] [due]` (default
 * 100,000 keys of which 100 are due). Seeds the keys into an in-memory local table and counts the
 * items the scan reads; it should be about the due keys, not all keys.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoKeyStore } from '../functions/adapters/dynamo-key-store';
import { scanForReminders } from '../functions/domain/reminders/reminder-service';
import { createTable, LOCAL_CREDENTIALS } from '../local/bootstrap';
import { startDynamoDb } from '../local/emulators/dynamodb';
import { LOCAL_REGION } from '../local/gateway/events';
import { countItemsRead, seedKey, seedKeys } from '../test/support/reminder-seed';

const DAY_MS = 24 * 3600 * 1000;
const total = Number(process.argv[2] ?? 100_000);
const due = Number(process.argv[3] ?? 100);

const dynamodb = await startDynamoDb({});
const raw = new DynamoDBClient({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoint: dynamodb.endpoint });
const documents = DynamoDBDocumentClient.from(raw);
await createTable(raw, 'bench');
const now = new Date('2027-06-01T00:00:00Z');
const records = Array.from({ length: total }, (_, index) =>
  seedKey(index, `org_${index % 500}`, new Date(now.getTime() - (index < due ? 160 : index % 150) * DAY_MS)),
);
const seedStart = performance.now();
await seedKeys(documents, 'bench', records);
const seedMs = performance.now() - seedStart;

const counts = countItemsRead(documents);
const scanStart = performance.now();
const result = await scanForReminders({
  keys: new DynamoKeyStore(documents, 'bench'),
  queue: { send: async () => {} },
  clock: () => now,
});
const scanMs = performance.now() - scanStart;
console.log(
  JSON.stringify(
    {
      keys: total,
      due,
      seededInSeconds: Math.round(seedMs / 100) / 10,
      scan: {
        queued: result.queued.length,
        itemsRead: counts.itemsRead,
        requests: counts.requests,
        ms: Math.round(scanMs),
      },
    },
    null,
    2,
  ),
);
raw.destroy();
await dynamodb.close();
