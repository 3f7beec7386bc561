/**
 * The scan reads due keys only: its cost grows with the due keys, not with all keys. 5,000 keys
 * of which 20 are due here (seeding takes ~3 s); `npx tsx bench/reminders.ts` runs 100,000/100.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoKeyStore } from '../../functions/adapters/dynamo-key-store';
import { scanForReminders } from '../../functions/domain/reminders/reminder-service';
import { createTable, LOCAL_CREDENTIALS } from '../../local/bootstrap';
import { startDynamoDb } from '../../local/emulators/dynamodb';
import { LOCAL_REGION } from '../../local/gateway/events';
import { countItemsRead, seedKey, seedKeys } from '../support/reminder-seed';

const DAY_MS = 24 * 3600 * 1000;

test('a scan over 5,000 keys of which 20 are due reads the 20', async () => {
  const dynamodb = await startDynamoDb({});
  const raw = new DynamoDBClient({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoint: dynamodb.endpoint });
  const documents = DynamoDBDocumentClient.from(raw);
  try {
    await createTable(raw, 'cost');
    const now = new Date('2027-06-01T00:00:00Z');
    const records = Array.from({ length: 5000 }, (_, index) => {
      // 20 keys at 160 days (stage 1 due), the others younger than 5 months; a rotated and a revoked old key too.
      const record = seedKey(
        index,
        `org_${index % 50}`,
        new Date(now.getTime() - (index < 20 ? 160 : index % 150) * DAY_MS),
      );
      return record;
    });
    const old = (index: number) => seedKey(index, 'org_x', new Date(now.getTime() - 400 * DAY_MS));
    records.push(
      { ...old(9001), status: 'revoked' },
      { ...old(9002), rotatedToKeyId: 'key_0000000000009003', expiresAt: '2027-07-01T00:00:00.000Z' },
    );
    await seedKeys(documents, 'cost', records);

    const counts = countItemsRead(documents);
    const sent: string[] = [];
    const result = await scanForReminders({
      keys: new DynamoKeyStore(documents, 'cost'),
      queue: { send: async (messages) => void sent.push(...messages.map((message) => message.keyId)) },
      clock: () => now,
    });
    expect(result.queued).toHaveLength(20);
    expect(new Set(sent)).toEqual(new Set(records.slice(0, 20).map((record) => record.id)));
    // The keys-only index gives the 20 due entries, one BatchGetItem their 20 keys.
    expect(counts.itemsRead).toBe(40);
  } finally {
    raw.destroy();
    await dynamodb.close();
  }
});
