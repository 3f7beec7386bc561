import fc from 'fast-check';
import { activeApi, type LoadedApi, useApi } from '../../functions/definition/active-api';
import {
  checksumOf,
  generateKey,
  KEY_ENVIRONMENTS,
  KEY_ID_PATTERN,
  keyLength,
  looksLikeKey,
  parseKey,
  randomBase62,
} from '../../functions/domain/keys/key-token';
import { cyclingByteSource } from '../support/unit-factories';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const BASE62_CHARS = [...BASE62];

const environment = fc.constantFrom(...KEY_ENVIRONMENTS);
/** Random bytes for a RandomSource; at least one byte is usable (< 248), or the sampler would never finish. */
const usableBytes = fc.uint8Array({ minLength: 1, maxLength: 128 }).filter((bytes) => bytes.some((b) => b < 248));
const generatedKey = fc
  .tuple(environment, usableBytes)
  .map(([env, bytes]) => generateKey(env, cyclingByteSource(bytes)));

describe('generateKey', () => {
  it('parses back to its own id and environment, with the documented shape (fc random source)', () => {
    fc.assert(
      fc.property(environment, usableBytes, (env, bytes) => {
        const key = generateKey(env, cyclingByteSource(bytes));

        expect(key.token).toHaveLength(keyLength());
        expect(key.token.startsWith(`sk_${env}_`)).toBe(true);
        expect(key.environment).toBe(env);
        expect(key.last8).toBe(key.token.slice(-8));
        expect(key.keyId).toMatch(KEY_ID_PATTERN);
        expect(key.keyId).toBe(`key_${key.token.slice(8, 24)}`);
        expect(parseKey(key.token)).toEqual({ keyId: key.keyId, environment: env });
      }),
      { numRuns: 300 },
    );
  });

  it('parses back to its own id and environment with the default crypto source', () => {
    fc.assert(
      fc.property(environment, (env) => {
        const key = generateKey(env);

        expect(key.token).toHaveLength(keyLength());
        expect(key.token.startsWith(env === 'live' ? 'sk_live_' : 'sk_test_')).toBe(true);
        expect(key.last8).toBe(key.token.slice(-8));
        expect(parseKey(key.token)).toEqual({ keyId: key.keyId, environment: env });
      }),
      { numRuns: 200 },
    );
  });

  it('ends in the CRC32 checksum of everything before it', () => {
    const key = generateKey('test', cyclingByteSource([0]));

    expect(key.token).toBe(`sk_test_${'0'.repeat(40)}${checksumOf(`sk_test_${'0'.repeat(40)}`)}`);
  });

  it('gives different keys from the default source', () => {
    const tokens = new Set(Array.from({ length: 200 }, () => generateKey('live').token));

    expect(tokens.size).toBe(200);
  });
});

describe('parseKey', () => {
  it('rejects every single-character substitution of a valid key (CRC32 catches them all)', () => {
    fc.assert(
      fc.property(
        generatedKey,
        fc.nat({ max: keyLength() - 1 }),
        fc.constantFrom(...BASE62_CHARS),
        (key, position, replacement) => {
          fc.pre(key.token[position] !== replacement);
          const tampered = key.token.slice(0, position) + replacement + key.token.slice(position + 1);

          expect(parseKey(tampered)).toBeUndefined();
        },
      ),
      { numRuns: 500 },
    );
  });

  it('rejects every substitution at every position of one key, exhaustively', () => {
    const { token } = generateKey('live');
    let accepted = 0;

    for (let position = 0; position < token.length; position++) {
      for (const replacement of BASE62_CHARS) {
        if (token[position] === replacement) continue;
        if (parseKey(token.slice(0, position) + replacement + token.slice(position + 1))) accepted++;
      }
    }

    expect(accepted).toBe(0);
  });

  it('accepts a well-shaped string exactly when its checksum is right', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^sk_(live|test)_[0-9A-Za-z]{40}$/),
        fc.stringMatching(/^[0-9A-Za-z]{6}$/),
        (body, checksum) => {
          const parsed = parseKey(body + checksum);

          if (checksum === checksumOf(body)) {
            expect(parsed).toEqual({ keyId: `key_${body.slice(8, 24)}`, environment: body.slice(3, 7) });
          } else {
            expect(parsed).toBeUndefined();
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('rejects well-shaped strings whose checksum is wrong', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^sk_(live|test)_[0-9A-Za-z]{40}$/),
        fc.stringMatching(/^[0-9A-Za-z]{6}$/),
        (body, checksum) => {
          fc.pre(checksum !== checksumOf(body));

          expect(parseKey(body + checksum)).toBeUndefined();
        },
      ),
      { numRuns: 500 },
    );
  });

  it('rejects arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (candidate) => {
        expect(parseKey(candidate)).toBeUndefined();
      }),
      { numRuns: 500 },
    );
  });

  it('rejects keys with the right length but a wrong prefix, character set or case', () => {
    const { token } = generateKey('live', cyclingByteSource([1, 2, 3]));
    const rest = token.slice('sk_live_'.length);

    expect(parseKey(token)).toBeDefined();
    expect(parseKey(`sk_prod_${rest}`)).toBeUndefined();
    expect(parseKey(`SK_LIVE_${rest}`)).toBeUndefined();
    expect(parseKey(`pk_live_${rest}`)).toBeUndefined();
    expect(parseKey(`${token.slice(0, 20)}-${token.slice(21)}`)).toBeUndefined();
    expect(parseKey(` ${token.slice(1)}`)).toBeUndefined();
    expect(parseKey(`${token} `)).toBeUndefined();
    expect(parseKey(token.slice(0, -1))).toBeUndefined();
    expect(parseKey('')).toBeUndefined();
  });

  it('does not accept a live key relabelled as test (the prefix is under the checksum)', () => {
    const { token } = generateKey('live');

    expect(parseKey(token.replace('sk_live_', 'sk_test_'))).toBeUndefined();
  });
});

describe('key prefixes', () => {
  let leadbase: LoadedApi;
  beforeEach(() => {
    leadbase = activeApi();
    useApi({ ...leadbase.compiled, keyPrefix: 'lf' });
  });
  afterEach(() => useApi(leadbase.compiled));

  it("issues and verifies keys with the active definition's prefix", () => {
    fc.assert(
      fc.property(environment, usableBytes, (env, bytes) => {
        const key = generateKey(env, cyclingByteSource(bytes));

        expect(key.token).toMatch(new RegExp(`^lf_${env}_[0-9A-Za-z]{46}$`));
        expect(key.token).toHaveLength(keyLength());
        expect(key.keyId).toBe(`key_${key.token.slice('lf_live_'.length, 'lf_live_'.length + 16)}`);
        expect(parseKey(key.token)).toEqual({ keyId: key.keyId, environment: env });
        expect(looksLikeKey(key.token)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it("refuses keys of another prefix, the default's included, even with a right checksum", () => {
    const sk = generateKey('live', cyclingByteSource([7, 8, 9]), 'sk');
    const lf = generateKey('live', cyclingByteSource([7, 8, 9]));

    expect(sk.token.startsWith('sk_live_')).toBe(true);
    expect(parseKey(sk.token)).toBeUndefined();
    expect(looksLikeKey(sk.token)).toBe(false);
    expect(parseKey(lf.token)).toBeDefined();
    expect(parseKey(lf.token, 'sk')).toBeUndefined();
  });

  it('fits the key length to the prefix and keeps the key id under any prefix', () => {
    const prefixes = fc.stringMatching(/^[a-z]{2,8}$/);
    fc.assert(
      fc.property(prefixes, environment, usableBytes, (prefix, env, bytes) => {
        const key = generateKey(env, cyclingByteSource(bytes), prefix);
        const sameRandom = generateKey(env, cyclingByteSource(bytes), 'sk');

        expect(key.token).toHaveLength(keyLength(prefix));
        expect(keyLength(prefix)).toBe(prefix.length + 52);
        expect(parseKey(key.token, prefix)).toEqual({ keyId: sameRandom.keyId, environment: env });
      }),
      { numRuns: 200 },
    );
  });
});

describe('checksumOf', () => {
  it('is always six base62 characters', () => {
    fc.assert(
      fc.property(fc.string(), (body) => {
        expect(checksumOf(body)).toMatch(/^[0-9A-Za-z]{6}$/);
      }),
    );
  });
});

describe('randomBase62', () => {
  it('returns the requested number of base62 characters (fc random source)', () => {
    fc.assert(
      fc.property(fc.nat({ max: 200 }), usableBytes, (length, bytes) => {
        const out = randomBase62(length, cyclingByteSource(bytes));

        expect(out).toHaveLength(length);
        expect([...out].every((c) => BASE62.includes(c))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('returns the requested number of base62 characters (crypto source)', () => {
    fc.assert(
      fc.property(fc.nat({ max: 500 }), (length) => {
        expect(randomBase62(length)).toMatch(new RegExp(`^[0-9A-Za-z]{${length}}$`));
      }),
    );
  });

  it('maps bytes modulo 62 and drops bytes of 248 and above', () => {
    expect(randomBase62(4, cyclingByteSource([0, 61, 62, 247]))).toBe('0z0z');
    expect(randomBase62(5, cyclingByteSource([248, 249, 250, 251, 252, 253, 254, 255, 1]))).toBe('11111');
  });

  it('uses every character about equally often (crypto source)', () => {
    const perCharacter = 500;
    const counts = new Map<string, number>();

    for (const c of randomBase62(62 * perCharacter)) counts.set(c, (counts.get(c) ?? 0) + 1);

    expect(counts.size).toBe(62);
    for (const count of counts.values()) {
      // Binomial(31000, 1/62): sd ≈ 22, so ±40% is more than 9 sd away.
      expect(count).toBeGreaterThan(perCharacter * 0.6);
      expect(count).toBeLessThan(perCharacter * 1.4);
    }
  });
});
