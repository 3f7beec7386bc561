import fc from 'fast-check';
import {
  isLinkToken,
  linkTokenHash,
  newLinkToken,
  newSessionId,
  newSessionToken,
  sameHash,
  sessionIdOf,
  sessionTokenHash,
} from '../../functions/domain/sessions/session-token';
import { cyclingByteSource } from '../support/unit-factories';

const SECRET = Buffer.alloc(32, 0x42);

describe('session tokens', () => {
  it('carry their session id and parse back to it', () => {
    const sessionId = newSessionId();
    const token = newSessionToken(sessionId);

    expect(token).toMatch(/^cs_[0-9a-f]{32}_[A-Za-z0-9_-]{43}$/);
    expect(sessionIdOf(token)).toBe(sessionId);
  });

  it('parse a secret that begins with an underscore or a dash (base64url)', () => {
    const sessionId = newSessionId(cyclingByteSource([0xab]));
    // 0xff bytes encode as '_' in base64url, 0xfb as '-' first.
    const underscored = newSessionToken(sessionId, cyclingByteSource([0xff]));
    const dashed = newSessionToken(sessionId, cyclingByteSource([0xfb, 0xef]));

    expect(sessionIdOf(underscored)).toBe(sessionId);
    expect(sessionIdOf(dashed)).toBe(sessionId);
  });

  it.each([
    ['another prefix', `sk_${'a'.repeat(32)}_${'b'.repeat(43)}`],
    ['a short secret', `cs_${'a'.repeat(32)}_${'b'.repeat(42)}`],
    ['upper-case hex in the id', `cs_${'A'.repeat(32)}_${'b'.repeat(43)}`],
    ['a trailing newline', `cs_${'a'.repeat(32)}_${'b'.repeat(43)}\n`],
    ['a link token', newLinkToken()],
  ])('refuse %s', (_case, candidate) => {
    expect(sessionIdOf(candidate)).toBeUndefined();
  });

  it('never throw on any input, and accept only the exact shape', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.anything()), (candidate) => {
        const sessionId = sessionIdOf(candidate);
        if (sessionId !== undefined) expect(candidate).toBe(`cs_${sessionId}_${String(candidate).slice(36)}`);
        expect(() => isLinkToken(candidate)).not.toThrow();
      }),
    );
  });

  it('never accept a well-formed token with one character changed to one outside the alphabet', () => {
    const token = newSessionToken(newSessionId());
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: token.length - 1 }),
        fc.constantFrom('.', ' ', '=', '+', '/'),
        (at, bad) => {
          expect(sessionIdOf(`${token.slice(0, at)}${bad}${token.slice(at + 1)}`)).toBeUndefined();
        },
      ),
    );
  });
});

describe('link tokens', () => {
  it('have 256 random bits and their own prefix', () => {
    const link = newLinkToken();

    expect(link).toMatch(/^csl_[A-Za-z0-9_-]{43}$/);
    expect(isLinkToken(link)).toBe(true);
    expect(isLinkToken(`${link}x`)).toBe(false);
  });

  it('are keyed by their sha256, which says nothing of the token', () => {
    const link = newLinkToken();

    expect(linkTokenHash(link)).toMatch(/^[0-9a-f]{64}$/);
    expect(linkTokenHash(link)).not.toContain(link.slice(4, 12));
  });
});

describe('session token hashes', () => {
  it('depend on the secret: a copy of the table without it proves nothing', () => {
    const token = newSessionToken(newSessionId());

    expect(sessionTokenHash(SECRET, token)).toBe(sessionTokenHash(Buffer.from(SECRET), token));
    expect(sessionTokenHash(SECRET, token)).not.toBe(sessionTokenHash(Buffer.alloc(32, 0x43), token));
  });

  it('compare equal only when identical, whatever the lengths', () => {
    const hash = sessionTokenHash(SECRET, 'cs_x');

    expect(sameHash(hash, hash)).toBe(true);
    expect(sameHash(hash, `${hash.slice(0, -1)}0`)).toBe(hash.endsWith('0'));
    expect(sameHash(hash, hash.slice(1))).toBe(false);
    expect(sameHash(hash, '')).toBe(false);
  });
});
