/**
 * `npm run build:package`: the installable package in `dist/`. Every platform function prebuilt
 * (`dist/functions/<id>/index.js` and its map), the construct (`dist/index.js`), the definition
 * and backend entries (`dist/definition.js`, `dist/backend.js`), all CommonJS with their
 * dependencies bundled (aws-cdk-lib and constructs stay the consumer's), and `.d.ts` files in
 * `dist/types`. `npm pack` then packs `dist/` alone.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { type BuildOptions, build, type Plugin } from 'esbuild';
import { FUNCTIONS, type FunctionId } from '../functions/definition/functions';
import { copyFunctionAssets, FUNCTION_BUNDLE_OPTIONS, writeBundleOutput } from './function-bundler';

const root = process.cwd();
const dist = join(root, 'dist');
/** Relative to `dist/index.js`: where function-code.ts looks for the bundles. */
const PREBUILT_FUNCTIONS_DIR = 'functions';

/** The installed construct never bundles: function-bundler.ts (and esbuild) stay out of it. */
const noOnTheFlyBundling: Plugin = {
  name: 'no-on-the-fly-bundling',
  setup(builder) {
    builder.onResolve({ filter: /\/function-bundler$/ }, () => ({ path: 'function-bundler', namespace: 'stub' }));
    builder.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({
      contents: `export function bundleFunction(id) { throw new Error('No prebuilt bundle for ' + id + '; reinstall api-key-platform.'); }`,
      loader: 'js',
    }));
  },
};

const LIBRARY_OPTIONS: BuildOptions = {
  bundle: true,
  platform: 'node',
  // The oldest Node the CDK supports, not Lambda's: this code runs in the consumer's `cdk synth`.
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  sourcesContent: false,
  external: ['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs'],
  logLevel: 'warning',
};

export async function buildPackage(): Promise<void> {
  rmSync(dist, { recursive: true, force: true });
  mkdirSync(dist, { recursive: true });
  const functionIds = Object.keys(FUNCTIONS) as FunctionId[];
  await Promise.all([
    ...functionIds.map(async (functionId) => {
      const result = await build({
        ...FUNCTION_BUNDLE_OPTIONS,
        entryPoints: [join(root, FUNCTIONS[functionId].entry)],
        outfile: join(dist, PREBUILT_FUNCTIONS_DIR, functionId, 'index.js'),
        write: false,
      });
      // The same bytes as the repository's on-the-fly bundle: one asset hash either way.
      writeBundleOutput(result.outputFiles, root);
      copyFunctionAssets(functionId, root, join(dist, PREBUILT_FUNCTIONS_DIR, functionId));
    }),
    build({
      ...LIBRARY_OPTIONS,
      entryPoints: [join(root, 'infra/index.ts')],
      outfile: join(dist, 'index.js'),
      define: { API_KEY_PLATFORM_PREBUILT_FUNCTIONS: JSON.stringify(PREBUILT_FUNCTIONS_DIR) },
      // The construct only writes suppressions (metadata); cdk-nag's rule packs would add 1.5 MB
      // and load dozens of aws-cdk-lib modules on every synth.
      alias: { 'cdk-nag': join(root, 'node_modules/cdk-nag/lib/nag-suppressions.js') },
      plugins: [noOnTheFlyBundling],
    }),
    build({
      ...LIBRARY_OPTIONS,
      entryPoints: [join(root, 'functions/definition/public.ts')],
      outfile: join(dist, 'definition.js'),
    }),
    build({
      ...LIBRARY_OPTIONS,
      entryPoints: [join(root, 'functions/backend/index.ts')],
      outfile: join(dist, 'backend.js'),
    }),
  ]);
  // The repository's package.json says "module"; the bundles are CommonJS.
  writeFileSync(join(dist, 'package.json'), `${JSON.stringify({ type: 'commonjs' }, null, 2)}\n`);
  execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  pruneInternalDeclarations();
}

/**
 * tsc declares every module the entry points' code reaches, the construct's internals included
 * (function-bundler.d.ts imports esbuild, config.d.ts NodeJS types): a consumer's `tsc` without
 * skipLibCheck would check them and fail on packages it never installed. Only the declarations
 * the entry points' own declarations import are the package's types; the others go.
 */
function pruneInternalDeclarations(): void {
  const typesDir = join(dist, 'types');
  const { files: entries } = JSON.parse(readFileSync(join(root, 'tsconfig.build.json'), 'utf8')) as { files: string[] };
  const kept = new Set<string>();
  const visit = (file: string) => {
    if (kept.has(file)) return;
    kept.add(file);
    const text = readFileSync(file, 'utf8');
    for (const [, specifier] of text.matchAll(/(?:from|import\()\s*'(\.[^']*)'/g)) {
      const target = resolve(dirname(file), specifier as string);
      visit(existsSync(`${target}.d.ts`) ? `${target}.d.ts` : join(target, 'index.d.ts'));
    }
  };
  for (const entry of entries) visit(join(typesDir, entry.replace(/\.ts$/, '.d.ts')));
  // Deepest first, so a folder emptied of its files goes too.
  const paths = readdirSync(typesDir, { recursive: true, encoding: 'utf8' }).map((file) => join(typesDir, file));
  for (const path of paths.sort((a, b) => b.length - a.length)) {
    if (path.endsWith('.d.ts')) {
      if (!kept.has(path)) rmSync(path);
    } else if (readdirSync(path).length === 0) {
      rmSync(path, { recursive: true });
    }
  }
}

if (process.argv[1]?.endsWith('build-package.ts')) {
  const started = Date.now();
  buildPackage().then(
    () => console.log(`dist/ built in ${((Date.now() - started) / 1000).toFixed(1)} s`),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
