import { Webhook } from 'standardwebhooks';
import {
  deriveEndpointSecret,
  SECRET_OVERLAP_MS,
  signatureHeaders,
  signingSecrets,
} from '../../functions/domain/webhooks/signing';
import { NOW } from '../support/unit-factories';
import { anEndpoint, MASTER_SECRET } from '../support/webhook-memory';

const ENDPOINT_ID = 'wh_00000000000000000001';
const secret = deriveEndpointSecret(MASTER_SECRET, ENDPOINT_ID, 1);
const body = JSON.stringify({ type: 'table.created', timestamp: NOW.toISOString(), data: { id: 'tb_1' } });
const MESSAGE_ID = 'msg_0123456789abcdef01234567';

/** Headers signed now: standardwebhooks refuses timestamps more than 5 minutes from its clock. */
const signedNow = (secrets: string[] = [secret]) => signatureHeaders(secrets, MESSAGE_ID, new Date(), body);
const verify = (key: string, payload: string, headers: Record<string, string>) =>
  new Webhook(key).verify(payload, headers);

describe('signatureHeaders', () => {
  it('makes a signature the standardwebhooks package verifies', () => {
    const headers = signedNow();

    expect(verify(secret, body, headers)).toEqual(JSON.parse(body));
    expect(headers['webhook-id']).toBe(MESSAGE_ID);
    expect(headers['webhook-timestamp']).toMatch(/^\d{10}$/);
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
  });

  it('fails verification for a tampered body, timestamp or id', () => {
    const headers = signedNow();
    const timestamp = String(Number(headers['webhook-timestamp']) - 1);

    expect(() => verify(secret, body.replace('tb_1', 'tb_2'), headers)).toThrow();
    expect(() => verify(secret, body, { ...headers, 'webhook-timestamp': timestamp })).toThrow();
    expect(() => verify(secret, body, { ...headers, 'webhook-id': 'msg_another' })).toThrow();
  });

  it('fails verification under another secret', () => {
    const other = deriveEndpointSecret(MASTER_SECRET, ENDPOINT_ID, 2);

    expect(() => verify(other, body, signedNow())).toThrow();
  });

  it('lists one signature per secret, each verifying on its own', () => {
    const next = deriveEndpointSecret(MASTER_SECRET, ENDPOINT_ID, 2);

    const headers = signedNow([next, secret]);

    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(verify(secret, body, headers)).toEqual(JSON.parse(body));
    expect(verify(next, body, headers)).toEqual(JSON.parse(body));
  });

  it('signs the timestamp in whole seconds of `at`', () => {
    expect(
      signatureHeaders([secret], MESSAGE_ID, new Date('2026-03-01T12:00:00.999Z'), body)['webhook-timestamp'],
    ).toBe(String(Date.parse('2026-03-01T12:00:00Z') / 1000));
  });
});

describe('deriveEndpointSecret', () => {
  it('is whsec_ and the base64 of 32 bytes', () => {
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
  });

  it('is the same for the same endpoint and version', () => {
    expect(deriveEndpointSecret(Buffer.from(MASTER_SECRET), ENDPOINT_ID, 1)).toBe(secret);
  });

  it('differs across versions, endpoints and master secrets', () => {
    const secrets = [
      secret,
      deriveEndpointSecret(MASTER_SECRET, ENDPOINT_ID, 2),
      deriveEndpointSecret(MASTER_SECRET, 'wh_00000000000000000002', 1),
      deriveEndpointSecret(Buffer.alloc(32, 0x01), ENDPOINT_ID, 1),
    ];

    expect(new Set(secrets).size).toBe(secrets.length);
  });
});

describe('signingSecrets', () => {
  const rotated = anEndpoint({
    id: ENDPOINT_ID,
    secretVersion: 2,
    previousSecretVersion: 1,
    previousSecretExpiresAt: new Date(NOW.getTime() + SECRET_OVERLAP_MS).toISOString(),
  });
  const current = deriveEndpointSecret(MASTER_SECRET, ENDPOINT_ID, 2);

  it('are the current and the previous secret within the overlap', () => {
    expect(signingSecrets(MASTER_SECRET, rotated, NOW)).toEqual([current, secret]);
    expect(signingSecrets(MASTER_SECRET, rotated, new Date(NOW.getTime() + SECRET_OVERLAP_MS - 1))).toEqual([
      current,
      secret,
    ]);
  });

  it('are the current secret alone once the overlap is over, or without a rotation', () => {
    expect(signingSecrets(MASTER_SECRET, rotated, new Date(NOW.getTime() + SECRET_OVERLAP_MS))).toEqual([current]);
    expect(signingSecrets(MASTER_SECRET, anEndpoint({ id: ENDPOINT_ID }), NOW)).toEqual([secret]);
  });
});
