/**
 * Signatures of secret-scanning partners (GitHub's partner format): ECDSA P-256 with SHA-256 over
 * the raw request body, base64 in `Github-Public-Key-Signature`, the signing key's id in
 * `Github-Public-Key-Identifier`. The public keys are configuration, read once at cold start: a
 * report never makes the function fetch a key, so whoever can reach the endpoint cannot make it
 * call out, and a key appears only when the operator configures it.
 */
import { createPublicKey, type KeyObject, verify } from 'node:crypto';

/** Partner public keys by their identifier. */
export type PartnerKeys = ReadonlyMap<string, KeyObject>;

export type SignatureCheck =
  | { valid: true; keyId: string }
  | { valid: false; reason: 'missing' | 'unknown_key' | 'malformed_signature' | 'bad_signature' };

const KEY_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
const BASE64_PATTERN = /^[A-Za-z0-9+/]+={0,2}$/;
/** A P-256 signature: 64 bytes raw (r‖s), or DER, at most 72 bytes. */
const RAW_SIGNATURE_BYTES = 64;
const MAX_DER_SIGNATURE_BYTES = 72;

/**
 * Reads `{"<key id>": "<PEM>", …}`. Only EC P-256 public keys are accepted, so a misconfigured RSA
 * or other-curve key fails at cold start (and at synth) instead of at the first report.
 */
export function parsePartnerKeys(json: string | undefined): PartnerKeys {
  if (json === undefined || json.trim() === '') return new Map();
  let entries: [string, unknown][];
  try {
    const parsed: unknown = JSON.parse(json);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    entries = Object.entries(parsed);
  } catch (error) {
    throw new Error('Secret-scanning partner keys must be a JSON object of key id to PEM public key.', {
      cause: error,
    });
  }
  const keys = new Map<string, KeyObject>();
  for (const [id, pem] of entries) {
    if (!KEY_ID_PATTERN.test(id)) throw new Error(`Secret-scanning partner key id '${id}' is not a valid identifier.`);
    if (typeof pem !== 'string') throw new Error(`Secret-scanning partner key ${id} must be a PEM string.`);
    const key = createPublicKey(pem);
    if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
      throw new Error(`Secret-scanning partner key ${id} must be an ECDSA P-256 public key.`);
    }
    keys.set(id, key);
  }
  return keys;
}

export function verifyPartnerSignature(
  keys: PartnerKeys,
  body: Buffer,
  keyId: string | undefined,
  signature: string | undefined,
): SignatureCheck {
  if (!keyId || !signature) return { valid: false, reason: 'missing' };
  const key = keys.get(keyId);
  if (!key) return { valid: false, reason: 'unknown_key' };
  const text = signature.trim();
  if (!BASE64_PATTERN.test(text)) return { valid: false, reason: 'malformed_signature' };
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length < 8 || bytes.length > MAX_DER_SIGNATURE_BYTES)
    return { valid: false, reason: 'malformed_signature' };
  // GitHub sends DER; raw r‖s is accepted too, since some signers produce it (WebCrypto, JOSE). A
  // 64-byte DER signature is possible in theory (short r and s), so 64 bytes are tried both ways.
  const encodings = bytes.length === RAW_SIGNATURE_BYTES ? (['ieee-p1363', 'der'] as const) : (['der'] as const);
  let valid = false;
  for (const dsaEncoding of encodings) {
    try {
      valid ||= verify('sha256', body, { key, dsaEncoding }, bytes);
    } catch {
      // Not a signature in this encoding.
    }
  }
  return valid ? { valid: true, keyId } : { valid: false, reason: 'bad_signature' };
}
