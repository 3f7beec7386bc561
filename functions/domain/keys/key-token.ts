/**
 * API key format: `<prefix>_live_` or `<prefix>_test_` (the API definition's keyPrefix, `sk` by
 * default), 40 random base62 characters, then a 6-character base62 CRC32 checksum of all that
 * precedes it, as GitHub tokens do. The first 16 random characters are the key's public id
 * (the selector) so that verification is one GetItem by id followed by a constant-time hash
 * comparison, never a lookup by secret. The remaining 24 characters (~143 bits) stay secret.
 */

import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { activeApi } from '../../definition/active-api';
import { KEY_ENVIRONMENTS, type KeyEnvironment } from './key-environment';

export { KEY_ENVIRONMENTS, type KeyEnvironment };

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SELECTOR_LENGTH = 16;
const SECRET_LENGTH = 24;
const CHECKSUM_LENGTH = 6;
const RANDOM_LENGTH = SELECTOR_LENGTH + SECRET_LENGTH;
export const KEY_ID_PATTERN = /^key_[0-9A-Za-z]{16}$/;

export interface GeneratedKey {
  token: string;
  keyId: string;
  environment: KeyEnvironment;
  last8: string;
}

export interface ParsedKey {
  keyId: string;
  environment: KeyEnvironment;
}

export type RandomSource = (size: number) => Buffer;

/** The running API's key prefix (its definition's keyPrefix). */
export function activeKeyPrefix(): string {
  return activeApi().compiled.keyPrefix;
}

/** `<prefix>_live_` and `<prefix>_test_` are the same length, so one length fits every key of a prefix. */
export function keyLength(keyPrefix: string = activeKeyPrefix()): number {
  return `${keyPrefix}_live_`.length + RANDOM_LENGTH + CHECKSUM_LENGTH;
}

export function generateKey(
  environment: KeyEnvironment,
  random: RandomSource = randomBytes,
  keyPrefix: string = activeKeyPrefix(),
): GeneratedKey {
  const body = `${keyPrefix}_${environment}_${randomBase62(RANDOM_LENGTH, random)}`;
  const token = body + checksumOf(body);
  return { token, keyId: keyIdOf(token, keyPrefix), environment, last8: token.slice(-8) };
}

/** Format and checksum only, no I/O: garbage never reaches the database. */
export function parseKey(candidate: string, keyPrefix: string = activeKeyPrefix()): ParsedKey | undefined {
  if (candidate.length !== keyLength(keyPrefix) || !keyPatternOf(keyPrefix).test(candidate)) return undefined;
  const body = candidate.slice(0, -CHECKSUM_LENGTH);
  if (checksumOf(body) !== candidate.slice(-CHECKSUM_LENGTH)) return undefined;
  return {
    keyId: keyIdOf(candidate, keyPrefix),
    environment: candidate.startsWith(`${keyPrefix}_live_`) ? 'live' : 'test',
  };
}

/** Whether a value starts like a key of this prefix: a Bearer value of another shape (a JWT) is not one. */
export function looksLikeKey(value: string, keyPrefix: string = activeKeyPrefix()): boolean {
  return value.startsWith(`${keyPrefix}_live_`) || value.startsWith(`${keyPrefix}_test_`);
}

const keyPatterns = new Map<string, RegExp>();

/** The prefix is 2–8 lowercase letters (the definition checks it), so it is safe inside a RegExp. */
function keyPatternOf(keyPrefix: string): RegExp {
  let pattern = keyPatterns.get(keyPrefix);
  if (!pattern) {
    pattern = new RegExp(`^${keyPrefix}_(live|test)_[0-9A-Za-z]{${RANDOM_LENGTH + CHECKSUM_LENGTH}}$`);
    keyPatterns.set(keyPrefix, pattern);
  }
  return pattern;
}

function keyIdOf(token: string, keyPrefix: string): string {
  const start = `${keyPrefix}_live_`.length;
  return `key_${token.slice(start, start + SELECTOR_LENGTH)}`;
}

export function checksumOf(body: string): string {
  return toBase62(crc32(body), CHECKSUM_LENGTH);
}

function toBase62(value: number, width: number): string {
  let remaining = value;
  let out = '';
  while (remaining > 0) {
    out = BASE62[remaining % 62] + out;
    remaining = Math.floor(remaining / 62);
  }
  return out.padStart(width, '0');
}

/** Uniform base62 by rejection sampling: bytes ≥ 248 (4 × 62) are dropped to avoid modulo bias. */
export function randomBase62(length: number, random: RandomSource = randomBytes): string {
  let out = '';
  while (out.length < length) {
    for (const byte of random(length * 2)) {
      if (byte < 248 && out.length < length) out += BASE62[byte % 62];
    }
  }
  return out;
}
