/**
 * Pagination cursors, sealed with AES-256-GCM: a cursor says nothing about what it points at (no
 * table key, no organization id), and one changed bit makes it fail. The list a cursor belongs to
 * (its partition, its key range, its direction) is the associated data, so a cursor of one
 * organization's list, of another list or of another environment's partition is refused, and a
 * sealed position cannot be moved to another list by any rewriting.
 *
 * Text: base64url of version (1 byte) ‖ IV (12) ‖ ciphertext ‖ tag (16). Plaintext: JSON
 * `{p: position, x: expiry in epoch seconds}`. The AES key is derived with HKDF from a secret read
 * from Secrets Manager on first use, so functions that never page never read it.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { type Clock, systemClock } from './clock';
import { ValidationError } from './errors';

export interface CursorCodec {
  /** The cursor of `position` in `list`, which `open` with the same list gives back for 24 hours. */
  seal(position: unknown, list: string): Promise<string>;
  /** The position sealed for `list`; a ValidationError on `cursor` for anything else. */
  open(cursor: string, list: string): Promise<unknown>;
}

/**
 * Long enough to page through any list at a human or a script's pace; short enough that a cursor
 * copied into a log or a ticket soon stops working, and that changing the secret breaks only a
 * day's worth of cursors.
 */
export const CURSOR_LIFETIME_MS = 24 * 60 * 60 * 1000;

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + IV_BYTES;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

export const invalidCursor = (cause?: unknown) =>
  new ValidationError(
    [{ field: 'cursor', message: 'is not valid here; pass the nextCursor value of the previous page' }],
    cause === undefined ? undefined : { cause },
  );

const expiredCursor = () =>
  new ValidationError([
    { field: 'cursor', message: 'has expired (a cursor lasts 24 hours); list from the first page' },
  ]);

/** `secret` gives the secret's bytes (at least 32, random); it is called on every seal and open and should cache. */
export function sealedCursors(secret: () => Promise<Buffer>, clock: Clock = systemClock): CursorCodec {
  let derived: { from: Buffer; key: Buffer } | undefined;
  const keyOf = async () => {
    const from = await secret();
    if (derived?.from !== from) {
      derived = { from, key: Buffer.from(hkdfSync('sha256', from, '', 'api-key-platform/cursor/v1', 32)) };
    }
    return derived.key;
  };
  const associatedData = (list: string) => Buffer.from(`cursor/v${VERSION}\n${list}`);

  return {
    async seal(position, list) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', await keyOf(), iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(associatedData(list));
      const expiry = Math.floor((clock().getTime() + CURSOR_LIFETIME_MS) / 1000);
      const plaintext = Buffer.from(JSON.stringify({ p: position, x: expiry }));
      const sealed = [Buffer.of(VERSION), iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()];
      return Buffer.concat(sealed).toString('base64url');
    },

    async open(cursor, list) {
      // Node's base64url decoder skips characters it does not know and ignores the unused bits
      // of the last one; only the canonical text of the bytes is accepted, so every bit counts.
      const bytes = BASE64URL.test(cursor) ? Buffer.from(cursor, 'base64url') : Buffer.alloc(0);
      if (bytes.length <= HEADER_BYTES + TAG_BYTES || bytes.toString('base64url') !== cursor) throw invalidCursor();
      if (bytes[0] !== VERSION) throw invalidCursor();
      const key = await keyOf(); // outside the try: a failed secret read is a 5xx, not a bad cursor
      let plaintext: Buffer;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(1, HEADER_BYTES), {
          authTagLength: TAG_BYTES,
        });
        decipher.setAAD(associatedData(list));
        decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
        // GCM checks the tag inside OpenSSL, in constant time, before final() returns.
        plaintext = Buffer.concat([decipher.update(bytes.subarray(HEADER_BYTES, -TAG_BYTES)), decipher.final()]);
      } catch (error) {
        throw invalidCursor(error);
      }
      const { p, x } = JSON.parse(plaintext.toString('utf8')) as { p: unknown; x: number };
      if (x * 1000 <= clock().getTime()) throw expiredCursor();
      return p;
    },
  };
}
