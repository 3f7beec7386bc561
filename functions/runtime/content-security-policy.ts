/**
 * The CSP of the pages the API serves itself (the console, the API docs): their own scripts and
 * styles only, no inline code, nothing framed, no form posts. A page may fetch from its own origin
 * and from the origins named here (the console: its identity provider's token endpoint).
 */
export function contentSecurityPolicy(connectOrigins: readonly string[] = []): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    // The console's icons and swagger-ui's are data: SVGs.
    "img-src 'self' data:",
    ["connect-src 'self'", ...connectOrigins].join(' '),
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
