/**
 * The console's runtime config: what the console function writes into its page as JSON and the
 * browser reads (console/src/app/config.ts). Types only, so the browser's build shares them.
 */

/**
 * The console's OIDC sign-in as the browser needs it: the configured public client
 * (runtime/config.ts loadConsoleSignInConfig) and the endpoints of the issuer's discovery document.
 */
export interface ConsoleSignIn {
  issuer: string;
  clientId: string;
  scope: string;
  authorizeParams: Record<string, string>;
  /**
   * Which of the provider's tokens the console sends as its bearer token: the access token (for the
   * API's audience) or the ID token (whose audience is the client, and which carries the email).
   */
  token: 'access' | 'id';
  authorizationEndpoint: string;
  tokenEndpoint: string;
}

export interface ConsoleConfig {
  stages: { live: string; sandbox: string };
  /** The path before `/<stage>` (custom domains may have one), or an absolute URL of the API. */
  apiBase: string;
  /** Where the console lives on this host (`/live/console`): its sign-in page is `<consolePath>/sign-in`. */
  consolePath: string;
  keyPrefix: string;
  productName: string;
  /** The definition's resources, presets (name → description) and levels: the key form's choices (pages/keys). */
  permissions: {
    resources: Record<string, string[]>;
    presets: Record<string, string>;
    levels: Record<string, { description: string; permissions: string[] }>;
  };
  /** Present when people may sign in with the identity provider: the sign-in page offers it. */
  signIn?: ConsoleSignIn;
}
