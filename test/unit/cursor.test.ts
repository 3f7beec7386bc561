/** Sealed list cursors: confidential, tamper-evident, bound to their list, and a day long. */
import fc from 'fast-check';
import { decodeCursor, encodeCursor, type ListQuery } from '../../functions/adapters/cursor';
import { CURSOR_LIFETIME_MS, sealedCursors } from '../../functions/domain/cursors';
import { ValidationError } from '../../functions/domain/errors';
import { aCursorCodec, aManualClock } from '../support/unit-factories';

const ORGANIZATION = 'org_7fK2pQ9xZ1wM';
const KEYS_OF = (organizationId: string): ListQuery => ({
  TableName: 'api-key-platform',
  IndexName: 'gsi1',
  KeyConditionExpression: 'gsi1pk = :pk',
  ExpressionAttributeValues: { ':pk': `ORG#${organizationId}#live#KEYS` },
  ScanIndexForward: false,
});
const PARTITION = { gsi1pk: `ORG#${ORGANIZATION}#live#KEYS` };
const START_KEY = {
  pk: 'KEY#key_Q3m9ZtV2xLp8RwYb',
  sk: 'KEY',
  ...PARTITION,
  gsi1sk: '2026-03-01T12:00:00.000Z#key_Q3m9ZtV2xLp8RwYb',
};
const LIST = 'a list';

async function cursorError(action: () => Promise<unknown>): Promise<ValidationError> {
  const caught = await action().then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(caught).toBeInstanceOf(ValidationError);
  expect((caught as ValidationError).status).toBe(400);
  expect((caught as ValidationError).issues.map((issue) => issue.field)).toEqual(['cursor']);
  return caught as ValidationError;
}

const flipBit = (bytes: Buffer, bit: number) => {
  const flipped = Buffer.from(bytes);
  flipped[bit >> 3] = (flipped[bit >> 3] as number) ^ (1 << (bit & 7));
  return flipped;
};

describe('sealedCursors', () => {
  it('opens what it sealed, for the same list', async () => {
    const codec = aCursorCodec();
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), fc.string(), async (position, list) => {
        const cursor = await codec.seal(position, list);

        expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(await codec.open(cursor, list)).toEqual(JSON.parse(JSON.stringify(position)));
      }),
      { numRuns: 200 },
    );
  });

  it('reveals no table key, no organization id and no key id', async () => {
    const cursor = await aCursorCodec().seal(START_KEY, LIST);
    const decoded = Buffer.from(cursor, 'base64url').toString('latin1');

    for (const text of [cursor, decoded]) {
      // Attribute names quoted: random bytes spell a bare `pk` about once in 200 cursors.
      for (const secret of ['"pk"', 'gsi1', 'ORG#', 'KEY#', ORGANIZATION, 'key_Q3m9ZtV2xLp8RwYb', '2026-03-01']) {
        expect(text).not.toContain(secret);
      }
    }
  });

  it('seals the same position differently each time', async () => {
    const codec = aCursorCodec();
    expect(await codec.seal(START_KEY, LIST)).not.toBe(await codec.seal(START_KEY, LIST));
  });

  it('refuses a cursor with any single bit flipped, in its bytes or in its text', async () => {
    const codec = aCursorCodec();
    const cursor = await codec.seal(START_KEY, LIST);
    const bytes = Buffer.from(cursor, 'base64url');
    await fc.assert(
      fc.asyncProperty(fc.nat(bytes.length * 8 - 1), fc.nat(cursor.length * 7 - 1), async (byteBit, textBit) => {
        await cursorError(() => codec.open(flipBit(bytes, byteBit).toString('base64url'), LIST));
        const at = Math.floor(textBit / 7);
        const changed = String.fromCharCode(cursor.charCodeAt(at) ^ (1 << (textBit % 7)));
        await cursorError(() => codec.open(cursor.slice(0, at) + changed + cursor.slice(at + 1), LIST));
      }),
      { numRuns: 500 },
    );
  });

  it('refuses a cursor of another list, and one sealed with another secret (another deployment)', async () => {
    const codec = aCursorCodec();
    const cursor = await codec.seal(START_KEY, LIST);

    await cursorError(() => codec.open(cursor, 'another list'));
    await cursorError(() => aCursorCodec(undefined, Buffer.alloc(32, 1)).open(cursor, LIST));
  });

  it.each([
    ['an empty string', ''],
    ['garbage', 'not-a-cursor!!'],
    ['the base64 of the start key, as cursors were before they were sealed', 'eyJwayI6Ik9SRyMxIn0'],
    ['too few bytes to hold a tag', Buffer.alloc(28, 1).toString('base64url')],
  ])('refuses %s', async (_label, cursor) => {
    await cursorError(() => aCursorCodec().open(cursor, LIST));
  });

  it('refuses a padded or otherwise non-canonical spelling of a valid cursor', async () => {
    const codec = aCursorCodec();
    const cursor = await codec.seal(START_KEY, LIST);

    await cursorError(() => codec.open(`${cursor}=`, LIST));
    await cursorError(() => codec.open(`${cursor.slice(0, 10)}.${cursor.slice(10)}`, LIST));
  });

  it('expires a cursor 24 hours after it was handed out, saying so', async () => {
    const clock = aManualClock();
    const codec = aCursorCodec(clock.clock);
    const cursor = await codec.seal(START_KEY, LIST);

    clock.advance(CURSOR_LIFETIME_MS - 1000);
    expect(await codec.open(cursor, LIST)).toEqual(START_KEY);
    clock.advance(1000);
    const error = await cursorError(() => codec.open(cursor, LIST));
    expect(error.issues[0]?.message).toMatch(/expired/);
  });

  it('lets a failed secret read through as it is: that is no bad cursor', async () => {
    const outage = new Error('Secrets Manager is unavailable');
    const codec = sealedCursors(() => Promise.reject(outage));

    const cursor = await aCursorCodec().seal(START_KEY, LIST);

    await expect(codec.open(cursor, LIST)).rejects.toBe(outage);
  });
});

describe('encodeCursor / decodeCursor on a DynamoDB query', () => {
  const codec = aCursorCodec();
  const query = KEYS_OF(ORGANIZATION);

  it('round-trips the LastEvaluatedKey of its list', async () => {
    const cursor = await encodeCursor(codec, START_KEY, query);

    expect(await decodeCursor(codec, cursor, query, PARTITION)).toEqual(START_KEY);
  });

  it('passes undefined through both ways', async () => {
    expect(await encodeCursor(codec, undefined, query)).toBeUndefined();
    expect(await decodeCursor(codec, undefined, query, PARTITION)).toBeUndefined();
  });

  it("refuses a cursor of partition A on partition B: another organization's, or another environment's", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), async (a, b) => {
        fc.pre(a !== b);
        const cursor = await encodeCursor(codec, { ...START_KEY, gsi1pk: `ORG#${a}#live#KEYS` }, KEYS_OF(a));

        await cursorError(() => decodeCursor(codec, cursor, KEYS_OF(b), { gsi1pk: `ORG#${b}#live#KEYS` }));
      }),
      { numRuns: 50 },
    );
  });

  it('refuses a cursor of another list on the same partition, index, table or direction', async () => {
    const contacts: ListQuery = {
      TableName: 'api-key-platform',
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :kind)',
      ExpressionAttributeValues: { ':pk': 'ORG#o#ACCT#a', ':kind': 'CONTACT#' },
    };
    const cursor = await encodeCursor(codec, { pk: 'ORG#o#ACCT#a', sk: 'CONTACT#c_1' }, contacts);
    const partition = { pk: 'ORG#o#ACCT#a' };

    for (const other of [
      { ...contacts, ExpressionAttributeValues: { ':pk': 'ORG#o#ACCT#a', ':kind': 'TABLE#' } },
      { ...contacts, IndexName: 'gsi1' },
      { ...contacts, TableName: 'another-table' },
      { ...contacts, ScanIndexForward: false },
    ]) {
      await cursorError(() => decodeCursor(codec, cursor, other, partition));
    }
    expect(await decodeCursor(codec, cursor, contacts, partition)).toEqual({ pk: 'ORG#o#ACCT#a', sk: 'CONTACT#c_1' });
  });

  it('keeps a cursor valid when only the filter changes from page to page (the time in it)', async () => {
    const filtered = { ...query, FilterExpression: '#ttl > :now' };
    const cursor = await encodeCursor(codec, START_KEY, {
      ...filtered,
      ExpressionAttributeValues: { ...query.ExpressionAttributeValues, ':now': 1 },
    });

    expect(
      await decodeCursor(
        codec,
        cursor,
        { ...filtered, ExpressionAttributeValues: { ...query.ExpressionAttributeValues, ':now': 2 } },
        PARTITION,
      ),
    ).toEqual(START_KEY);
  });

  it('refuses with a cursor ValidationError every string it did not seal', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 300 }), async (cursor) => {
        await cursorError(() => decodeCursor(codec, cursor, query, PARTITION));
      }),
      { numRuns: 300 },
    );
  });
});
