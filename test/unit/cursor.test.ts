import fc from 'fast-check';
import { decodeCursor, encodeCursor } from '../../functions/adapters/cursor';
import { ValidationError } from '../../functions/domain/errors';

const PARTITION = { pk: 'ORG#org_1' };

function expectCursorError(action: () => unknown) {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ValidationError);
  expect((caught as ValidationError).issues.map((issue) => issue.field)).toEqual(['cursor']);
  expect((caught as ValidationError).status).toBe(400);
}

const raw = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('encodeCursor / decodeCursor', () => {
  it('round-trips a start key of the partition', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.stringMatching(/^[a-zA-Z]{1,8}$/), fc.string(), { maxKeys: 3 }), (rest) => {
        const startKey = { ...rest, ...PARTITION };
        const cursor = encodeCursor(startKey);

        expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(decodeCursor(cursor, PARTITION)).toEqual(startKey);
      }),
    );
  });

  it('passes undefined through both ways', () => {
    expect(encodeCursor(undefined)).toBeUndefined();
    expect(decodeCursor(undefined, PARTITION)).toBeUndefined();
  });

  it.each([
    ['garbage', 'not-a-cursor!!'],
    ['base64 of non-JSON', Buffer.from('{oops').toString('base64url')],
    ['an empty string', ''],
    ['a JSON number', raw(42)],
    ['a JSON string', raw('ORG#org_1')],
    ['JSON null', raw(null)],
    ['a JSON array', raw([PARTITION])],
    ['another partition', raw({ pk: 'ORG#org_2', sk: 'KEY#1' })],
    ['no partition', raw({ sk: 'KEY#1' })],
    ['a number value', raw({ ...PARTITION, sk: 1 })],
    ['a nested value', raw({ ...PARTITION, sk: { S: 'x' } })],
    ['a null value', raw({ ...PARTITION, sk: null })],
    ['too many attributes', raw({ ...PARTITION, a: 'a', b: 'b', c: 'c', d: 'd' })],
  ])('rejects %s as a cursor', (_label, cursor) => {
    expectCursorError(() => decodeCursor(cursor, PARTITION));
  });

  it('rejects any cursor of another partition', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.dictionary(fc.stringMatching(/^[a-z]{1,4}$/), fc.string(), { maxKeys: 2 }),
        (pk, rest) => {
          fc.pre(pk !== PARTITION.pk);

          expectCursorError(() => decodeCursor(encodeCursor({ ...rest, pk }), PARTITION));
        },
      ),
    );
  });

  it('either decodes or throws a cursor ValidationError, whatever the input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.jsonValue().map(raw)), (cursor) => {
        let decoded: unknown;
        try {
          decoded = decodeCursor(cursor, PARTITION);
        } catch (error) {
          expect(error).toBeInstanceOf(ValidationError);
          expect((error as ValidationError).issues[0]?.field).toBe('cursor');
          return;
        }
        expect(decoded).toMatchObject(PARTITION);
      }),
      { numRuns: 300 },
    );
  });
});
