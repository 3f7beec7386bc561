/**
 * The runtime config the console function writes into index.html as JSON (not executable, so the
 * CSP needs no inline-script exception): one build serves every deployment.
 */
export type { ConsoleConfig, ConsoleSignIn } from '../../../functions/console/console-config';

import type { ConsoleConfig } from '../../../functions/console/console-config';

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
