/**
 * List cursors: the sort key of the last item and a digest of the list's partition (organization,
 * environment, sub-account), base64url-encoded. A cursor from another list, such as a live list's
 * cursor in the sandbox, is refused rather than quietly starting a page somewhere else.
 */
import { createHash } from 'node:crypto';
import { invalidRequest } from './http';

const DIGEST_LENGTH = 16;

function partitionDigest(partition: string): string {
  return createHash('sha256').update(partition).digest('base64url').slice(0, DIGEST_LENGTH);
}

export function encodeCursor(partition: string, sortKey: string): string {
  return Buffer.from(`${partitionDigest(partition)}.${sortKey}`, 'utf8').toString('base64url');
}

/** The sort key a cursor names; a 400 naming `cursor` unless it is one of this list's. */
export function decodeCursor(cursor: string, partition: string, kind: string): string {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const digest = decoded.slice(0, DIGEST_LENGTH);
  const sortKey = decoded.slice(DIGEST_LENGTH + 1);
  const valid =
    /^[A-Za-z0-9_-]+$/.test(cursor) &&
    decoded[DIGEST_LENGTH] === '.' &&
    digest === partitionDigest(partition) &&
    sortKey.startsWith(`${kind}#`) &&
    sortKey.length <= 200;
  if (!valid) {
    throw invalidRequest([{ field: 'cursor', message: 'is not a cursor of this list; pass nextCursor as returned' }]);
  }
  return sortKey;
}
