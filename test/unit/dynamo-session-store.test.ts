/**
 * DynamoSessionStore on the local DynamoDB: a link signs in exactly once even under concurrent
 * exchanges, expired links and revoked sessions are refused, and listing reads an organization's
 * live sessions only.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoSessionStore, linkKey, sessionKey } from '../../functions/adapters/dynamo-session-store';
import { sealedCursors } from '../../functions/domain/cursors';
import { ValidationError } from '../../functions/domain/errors';
import {
  type ConsoleSession,
  LinkUsedOrExpiredError,
  type SessionLink,
} from '../../functions/domain/sessions/session-model';
import { linkTokenHash, newLinkToken, newSessionId } from '../../functions/domain/sessions/session-token';
import { aLocalDynamoDb } from '../support/local-table';

const NOW = new Date('2026-12-01T10:00:00.000Z');
const HOUR_MS = 3_600_000;

let local: Awaited<ReturnType<typeof aLocalDynamoDb>>;
let tableCount = 0;

beforeAll(async () => {
  local = await aLocalDynamoDb();
});
afterAll(() => local.close());

async function aStore() {
  const tableName = `sessions-${++tableCount}`;
  await local.table(tableName);
  const cursors = sealedCursors(async () => Buffer.alloc(32, 0x17));
  return { store: new DynamoSessionStore(local.documents, tableName, cursors), tableName };
}

function aSessionWithLink(
  overrides: Partial<ConsoleSession> = {},
  linkExpiresAt = new Date(NOW.getTime() + HOUR_MS).toISOString(),
): { session: ConsoleSession; link: SessionLink } {
  const linkHash = linkTokenHash(newLinkToken());
  const session: ConsoleSession = {
    id: newSessionId(),
    organizationId: 'org_1',
    memberId: 'mem_00000000000000a1',
    readOnly: false,
    createdAt: NOW.toISOString(),
    expiresAt: new Date(NOW.getTime() + 2 * HOUR_MS).toISOString(),
    createdBy: 'key_AAAAAAAAAAAAAAAA',
    tokenHash: 'a'.repeat(64),
    linkHash,
    ...overrides,
  };
  return {
    session,
    link: { hash: linkHash, sessionId: session.id, organizationId: session.organizationId, expiresAt: linkExpiresAt },
  };
}

describe('DynamoSessionStore', () => {
  it('writes the session and its link with TTLs a day after they expire', async () => {
    const { store, tableName } = await aStore();
    const { session, link } = aSessionWithLink();

    await store.create(session, link);

    const stored = await local.documents.send(new GetCommand({ TableName: tableName, Key: sessionKey(session.id) }));
    const storedLink = await local.documents.send(new GetCommand({ TableName: tableName, Key: linkKey(link.hash) }));
    expect(stored.Item?.ttl).toBe(Date.parse(session.expiresAt) / 1000 + 86_400);
    expect(storedLink.Item?.ttl).toBe(Date.parse(link.expiresAt) / 1000 + 86_400);
    await expect(store.get(session.id)).resolves.toEqual(session);
  });

  it('lets exactly one of ten concurrent exchanges of a link win', async () => {
    const { store } = await aStore();
    const { session, link } = aSessionWithLink();
    await store.create(session, link);

    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => store.exchange(link.hash, () => `${i}`.repeat(64), NOW)),
    );

    const won = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    const lost = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []));
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(9);
    for (const reason of lost) expect(reason).toBeInstanceOf(LinkUsedOrExpiredError);
    const stored = await store.get(session.id);
    expect(stored?.browserTokenHash).toBe((won[0] as PromiseFulfilledResult<ConsoleSession>).value.browserTokenHash);
  });

  it('refuses an expired link, and leaves the session without a browser token', async () => {
    const { store } = await aStore();
    const { session, link } = aSessionWithLink();
    await store.create(session, link);

    const later = new Date(NOW.getTime() + HOUR_MS);

    await expect(store.exchange(link.hash, () => 'b'.repeat(64), later)).rejects.toBeInstanceOf(LinkUsedOrExpiredError);
    expect((await store.get(session.id))?.browserTokenHash).toBeUndefined();
  });

  it('refuses the link of a revoked session', async () => {
    const { store } = await aStore();
    const { session, link } = aSessionWithLink();
    await store.create(session, link);

    await expect(store.revoke('org_1', session.id)).resolves.toBe(true);

    await expect(store.exchange(link.hash, () => 'b'.repeat(64), NOW)).rejects.toBeInstanceOf(LinkUsedOrExpiredError);
    await expect(store.get(session.id)).resolves.toBeUndefined();
  });

  it("refuses to revoke another organization's session, and an unknown one", async () => {
    const { store } = await aStore();
    const { session, link } = aSessionWithLink();
    await store.create(session, link);

    await expect(store.revoke('org_2', session.id)).resolves.toBe(false);
    await expect(store.revoke('org_1', newSessionId())).resolves.toBe(false);
    await expect(store.get(session.id)).resolves.toBeDefined();
  });

  it("lists an organization's unexpired sessions, newest first", async () => {
    const { store } = await aStore();
    const older = aSessionWithLink({ createdAt: '2026-12-01T09:00:00.000Z' });
    const newer = aSessionWithLink({ createdAt: '2026-12-01T09:30:00.000Z' });
    const expired = aSessionWithLink({ expiresAt: NOW.toISOString() });
    const elsewhere = aSessionWithLink({ organizationId: 'org_2' });
    for (const { session, link } of [older, newer, expired, elsewhere]) await store.create(session, link);

    const listed = await store.listActive('org_1', NOW, { limit: 20 });

    expect(listed.items.map((session) => session.id)).toEqual([newer.session.id, older.session.id]);
  });

  it('pages with a cursor bound to the organization', async () => {
    const { store } = await aStore();
    const made = ['09:00', '09:10', '09:20'].map((at) => aSessionWithLink({ createdAt: `2026-12-01T${at}:00.000Z` }));
    for (const { session, link } of made) await store.create(session, link);

    const first = await store.listActive('org_1', NOW, { limit: 2 });
    const second = await store.listActive('org_1', NOW, { limit: 2, cursor: first.nextCursor });

    expect([...first.items, ...second.items].map((session) => session.id)).toEqual(
      made.map(({ session }) => session.id).reverse(),
    );
    expect(second.nextCursor).toBeUndefined();
    await expect(store.listActive('org_2', NOW, { limit: 2, cursor: first.nextCursor })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  it('reads only sessions created within the longest lifetime (7 days), whatever their stored expiry', async () => {
    const { store } = await aStore();
    // No session lives beyond 7 days; an older entry is one TTL has not deleted yet, so it is never read.
    const stale = aSessionWithLink({
      createdAt: new Date(NOW.getTime() - 8 * 24 * HOUR_MS).toISOString(),
      expiresAt: new Date(NOW.getTime() + HOUR_MS).toISOString(),
    });
    const recent = aSessionWithLink();
    for (const { session, link } of [stale, recent]) await store.create(session, link);

    const listed = await store.listActive('org_1', NOW, { limit: 20 });

    expect(listed.items.map((session) => session.id)).toEqual([recent.session.id]);
  });

  it('takes the session back out when its link cannot be written', async () => {
    const { store } = await aStore();
    const first = aSessionWithLink();
    await store.create(first.session, first.link);
    const second = aSessionWithLink({ linkHash: first.link.hash });

    await expect(store.create(second.session, { ...first.link, sessionId: second.session.id })).rejects.toThrow();

    await expect(store.get(second.session.id)).resolves.toBeUndefined();
  });
});
