/**
 * Console session credentials. A session token `cs_<sessionId>_<secret>` is a bearer credential on
 * the management routes; a link token `csl_<secret>` signs a browser in once. Neither is stored:
 * a session keeps HMAC-SHA256(sessionSecret, token), a link is keyed by sha256(token), so a copy of
 * the table signs nobody in. Parsing is format only, no I/O: a malformed token never reaches the
 * database, but a well-formed made-up one costs one GetItem (keys have a checksum; these do not).
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const SESSION_ID_BYTES = 16;
const SECRET_BYTES = 32;
/** 16 random bytes, hex: the session's public id (DELETE /v1/console-sessions/{id}). */
export const SESSION_ID_PATTERN = /^[0-9a-f]{32}$/;
const SESSION_TOKEN_PATTERN = /^cs_([0-9a-f]{32})_[A-Za-z0-9_-]{43}$/;
const LINK_TOKEN_PATTERN = /^csl_[A-Za-z0-9_-]{43}$/;

export type RandomSource = (size: number) => Buffer;

export function newSessionId(random: RandomSource = randomBytes): string {
  return random(SESSION_ID_BYTES).toString('hex');
}

/** A fresh token of the session: the one the API answers with, and each browser's of an exchange. */
export function newSessionToken(sessionId: string, random: RandomSource = randomBytes): string {
  return `cs_${sessionId}_${random(SECRET_BYTES).toString('base64url')}`;
}

export function newLinkToken(random: RandomSource = randomBytes): string {
  return `csl_${random(SECRET_BYTES).toString('base64url')}`;
}

/** Whether a bearer credential is shaped like a session token (the authorizer's dispatch). */
export function looksLikeSessionToken(candidate: string): boolean {
  return candidate.startsWith('cs_');
}

/** The session id of a well-formed session token; undefined for anything else, never a throw. */
export function sessionIdOf(candidate: unknown): string | undefined {
  if (typeof candidate !== 'string') return undefined;
  return SESSION_TOKEN_PATTERN.exec(candidate)?.[1];
}

export function isLinkToken(candidate: unknown): candidate is string {
  return typeof candidate === 'string' && LINK_TOKEN_PATTERN.test(candidate);
}

/** What a session stores of a token: HMAC-SHA256 under the session secret, hex. */
export function sessionTokenHash(sessionSecret: Buffer, token: string): string {
  return createHmac('sha256', sessionSecret).update(token, 'utf8').digest('hex');
}

/** A link's item key: sha256 of the token, hex (the token has 256 random bits; no secret needed). */
export function linkTokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Constant-time equality of two hex hashes; different lengths (a corrupt item) are simply unequal. */
export function sameHash(expected: string, actual: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(actual, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
