/**
 * Builds the console (console/src) with esbuild into content-hashed files and a manifest naming
 * them: `console.<hash>.js`, `console.<hash>.css`, `manifest.json`. The console function serves them;
 * the local platform runs this at start when the output is stale, the Lambda bundler into the
 * function's bundle folder. `npx tsx console/build.ts [outdir]` builds by hand.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { type BuildOptions, buildSync } from 'esbuild';

export const CONSOLE_MANIFEST = 'manifest.json';

/**
 * The repository's console folder, found from the working directory: this runs as ESM (tsx) and as
 * CommonJS (Jest), and neither `__dirname` nor `import.meta` works in both.
 */
export function consoleRoot(from: string = process.cwd()): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'console', 'src', 'main.tsx'))) return join(dir, 'console');
    if (dirname(dir) === dir) throw new Error(`No console/src/main.tsx above ${from}.`);
  }
}

/** Where the repository's own build goes (gitignored). */
export function consoleDist(root: string = consoleRoot()): string {
  return join(root, 'dist');
}

/** Old files stay this long after a new build: a process that read the previous manifest may still serve them. */
const KEEP_REPLACED_MS = 60_000;

export interface ConsoleManifest {
  js: string;
  css: string;
}

const OPTIONS: BuildOptions = {
  bundle: true,
  platform: 'browser',
  format: 'esm',
  target: ['chrome111', 'firefox115', 'safari16.4'],
  minify: true,
  sourcemap: false,
  jsx: 'automatic',
  jsxImportSource: 'preact',
  entryNames: '[name].[hash]',
  legalComments: 'none',
  logLevel: 'warning',
  // Production preact: no devtools hooks, no debug warnings.
  define: { 'process.env.NODE_ENV': '"production"' },
};

/**
 * Builds into `outdir` and returns the manifest it wrote. Every file is renamed into place and the
 * manifest last: parallel test workers may build at once, and a reader never sees half a build.
 */
export function buildConsole(outdir: string = consoleDist(), root: string = consoleRoot()): ConsoleManifest {
  const result = buildSync({
    ...OPTIONS,
    absWorkingDir: root,
    tsconfig: join(root, 'tsconfig.json'),
    entryPoints: [
      { in: join(root, 'src/main.tsx'), out: 'console' },
      { in: join(root, 'src/styles.css'), out: 'console' },
    ],
    outdir,
    write: false,
  });
  mkdirSync(outdir, { recursive: true });
  const manifest: ConsoleManifest = { js: '', css: '' };
  for (const file of result.outputFiles) {
    writeInPlace(file.path, file.contents);
    const name = basename(file.path);
    if (name.endsWith('.js')) manifest.js = name;
    else if (name.endsWith('.css')) manifest.css = name;
  }
  writeInPlace(join(outdir, CONSOLE_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  removeReplaced(outdir, manifest);
  return manifest;
}

function writeInPlace(path: string, contents: string | Uint8Array): void {
  const partial = `${path}.${process.pid}.partial`;
  writeFileSync(partial, contents);
  renameSync(partial, path);
}

function removeReplaced(outdir: string, manifest: ConsoleManifest): void {
  const keep = new Set([manifest.js, manifest.css, CONSOLE_MANIFEST]);
  for (const name of readdirSync(outdir)) {
    const path = join(outdir, name);
    if (!keep.has(name) && Date.now() - statSync(path).mtimeMs > KEEP_REPLACED_MS) rmSync(path, { force: true });
  }
}

/** The newest modification time under the console's sources and the SDK it bundles. */
function newestSourceTime(root: string): number {
  let newest = statSync(join(root, 'build.ts')).mtimeMs;
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      // A directory's time changes when a file in it is added or deleted.
      if (entry.isDirectory()) {
        newest = Math.max(newest, statSync(path).mtimeMs);
        walk(path);
      } else newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  walk(join(root, 'src'));
  walk(join(root, '..', 'sdk', 'src'));
  return newest;
}

/** Builds the repository's console unless its output is newer than every source; returns whether it built. */
export function buildConsoleIfStale(outdir: string = consoleDist(), root: string = consoleRoot()): boolean {
  const manifestPath = join(outdir, CONSOLE_MANIFEST);
  if (existsSync(manifestPath) && statSync(manifestPath).mtimeMs >= newestSourceTime(root)) {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as ConsoleManifest;
    if (existsSync(join(outdir, manifest.js)) && existsSync(join(outdir, manifest.css))) return false;
  }
  buildConsole(outdir, root);
  return true;
}

if (process.argv[1]?.replace(/\\/g, '/').endsWith('console/build.ts')) {
  const outdir = process.argv[2] ?? consoleDist();
  const started = Date.now();
  const manifest = buildConsole(outdir);
  console.log(`console built into ${outdir} in ${Date.now() - started} ms: ${manifest.js}, ${manifest.css}`);
}
