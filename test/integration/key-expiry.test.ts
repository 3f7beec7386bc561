/**
 * Exact expiry with the authorizer cache on (300 s, as deployed): a key whose expiresAt passes, and
 * the old key at the end of a rotation's grace period, stop within a second though the gateway
 * cached their answer; many keys expiring at once empty the cache once.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoExpiryFlushState } from '../../functions/adapters/dynamo-expiry-flush-state';
import { DynamoExpirySchedule } from '../../functions/adapters/dynamo-expiry-schedule';
import { keyItemKey } from '../../functions/adapters/dynamo-key-store';
import { AUTHORIZER_CACHE } from '../../functions/definition/api';
import { sweepExpiries } from '../../functions/domain/key-expiry/schedule';
import { localClients } from '../../local/bootstrap';
import { scheduleExistingExpiries } from '../../local/expiry-commands';
import type { apiAs } from '../support/http-client';
import { isoAfter, RecordingExpiryQueue } from '../support/key-expiry-memory';
import { startTestPlatform, type TestPlatform } from '../support/platform';

type ApiClient = ReturnType<typeof apiAs>;

/**
 * A team's route, behind the key authorizer and the gateway's cache (management routes have an
 * uncached authorizer of their own); set once the platform runs.
 */
let cachedRoute = '';

/** A whole second 2–3 s from now: far enough to call the key first, near enough to wait for. */
const expirySoon = () => new Date(Math.ceil((Date.now() + 2000) / 1000) * 1000);

/**
 * Calls with the key every 25 ms until the first 401 or `expiresAt` + 5 s; returns the statuses
 * seen before the expiry and how long after it the first 401 came (Infinity: none).
 */
async function stalenessOf(client: ApiClient, expiresAt: number) {
  const before = new Set<number>();
  while (Date.now() < expiresAt + 5000) {
    const sentAt = Date.now();
    const { status } = await client.get(cachedRoute);
    if (status === 401) return { before, stalenessMs: sentAt - expiresAt };
    if (sentAt < expiresAt) before.add(status);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return { before, stalenessMs: Number.POSITIVE_INFINITY };
}

describe('key expiry under the authorizer cache', () => {
  let platform: TestPlatform;
  let clients: ReturnType<typeof localClients>;
  beforeAll(async () => {
    platform = await startTestPlatform({ messaging: true, expirySweepIntervalMs: 0, reminderScanIntervalMs: 0 });
    clients = localClients(platform.bootstrap.endpoints);
    cachedRoute = `/v1/contacts?account_id=${platform.bootstrap.accountIds[0]}`;
  });
  afterAll(async () => {
    for (const client of Object.values(clients)) client.destroy();
    await platform.close();
  });

  /** The key works and its second call is answered from the gateway's cache. */
  async function expectCached(client: ApiClient) {
    expect((await client.get(cachedRoute)).status).toBe(200);
    const hits = platform.gateway.stats.authorizerCacheHits;
    expect((await client.get(cachedRoute)).status).toBe(200);
    expect(platform.gateway.stats.authorizerCacheHits).toBe(hits + 1);
  }

  it('runs with the deployed cache TTL', () => {
    expect(AUTHORIZER_CACHE.resultsCacheTtlSeconds).toBe(300);
  });

  it('refuses a cached key within 1 s after its expiresAt', async () => {
    const expiresAt = expirySoon();
    const { key } = await platform.createKey({ expiresAt: expiresAt.toISOString() });
    const client = platform.live(key);
    await expectCached(client);

    const { before, stalenessMs } = await stalenessOf(client, expiresAt.getTime());

    console.info(`expiresAt staleness: ${stalenessMs} ms`);
    expect([...before]).toEqual([200]);
    expect(stalenessMs).toBeLessThan(1000);
  });

  it('refuses the old key within 1 s after its grace period ends', async () => {
    const old = await platform.createKey();
    const client = platform.live(old.key);
    await expectCached(client);
    const rotated = await platform.admin.post(`/v1/keys/${old.id}/rotate`, { gracePeriodSeconds: 2 });
    expect(rotated.status).toBe(201);
    const graceEnd = Date.parse(rotated.body.previousKey.expiresAt);
    await expectCached(client);

    const { before, stalenessMs } = await stalenessOf(client, graceEnd);

    console.info(`grace end staleness: ${stalenessMs} ms`);
    expect([...before]).toEqual([200]);
    expect(stalenessMs).toBeLessThan(1000);
  });

  it('empties the cache once for many keys expiring at the same moment', async () => {
    const flushState = new DynamoExpiryFlushState(clients.documents, platform.bootstrap.tableName);
    const expiresAt = expirySoon();
    const keys = [];
    for (let index = 0; index < 12; index += 1) {
      keys.push(await platform.createKey({ name: `batch ${index}`, expiresAt: expiresAt.toISOString() }));
    }
    for (const { key } of keys) expect((await platform.live(key).get(cachedRoute)).status).toBe(200);
    const flushesBefore = (await flushState.read('live'))?.flushes ?? 0;

    await stalenessOf(platform.live(keys[0]?.key), expiresAt.getTime());
    // Every message of the batch handled: the worker has had a full second after the first flush.
    await new Promise((resolve) => setTimeout(resolve, 1500));

    expect((await flushState.read('live'))?.flushes).toBe(flushesBefore + 1);
    for (const { key } of keys) expect((await platform.live(key).get(cachedRoute)).status).toBe(401);
  });

  it('stops a key that got its expiresAt before the schedule existed, once `keys schedule-expiries` ran', async () => {
    const { id, key } = await platform.createKey();
    const client = platform.live(key);
    await expectCached(client);
    const expiresAt = expirySoon();
    // As a key written before this release: the expiry is stored, nothing scheduled it.
    await clients.documents.send(
      new UpdateCommand({
        TableName: platform.bootstrap.tableName,
        Key: keyItemKey(id),
        UpdateExpression: 'SET expiresAt = :at',
        ExpressionAttributeValues: { ':at': expiresAt.toISOString() },
      }),
    );

    const { read } = await scheduleExistingExpiries(platform.bootstrap, (message) => {
      throw new Error(message);
    });

    expect(read).toBeGreaterThanOrEqual(1);
    const { stalenessMs } = await stalenessOf(client, expiresAt.getTime());
    expect(stalenessMs).toBeLessThan(1000);
  });

  it('sweeps the schedule from one cache TTL back to 15 minutes ahead, across an hour, each entry once', async () => {
    const schedule = new DynamoExpirySchedule(clients.documents, platform.bootstrap.tableName);
    const now = new Date('2030-01-01T09:58:00.000Z');
    const entry = (keyId: string, offsetMs: number) => ({
      keyId,
      environment: 'live' as const,
      expiresAt: isoAfter(now, offsetMs),
    });
    await schedule.put(entry('key_tooOld', -300_001));
    await schedule.put(entry('key_missed', -300_000));
    await schedule.put(entry('key_thisHour', 60_000));
    await schedule.put(entry('key_nextHour', 7 * 60_000));
    await schedule.put(entry('key_atHorizon', 900_000));
    await schedule.put(entry('key_beyond', 900_001));
    await schedule.put(entry('key_queued', 120_000), now.toISOString());
    const queue = new RecordingExpiryQueue();
    const sweep = () =>
      sweepExpiries({ store: schedule, queue, clock: () => now, horizonSeconds: 900, lookbackSeconds: 300 });

    expect(await sweep()).toEqual({ read: 4, queued: 4, messages: 4 });
    expect(await sweep()).toEqual({ read: 0, queued: 0, messages: 0 });

    expect(queue.messages.map(({ message, delaySeconds }) => [message.expiresAt, delaySeconds])).toEqual([
      [isoAfter(now, -300_000), 0],
      [isoAfter(now, 60_000), 60],
      [isoAfter(now, 7 * 60_000), 420],
      [isoAfter(now, 900_000), 900],
    ]);
  });
});
