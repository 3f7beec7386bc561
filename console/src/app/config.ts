/**
 * The runtime config the console function writes into index.html as JSON (not executable, so the
 * CSP needs no inline-script exception): one build serves every deployment.
 */
export interface ConsoleConfig {
  stages: { live: string; sandbox: string };
  /** The path before `/<stage>` (custom domains may have one), or an absolute URL of the API. */
  apiBase: string;
  keyPrefix: string;
  productName: string;
  /** Present when people may sign in with the team's identity provider (functions/console/console-sign-in.ts). */
  signIn?: ConsoleSignIn;
}

/** The identity provider's public client and endpoints, as the console function discovered them. */
export interface ConsoleSignIn {
  issuer: string;
  clientId: string;
  scope: string;
  authorizeParams: Record<string, string>;
  authorizationEndpoint: string;
  tokenEndpoint: string;
}

export function readConfig(doc: Document = document): ConsoleConfig {
  const element = doc.getElementById('console-config');
  if (!element?.textContent) throw new Error('The page has no console-config: serve it from the console function.');
  return JSON.parse(element.textContent) as ConsoleConfig;
}

/** The base URL of a stage: `https://host/live`, or `<apiBase>/live` when apiBase is absolute. */
export function stageUrl(config: ConsoleConfig, stage: string): string {
  const base = /^https?:\/\//.test(config.apiBase) ? config.apiBase : `${location.origin}${config.apiBase}`;
  return `${base.replace(/\/+$/, '')}/${stage}`;
}
