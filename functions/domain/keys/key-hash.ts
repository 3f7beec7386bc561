/** Keys are stored only as HMAC-SHA256 under a pepper kept in Secrets Manager. */
import { createHmac, timingSafeEqual } from 'node:crypto';

export function hashKey(token: string, pepper: Buffer): string {
  return createHmac('sha256', pepper).update(token).digest('base64url');
}

export function hashesMatch(expected: string, actual: string): boolean {
  const a = Buffer.from(expected, 'base64url');
  const b = Buffer.from(actual, 'base64url');
  return a.length === b.length && timingSafeEqual(a, b);
}
