import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

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
