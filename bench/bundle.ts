/** An authorizer (the key one unless another entry is named) bundled as CDK bundles it (esbuild, minified, node22, CommonJS), and its cold start. */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { median } from './measure';

export async function bundleAuthorizer(root: string, entry = 'functions/authorizer/handler.ts') {
  const outdir = mkdtempSync(join(tmpdir(), 'authorizer-bundle-'));
  const outfile = join(outdir, 'index.js');
  await build({
    entryPoints: [join(root, entry)],
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    outfile,
    logLevel: 'silent',
  });
  return { outfile, bytes: statSync(outfile).size, gzipBytes: gzipSync(readFileSync(outfile)).length };
}

/**
 * Starts a fresh Node process that loads the bundle and runs one verification, against a bare
 * `node` start, alternating. The difference is what a Lambda cold start adds on top of the runtime.
 */
export async function coldStart(bundle: string, event: unknown, env: Record<string, string>, runs: number) {
  const script = join(tmpdir(), `cold-start-${process.pid}.cjs`);
  writeFileSync(
    script,
    `const t0 = performance.now();
const { handler } = require(${JSON.stringify(bundle)});
const loaded = performance.now();
handler(${JSON.stringify(event)}).then((r) => {
  const done = performance.now();
  if (!r.policyDocument) process.exit(3);
  console.log(JSON.stringify({ loadMs: loaded - t0, firstVerificationMs: done - loaded, totalMs: done - t0 }));
}, (e) => { console.error(e); process.exit(2); });`,
  );
  const bare: number[] = [];
  const withBundle: number[] = [];
  const inside: { loadMs: number; firstVerificationMs: number; totalMs: number }[] = [];
  for (let index = 0; index < runs; index++) {
    let started = performance.now();
    await run(['-e', ''], env);
    bare.push(performance.now() - started);
    started = performance.now();
    const stdout = await run([script], env);
    withBundle.push(performance.now() - started);
    inside.push(JSON.parse(stdout.trim().split('\n').pop() as string));
  }
  return {
    bareNodeMs: median(bare),
    processWithBundleMs: median(withBundle),
    loadMs: median(inside.map((run) => run.loadMs)),
    firstVerificationMs: median(inside.map((run) => run.firstVerificationMs)),
    inProcessTotalMs: median(inside.map((run) => run.totalMs)),
  };
}

/** Async, because the emulators the child talks to live in this process's event loop. */
function run(args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`cold start run failed: ${stderr}`))));
  });
}
