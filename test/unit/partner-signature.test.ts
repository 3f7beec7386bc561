import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import fc from 'fast-check';
import {
  type PartnerKeys,
  parsePartnerKeys,
  verifyPartnerSignature,
} from '../../functions/domain/secret-scanning/partner-signature';

function aPartner() {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return { pem, privateKey };
}

const signWith = (privateKey: KeyObject, body: string, dsaEncoding: 'der' | 'ieee-p1363' = 'der') =>
  sign('sha256', Buffer.from(body), { key: privateKey, dsaEncoding }).toString('base64');

const MISSING = { valid: false, reason: 'missing' };
const BODY = '[{"token":"sk_live_x","type":"api_key_platform_key","url":"https://github.com/a/b","source":"content"}]';

describe('verifyPartnerSignature', () => {
  const partner = aPartner();
  const keys: PartnerKeys = parsePartnerKeys(JSON.stringify({ 'partner-1': partner.pem }));

  it('accepts a DER signature over the exact body by a configured key', () => {
    const result = verifyPartnerSignature(keys, Buffer.from(BODY), 'partner-1', signWith(partner.privateKey, BODY));

    expect(result).toEqual({ valid: true, keyId: 'partner-1' });
  });

  it('accepts a raw (r‖s) signature too', () => {
    const signature = signWith(partner.privateKey, BODY, 'ieee-p1363');

    expect(Buffer.from(signature, 'base64')).toHaveLength(64);
    expect(verifyPartnerSignature(keys, Buffer.from(BODY), 'partner-1', signature).valid).toBe(true);
  });

  it("verifies GitHub's own documented example (key, payload and signature from docs.github.com)", () => {
    // The sample of GitHub's secret scanning partner program documentation, key id 90a42116….
    const github = parsePartnerKeys(
      JSON.stringify({
        '90a421169f0a406205f1563a953312f0be898d3c7b6c06b681aa86a874555f4a':
          '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE9MJJHnMfn2+H4xL4YaPDA4RpJqUq\nkCmRCBnYERxZanmcpzQSXs1X/AljlKkbJ8qpVIW4clayyef9gWhFbNHWAA==\n-----END PUBLIC KEY-----\n',
      }),
    );
    const payload = '[{"token":"some_token","type":"some_type","url":"some_url"}]';
    const signature =
      'MEUCIQDKZokqnCjrRtw0tni+2Ltvl/uiMJ1EGumEsp1BsNr32AIgQY1YXD2nlj+XNfGK4rBfkMJ1JDOQcYXxa2sY8FNkrKc=';

    const result = verifyPartnerSignature(
      github,
      Buffer.from(payload),
      '90a421169f0a406205f1563a953312f0be898d3c7b6c06b681aa86a874555f4a',
      signature,
    );

    expect(result.valid).toBe(true);
  });

  it('refuses a body changed after signing, by any single byte', () => {
    const signature = signWith(partner.privateKey, BODY);
    fc.assert(
      fc.property(fc.nat({ max: BODY.length - 1 }), fc.integer({ min: 1, max: 255 }), (index, flip) => {
        const tampered = Buffer.from(BODY);
        tampered[index] = (tampered[index] as number) ^ flip;
        expect(verifyPartnerSignature(keys, tampered, 'partner-1', signature)).toEqual({
          valid: false,
          reason: 'bad_signature',
        });
      }),
      { numRuns: 50 },
    );
  });

  it('refuses a signature made by another key under a configured key id', () => {
    const impostor = aPartner();

    const result = verifyPartnerSignature(keys, Buffer.from(BODY), 'partner-1', signWith(impostor.privateKey, BODY));

    expect(result).toEqual({ valid: false, reason: 'bad_signature' });
  });

  it('refuses a key id that is not configured, even with a good signature', () => {
    const result = verifyPartnerSignature(keys, Buffer.from(BODY), 'partner-2', signWith(partner.privateKey, BODY));

    expect(result).toEqual({ valid: false, reason: 'unknown_key' });
  });

  it('refuses a report without a signature or a key id', () => {
    const signature = signWith(partner.privateKey, BODY);

    expect(verifyPartnerSignature(keys, Buffer.from(BODY), undefined, signature)).toEqual(MISSING);
    expect(verifyPartnerSignature(keys, Buffer.from(BODY), 'partner-1', undefined)).toEqual(MISSING);
    expect(verifyPartnerSignature(keys, Buffer.from(BODY), 'partner-1', '')).toEqual(MISSING);
  });

  it.each([
    ['not base64', 'not base64 at all!'],
    [
      'base64url instead of base64',
      `${signWith(aPartner().privateKey, BODY).replace(/\+/g, '-').replace(/\//g, '_')}-`,
    ],
    ['too short', Buffer.alloc(4).toString('base64')],
    ['too long for P-256', Buffer.alloc(200, 1).toString('base64')],
  ])('refuses a malformed signature (%s)', (_name, signature) => {
    const result = verifyPartnerSignature(keys, Buffer.from(BODY), 'partner-1', signature);

    expect(result.valid).toBe(false);
    expect(result).not.toHaveProperty('keyId');
  });

  it('refuses 64 or 70 bytes of garbage without throwing', () => {
    for (const size of [64, 70]) {
      const result = verifyPartnerSignature(
        keys,
        Buffer.from(BODY),
        'partner-1',
        Buffer.alloc(size, 7).toString('base64'),
      );
      expect(result).toEqual({ valid: false, reason: 'bad_signature' });
    }
  });
});

describe('parsePartnerKeys', () => {
  it('reads an object of key id to PEM, and nothing as no keys', () => {
    const { pem } = aPartner();

    expect([...parsePartnerKeys(JSON.stringify({ a: pem, b: pem })).keys()]).toEqual(['a', 'b']);
    expect(parsePartnerKeys(undefined).size).toBe(0);
    expect(parsePartnerKeys('').size).toBe(0);
  });

  it('refuses keys that are not ECDSA P-256, so a bad configuration fails at start', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' });
    const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey.export({
      type: 'spki',
      format: 'pem',
    });

    expect(() => parsePartnerKeys(JSON.stringify({ a: rsa }))).toThrow(/P-256/);
    expect(() => parsePartnerKeys(JSON.stringify({ a: p384 }))).toThrow(/P-256/);
  });

  it.each([
    ['a list', '["pem"]'],
    ['not JSON', '{nope'],
    ['a PEM that is no key', '{"a": "-----BEGIN PUBLIC KEY-----\\nAAAA\\n-----END PUBLIC KEY-----\\n"}'],
    ['a non-string PEM', '{"a": 1}'],
    ['an id with spaces', `{"a b": "x"}`],
  ])('refuses a configuration that is %s', (_name, json) => {
    expect(() => parsePartnerKeys(json)).toThrow();
  });
});
