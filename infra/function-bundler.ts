/**
 * Bundles a platform function with esbuild, for synth inside this repository, where there are no
 * prebuilt bundles. The package (`npm run build:package`) swaps this module for one that refuses:
 * an installed construct ships its bundles and never needs esbuild.
 */
import { copyFileSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { type BuildOptions, buildSync, type OutputFile } from 'esbuild';
import { buildConsole } from '../console/build';
import { FUNCTIONS, type FunctionDefinition, type FunctionId, functionAssets } from '../functions/definition/functions';

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

/**
 * Where the repository's bundles are built: inside the project, the same folder on every machine
 * (a temporary folder would be deleted under a long-lived watch, and say nothing about the project).
 */
export function bundleCacheDir(projectRoot: string, functionId: FunctionId): string {
  return join(projectRoot, 'node_modules', '.cache', 'api-key-platform', functionId);
}

/**
 * A source map whose `sources` are relative to the project root (`functions/account/whoami.ts`),
 * wherever it was built: the map ships inside the asset, whose hash is its content's, so a path
 * relative to the build folder would give each checkout and temp folder its own template.
 */
export function rootRelativeSourceMap(mapJson: string, mapDir: string, projectRoot: string): string {
  const map = JSON.parse(mapJson) as { sources: string[] };
  map.sources = map.sources.map((source) => relative(projectRoot, resolve(mapDir, source)).split(sep).join('/'));
  return JSON.stringify(map);
}

/**
 * Writes esbuild's in-memory output, maps made root-relative. Each file is renamed into place:
 * parallel jest workers build the same function into the same folder, and a reader never sees
 * half a file (both writers write the same bytes).
 */
export function writeBundleOutput(outputFiles: readonly OutputFile[], projectRoot: string): void {
  for (const file of outputFiles) {
    const contents = file.path.endsWith('.map')
      ? rootRelativeSourceMap(file.text, dirname(file.path), projectRoot)
      : file.contents;
    mkdirSync(dirname(file.path), { recursive: true });
    const partial = `${file.path}.${process.pid}.partial`;
    writeFileSync(partial, contents);
    renameSync(partial, file.path);
  }
}

/**
 * Copies the npm files the function reads at run time beside its `index.js`, each renamed into place,
 * and builds the web console into its `console/` folder when it serves it (bundlesConsole).
 */
export function copyFunctionAssets(functionId: FunctionId, projectRoot: string, outdir: string): void {
  mkdirSync(outdir, { recursive: true });
  for (const { module, file } of functionAssets(functionId)) {
    const partial = join(outdir, `${file}.${process.pid}.partial`);
    copyFileSync(join(projectRoot, 'node_modules', module), partial);
    renameSync(partial, join(outdir, file));
  }
  if ((FUNCTIONS[functionId] as FunctionDefinition).bundlesConsole) {
    buildConsole(join(outdir, CONSOLE_BUNDLE_DIR), join(projectRoot, 'console'));
  }
}

/** The folder of a bundle holding the built console (functions/console/console-site.ts reads it there). */
export const CONSOLE_BUNDLE_DIR = 'console';

/** Builds `index.js` and `index.js.map` of the function, and copies its assets, into `outdir`. */
export function buildFunctionBundle(functionId: FunctionId, projectRoot: string, outdir: string): void {
  const result = buildSync({
    ...FUNCTION_BUNDLE_OPTIONS,
    entryPoints: [join(projectRoot, FUNCTIONS[functionId].entry)],
    outfile: join(outdir, 'index.js'),
    absWorkingDir: projectRoot,
    write: false,
  });
  writeBundleOutput(result.outputFiles, projectRoot);
  copyFunctionAssets(functionId, projectRoot, outdir);
}

const built = new Map<FunctionId, string>();

/**
 * The directory holding `index.js` and `index.js.map` of the function, built once per process:
 * a synth makes one asset per function and stack, and each stack's would otherwise rebuild it.
 */
export function bundleFunction(functionId: FunctionId, projectRoot: string): string {
  const existing = built.get(functionId);
  if (existing) return existing;
  const outdir = bundleCacheDir(projectRoot, functionId);
  buildFunctionBundle(functionId, projectRoot, outdir);
  built.set(functionId, outdir);
  return outdir;
}
