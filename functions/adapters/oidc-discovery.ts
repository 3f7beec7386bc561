/**
 * An OIDC issuer's discovery document (OpenID Connect Discovery 1.0): where its keys are for the
 * management authorizer, and where the console sends people to sign in and trades their code.
 */

export interface OidcDiscovery {
  issuer: string;
  jwksUri: URL;
  /** Absent from documents of issuers that only verify tokens made elsewhere. */
  authorizationEndpoint?: URL;
  tokenEndpoint?: URL;
}

/** The document could not be fetched, or describes another issuer: `message` says which, for the log. */
export class OidcDiscoveryError extends Error {}

export async function discoverOidcIssuer(
  issuer: string,
  fetchImpl: typeof fetch = fetch,
  timeoutMs = 5000,
): Promise<OidcDiscovery> {
  const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  let document: Record<string, unknown>;
  try {
    const response = await fetchImpl(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) throw new Error(`${url} answered ${response.status}`);
    const body: unknown = await response.json();
    // JSON null, a list or a string is no document: say so, rather than fail reading its fields.
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new Error(`${url} answered JSON that is not an object`);
    }
    document = body as Record<string, unknown>;
  } catch (error) {
    throw new OidcDiscoveryError(`OIDC discovery failed: ${String(error)}`, { cause: error });
  }
  // §4.3: the document must name the issuer it was fetched for.
  if (document.issuer !== issuer || typeof document.jwks_uri !== 'string' || !URL.canParse(document.jwks_uri)) {
    throw new OidcDiscoveryError(
      `${url} does not describe the issuer ${issuer} (its issuer is ${String(document.issuer)}, jwks_uri ${String(document.jwks_uri)}); check OIDC_ISSUER.`,
    );
  }
  return {
    issuer,
    jwksUri: new URL(document.jwks_uri),
    ...optionalUrl('authorizationEndpoint', document.authorization_endpoint),
    ...optionalUrl('tokenEndpoint', document.token_endpoint),
  };
}

/**
 * A DNS name (internationalized ones arrive as punycode) or an IP literal. WHATWG URLs accept
 * hosts such as `a;sandbox`, and the console puts the token endpoint's origin in its CSP, where a
 * `;` would start a directive of the provider's choosing.
 */
const PLAIN_HOST = /^[a-z0-9.-]+$|^\[[0-9a-f:]+\]$/i;

/** An endpoint the browser is sent to must be https, or http on loopback (the local provider), on a plain host. */
function optionalUrl<Name extends string>(name: Name, value: unknown): Partial<Record<Name, URL>> {
  if (typeof value !== 'string') return {};
  try {
    const url = new URL(value);
    const loopback = url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]';
    if (!PLAIN_HOST.test(url.hostname)) return {};
    if (url.protocol === 'https:' || (url.protocol === 'http:' && loopback))
      return { [name]: url } as Record<Name, URL>;
  } catch {
    // Not a URL: as if absent.
  }
  return {};
}
