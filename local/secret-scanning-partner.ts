/**
 * A simulated secret-scanning partner for the local stack and the tests. Its key pair is a test
 * fixture committed in local/fixtures: the private key is public, so only the local stack trusts
 * its public key. It signs reports as GitHub's partner program does (ECDSA P-256, SHA-256, DER,
 * base64).
 */
import { createHash, createPrivateKey, createPublicKey, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths';

const fixture = (name: string) => readFileSync(join(repoRoot(), 'local', 'fixtures', name), 'utf8');

/** The PEM block alone, without the fixture's explanatory header. */
const pemBlock = (text: string) => text.slice(text.indexOf('-----BEGIN'));

export const LOCAL_PARTNER_PUBLIC_KEY = pemBlock(fixture('secret-scanning-partner.pub.pem'));

/** Key ids are opaque to the platform; GitHub's are 64 hex characters, and so is this one. */
export const LOCAL_PARTNER_KEY_ID = createHash('sha256')
  .update(createPublicKey(LOCAL_PARTNER_PUBLIC_KEY).export({ type: 'spki', format: 'der' }))
  .digest('hex');

/** SECRET_SCANNING_PUBLIC_KEYS of the local stack. */
export const localPartnerKeysJson = () => JSON.stringify({ [LOCAL_PARTNER_KEY_ID]: LOCAL_PARTNER_PUBLIC_KEY });

export interface SignedReport {
  body: string;
  headers: Record<string, string>;
}

export function signAsLocalPartner(body: string): SignedReport {
  const key = createPrivateKey(fixture('secret-scanning-partner.key.pem'));
  const signature = sign('sha256', Buffer.from(body, 'utf8'), { key, dsaEncoding: 'der' }).toString('base64');
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'github-public-key-identifier': LOCAL_PARTNER_KEY_ID,
      'github-public-key-signature': signature,
    },
  };
}

/** One report per token, in the partner's format. */
export function leakReportBody(tokens: readonly string[], url = 'https://github.com/example/leaky/blob/main/.env') {
  return JSON.stringify(tokens.map((token) => ({ token, type: 'api_key_platform_key', url, source: 'content' })));
}
