/**
 * API key format: `sk_live_` or `sk_test_`, 40 random base62 characters, then a 6-character base62
 * CRC32 checksum, as GitHub tokens do. The first 16 random characters are the key's public id
 * (the selector) so that verification is one GetItem by id followed by a constant-time hash
 * comparison, never a lookup by secret. The remaining 24 characters (~143 bits) stay secret.
 */

import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';

export const KEY_ENVIRONMENTS = ['live', 'test'] as const;
export type KeyEnvironment = (typeof KEY_ENVIRONMENTS)[number];

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SELECTOR_LENGTH = 16;
const SECRET_LENGTH = 24;
const CHECKSUM_LENGTH = 6;
const RANDOM_LENGTH = SELECTOR_LENGTH + SECRET_LENGTH;
const PREFIX_LENGTH = 'sk_live_'.length;
export const KEY_LENGTH = PREFIX_LENGTH + RANDOM_LENGTH + CHECKSUM_LENGTH;
const KEY_PATTERN = /^sk_(live|test)_[0-9A-Za-z]{46}$/;
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

export function generateKey(environment: KeyEnvironment, random: RandomSource = randomBytes): GeneratedKey {
  const body = `sk_${environment}_${randomBase62(RANDOM_LENGTH, random)}`;
  const token = body + checksumOf(body);
  return { token, keyId: keyIdOf(token), environment, last8: token.slice(-8) };
}

/** Format and checksum only, no I/O: garbage never reaches the database. */
export function parseKey(candidate: string): ParsedKey | undefined {
  if (candidate.length !== KEY_LENGTH || !KEY_PATTERN.test(candidate)) return undefined;
  const body = candidate.slice(0, -CHECKSUM_LENGTH);
  if (checksumOf(body) !== candidate.slice(-CHECKSUM_LENGTH)) return undefined;
  return { keyId: keyIdOf(candidate), environment: candidate.startsWith('sk_live_') ? 'live' : 'test' };
}

function keyIdOf(token: string): string {
  return `key_${token.slice(PREFIX_LENGTH, PREFIX_LENGTH + SELECTOR_LENGTH)}`;
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
