/**
 * The instance's one cursor codec. Its secret is looked up (variable and Secrets Manager) on the
 * first list call, not at cold start: every store module can hand it to its store, and only the
 * functions that page, which are the ones granted `needs.cursorKey`, ever read the secret.
 */
import { secretBytesFromSecretsManager } from '../adapters/pepper';
import { sealedCursors } from '../domain/cursors';
import { secretsManager } from './clients';
import { cursorKeyConfig, loadConfig } from './config';

let secret: (() => Promise<Buffer>) | undefined;

export const cursorCodec = sealedCursors(() => {
  secret ??= secretBytesFromSecretsManager(secretsManager, loadConfig(cursorKeyConfig).CURSOR_SECRET_ID);
  return secret();
});
