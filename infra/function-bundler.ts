/**
 * Bundles a platform function with esbuild, for synth inside this repository, where there are no
 * prebuilt bundles. The package (`npm run build:package`) swaps this module for one that refuses:
 * an installed construct ships its bundles and never needs esbuild.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BuildOptions, buildSync } from 'esbuild';
import { FUNCTIONS, type FunctionId } from '../functions/definition/functions';

/** The esbuild options of every function bundle, here and in build-package.ts. */
export const FUNCTION_BUNDLE_OPTIONS: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  // Bundle the AWS SDK too: the functions run the exact versions the tests ran against, not
  // whichever one the Lambda runtime happens to ship.
  external: [],
  logLevel: 'warning',
};

let bundleRoot: string | undefined;
const built = new Map<FunctionId, string>();

/**
 * The directory holding `index.js` and `index.js.map` of the function, built once per process:
 * a synth makes one asset per function and stack, and each stack's would otherwise rebuild it.
 */
export function bundleFunction(functionId: FunctionId, projectRoot: string): string {
  const existing = built.get(functionId);
  if (existing) return existing;
  bundleRoot ??= mkdtempSync(join(tmpdir(), 'api-key-platform-bundles-'));
  const outdir = join(bundleRoot, functionId);
  mkdirSync(outdir, { recursive: true });
  buildSync({
    ...FUNCTION_BUNDLE_OPTIONS,
    entryPoints: [join(projectRoot, FUNCTIONS[functionId].entry)],
    outfile: join(outdir, 'index.js'),
    absWorkingDir: projectRoot,
  });
  built.set(functionId, outdir);
  return outdir;
}
