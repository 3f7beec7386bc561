/**
 * Verification of a presented key, in the order that makes garbage cheapest: format and checksum
 * (no I/O), environment, one lookup by id, a constant-time hash comparison, then status and IP.
 */
import type { Clock } from '../clock';
import { ipAllowed } from '../ip-allowlist';
import { hashesMatch, hashKey } from './key-hash';
import { type ApiKeyRecord, effectiveStatus } from './key-model';
import { type KeyEnvironment, parseKey } from './key-token';

export type UnauthorizedReason =
  | 'missing'
  /** More than one distinct key value in one request. */
  | 'ambiguous'
  | 'malformed'
  | 'wrong_environment'
  | 'unknown'
  | 'inactive'
  | 'revoked'
  | 'expired';

export type Verification =
  | { outcome: 'valid'; key: ApiKeyRecord }
  | { outcome: 'unauthorized'; reason: UnauthorizedReason; keyId?: string }
  | { outcome: 'forbidden'; key: ApiKeyRecord; code: 'ip_not_allowed'; message: string };

export interface VerifyKeyDeps {
  findKey: (keyId: string) => Promise<ApiKeyRecord | undefined>;
  pepper: () => Promise<Buffer>;
  clock: Clock;
}

export interface PresentedKey {
  token: string | undefined;
  stageEnvironment: KeyEnvironment | undefined;
  sourceIp: string;
}

export async function verifyKey(deps: VerifyKeyDeps, presented: PresentedKey): Promise<Verification> {
  if (!presented.token) return { outcome: 'unauthorized', reason: 'missing' };
  const parsed = parseKey(presented.token);
  if (!parsed) return { outcome: 'unauthorized', reason: 'malformed' };
  if (parsed.environment !== presented.stageEnvironment) {
    return { outcome: 'unauthorized', reason: 'wrong_environment', keyId: parsed.keyId };
  }
  const [key, pepper] = await Promise.all([deps.findKey(parsed.keyId), deps.pepper()]);
  // Hash even when the id is unknown, so a miss and a wrong secret take the same time.
  const presentedHash = hashKey(presented.token, pepper);
  if (!key || !hashesMatch(key.secretHash, presentedHash)) {
    return { outcome: 'unauthorized', reason: 'unknown', keyId: parsed.keyId };
  }
  const status = effectiveStatus(key, deps.clock());
  if (status !== 'active') return { outcome: 'unauthorized', reason: status, keyId: key.id };
  if (key.ipAllowlist && key.ipAllowlist.length > 0 && !ipAllowed(key.ipAllowlist, presented.sourceIp)) {
    return {
      outcome: 'forbidden',
      key,
      code: 'ip_not_allowed',
      message: `Requests from ${presented.sourceIp} are not on this key's IP allowlist.`,
    };
  }
  return { outcome: 'valid', key };
}
