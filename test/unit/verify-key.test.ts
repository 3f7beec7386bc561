import fc from 'fast-check';
import { hashKey } from '../../functions/domain/keys/key-hash';
import type { ApiKeyRecord } from '../../functions/domain/keys/key-model';
import { generateKey } from '../../functions/domain/keys/key-token';
import { type PresentedKey, type VerifyKeyDeps, verifyKey } from '../../functions/domain/keys/verify-key';
import { aKeyRecord, aManualClock, aStoredKey, cyclingByteSource, NOW, PEPPER } from '../support/unit-factories';

function depsFinding(record: ApiKeyRecord | undefined) {
  const findKey = jest.fn<Promise<ApiKeyRecord | undefined>, [string]>(async () => record);
  const pepper = jest.fn(async () => PEPPER);
  const deps: VerifyKeyDeps = { findKey, pepper, clock: aManualClock(NOW).clock };
  return { deps, findKey, pepper };
}

const presented = (token: string | undefined, overrides: Partial<PresentedKey> = {}): PresentedKey => ({
  token,
  stageEnvironment: 'live',
  sourceIp: '203.0.113.7',
  ...overrides,
});

describe('verifyKey', () => {
  it('accepts an active key whose hash matches, after one lookup by its id', async () => {
    const { token, record } = aStoredKey();
    const { deps, findKey } = depsFinding(record);

    const result = await verifyKey(deps, presented(token));

    expect(result).toEqual({ outcome: 'valid', key: record });
    expect(findKey).toHaveBeenCalledTimes(1);
    expect(findKey).toHaveBeenCalledWith(record.id);
  });

  it.each([undefined, ''])('answers missing for the token %j without a lookup', async (token) => {
    const { deps, findKey } = depsFinding(aKeyRecord());

    expect(await verifyKey(deps, presented(token))).toEqual({ outcome: 'unauthorized', reason: 'missing' });
    expect(findKey).not.toHaveBeenCalled();
  });

  it('answers malformed for a token with a bad checksum, without a lookup', async () => {
    const { token, record } = aStoredKey();
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    const { deps, findKey } = depsFinding(record);

    const result = await verifyKey(deps, presented(token.slice(0, -1) + last));

    expect(result).toEqual({ outcome: 'unauthorized', reason: 'malformed' });
    expect(findKey).not.toHaveBeenCalled();
  });

  it('never looks up garbage: every malformed token is answered without I/O', async () => {
    const { deps, findKey, pepper } = depsFinding(aKeyRecord());

    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 80 }), async (token) => {
        expect(await verifyKey(deps, presented(token))).toEqual({ outcome: 'unauthorized', reason: 'malformed' });
      }),
      { numRuns: 200 },
    );
    expect(findKey).not.toHaveBeenCalled();
    expect(pepper).not.toHaveBeenCalled();
  });

  it.each([
    ['test', 'live'],
    ['live', 'test'],
    ['live', undefined],
  ] as const)('answers wrong_environment for a %s key on a %s stage, without a lookup', async (keyEnv, stageEnv) => {
    const { token, record } = aStoredKey({ environment: keyEnv });
    const { deps, findKey } = depsFinding(record);

    const result = await verifyKey(deps, presented(token, { stageEnvironment: stageEnv }));

    expect(result).toEqual({ outcome: 'unauthorized', reason: 'wrong_environment', keyId: record.id });
    expect(findKey).not.toHaveBeenCalled();
  });

  it('answers unknown when no key has the id', async () => {
    const { token, record } = aStoredKey();
    const { deps, findKey } = depsFinding(undefined);

    const result = await verifyKey(deps, presented(token));

    expect(result).toEqual({ outcome: 'unauthorized', reason: 'unknown', keyId: record.id });
    expect(findKey).toHaveBeenCalledWith(record.id);
  });

  it('answers unknown when the stored hash is that of another token with the same id', async () => {
    const { token, record } = aStoredKey();
    const impostor = generateKey('live');
    const stored = { ...record, secretHash: hashKey(impostor.token, PEPPER) };
    const { deps } = depsFinding(stored);

    expect(await verifyKey(deps, presented(token))).toEqual({
      outcome: 'unauthorized',
      reason: 'unknown',
      keyId: record.id,
    });
  });

  it('answers unknown when the key was hashed under another pepper', async () => {
    const { token, record } = aStoredKey({ pepper: Buffer.alloc(32, 1) });
    const { deps } = depsFinding(record);

    expect(await verifyKey(deps, presented(token))).toMatchObject({ outcome: 'unauthorized', reason: 'unknown' });
  });

  it('answers unknown for any valid-format token whose hash is not the stored one (property)', async () => {
    const { record } = aStoredKey();
    const { deps } = depsFinding(record);

    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 40, maxLength: 80 }), async (bytes) => {
        fc.pre(bytes.some((b) => b < 248));
        const other = generateKey('live', cyclingByteSource(bytes));

        expect(await verifyKey(deps, presented(other.token))).toEqual({
          outcome: 'unauthorized',
          reason: 'unknown',
          keyId: other.keyId,
        });
      }),
      { numRuns: 50 },
    );
  });

  it.each(['inactive', 'revoked'] as const)('answers %s for a key with that status', async (status) => {
    const { token, record } = aStoredKey({ record: { status } });
    const { deps } = depsFinding(record);

    expect(await verifyKey(deps, presented(token))).toEqual({
      outcome: 'unauthorized',
      reason: status,
      keyId: record.id,
    });
  });

  it('answers expired once expiresAt is reached on the injected clock', async () => {
    const { token, record } = aStoredKey({ record: { expiresAt: '2026-03-01T12:00:00.000Z' } });
    const { deps } = depsFinding(record);
    const manual = aManualClock(new Date('2026-03-01T11:59:59.999Z'));
    deps.clock = manual.clock;

    expect(await verifyKey(deps, presented(token))).toMatchObject({ outcome: 'valid' });
    manual.advance(1);
    expect(await verifyKey(deps, presented(token))).toEqual({
      outcome: 'unauthorized',
      reason: 'expired',
      keyId: record.id,
    });
  });

  it('answers revoked, not expired, for a revoked key past its expiry', async () => {
    const { token, record } = aStoredKey({ record: { status: 'revoked', expiresAt: '2020-01-01T00:00:00Z' } });
    const { deps } = depsFinding(record);

    expect(await verifyKey(deps, presented(token))).toMatchObject({ reason: 'revoked' });
  });

  it('forbids a caller outside the IP allowlist, naming the IP', async () => {
    const { token, record } = aStoredKey({ record: { ipAllowlist: ['10.0.0.0/8'] } });
    const { deps } = depsFinding(record);

    const result = await verifyKey(deps, presented(token, { sourceIp: '203.0.113.7' }));

    expect(result).toEqual({
      outcome: 'forbidden',
      key: record,
      code: 'ip_not_allowed',
      message: "Requests from 203.0.113.7 are not on this key's IP allowlist.",
    });
  });

  it('accepts a caller on the IP allowlist', async () => {
    const { token, record } = aStoredKey({ record: { ipAllowlist: ['10.0.0.0/8'] } });
    const { deps } = depsFinding(record);

    expect(await verifyKey(deps, presented(token, { sourceIp: '10.1.2.3' }))).toEqual({
      outcome: 'valid',
      key: record,
    });
  });

  it('treats an empty allowlist as no restriction', async () => {
    const { token, record } = aStoredKey({ record: { ipAllowlist: [] } });
    const { deps } = depsFinding(record);

    expect(await verifyKey(deps, presented(token, { sourceIp: '' }))).toEqual({ outcome: 'valid', key: record });
  });

  it('checks status before the IP allowlist', async () => {
    const { token, record } = aStoredKey({ record: { status: 'inactive', ipAllowlist: ['10.0.0.0/8'] } });
    const { deps } = depsFinding(record);

    expect(await verifyKey(deps, presented(token))).toMatchObject({ outcome: 'unauthorized', reason: 'inactive' });
  });

  it('accepts sandbox (test) keys on a test stage', async () => {
    const { token, record } = aStoredKey({ environment: 'test' });
    const { deps } = depsFinding(record);

    expect(await verifyKey(deps, presented(token, { stageEnvironment: 'test' }))).toEqual({
      outcome: 'valid',
      key: record,
    });
  });
});
