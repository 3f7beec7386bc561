/**
 * Builds dist/ for `npm pack` (prepack): index.mjs and index.cjs by esbuild, the dependencies left
 * as imports, and the declarations by tsc. esbuild and typescript come from the repository root's
 * devDependencies (Node finds them by walking up from here).
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const sdk = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(sdk, 'dist');
const { dependencies } = JSON.parse(readFileSync(join(sdk, 'package.json'), 'utf8'));

rmSync(dist, { recursive: true, force: true });
for (const [format, file] of [
  ['esm', 'index.mjs'],
  ['cjs', 'index.cjs'],
]) {
  await build({
    entryPoints: [join(sdk, 'src', 'index.ts')],
    outfile: join(dist, file),
    bundle: true,
    format,
    platform: 'neutral',
    target: 'es2022',
    external: Object.keys(dependencies),
    sourcemap: true,
    logLevel: 'warning',
  });
}

const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc');
const { execFileSync } = await import('node:child_process');
execFileSync(process.execPath, [tsc, '-p', join(sdk, 'tsconfig.json')], { stdio: 'inherit' });

// Consumers resolving as Node does (module node16/nodenext) need extensions on relative imports.
const types = join(dist, 'types');
for (const file of readdirSync(types)) {
  const path = join(types, file);
  writeFileSync(path, readFileSync(path, 'utf8').replace(/(from '\.\/[\w-]+)'/g, "$1.js'"));
}
