/**
 * List cursors: the sort key of the last item, base64url-encoded. Only the sort key travels, so a
 * hand-made cursor can start a page anywhere in the caller's own partition and nowhere else.
 */
import { invalidRequest } from './http';

export function encodeCursor(sortKey: string): string {
  return Buffer.from(sortKey, 'utf8').toString('base64url');
}

/** The sort key a cursor names; a 400 naming `cursor` unless it is one of `kind`'s. */
export function decodeCursor(cursor: string, kind: string): string {
  const sortKey = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[A-Za-z0-9_-]+$/.test(cursor) || !sortKey.startsWith(`${kind}#`) || sortKey.length > 200) {
    throw invalidRequest([{ field: 'cursor', message: 'is not a cursor of this list; pass nextCursor as returned' }]);
  }
  return sortKey;
}
