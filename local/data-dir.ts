/**
 * `.local/` holds admin keys, peppers and the whole table: only its owner may read it. New files
 * get mode 600 and folders 700 through the process umask (dynalite's LevelDB makes files on its
 * own, with the default mode), and what an earlier start left more open is closed at start.
 */
import { chmodSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const OWNER_ONLY_UMASK = 0o077;

/** Closes the data folder to its owner; the returned function puts the previous umask back. */
export function protectDataDir(dir: string): () => void {
  const previous = process.umask(OWNER_ONLY_UMASK);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  closeTree(dir);
  return () => {
    process.umask(previous);
  };
}

function closeTree(dir: string) {
  chmodSync(dir, 0o700);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) closeTree(path);
    else if (entry.isFile()) chmodSync(path, 0o600);
  }
}
