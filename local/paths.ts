import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Bootstrap } from './platform';

/** The repository root: the nearest folder above the working directory with cdk.json and package.json. */
export function repoRoot(from = process.cwd()): string {
  let dir = from;
  while (!(existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'functions')))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`Run this inside the api-key-platform repository (looked up from ${from}).`);
    dir = parent;
  }
  return dir;
}

/** The running local stack's `.local/bootstrap.json` (written by `npm start`); undefined without one. */
export function readLocalBootstrap(): Bootstrap | undefined {
  const file = join(repoRoot(), '.local', 'bootstrap.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Bootstrap) : undefined;
}
