/** The console build: hashed files named by a manifest, rebuilt by the local platform only when a source is newer. */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildConsole, buildConsoleIfStale, consoleRoot } from '../../console/build';

describe('buildConsole', () => {
  let outdir: string;
  beforeEach(() => {
    outdir = mkdtempSync(join(tmpdir(), 'console-dist-'));
  });
  afterEach(() => rmSync(outdir, { recursive: true, force: true }));

  it('writes a content-hashed script and style sheet and the manifest naming them', () => {
    const manifest = buildConsole(outdir);

    expect(manifest.js).toMatch(/^console\.[A-Z0-9]{8}\.js$/);
    expect(manifest.css).toMatch(/^console\.[A-Z0-9]{8}\.css$/);
    expect(JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8'))).toEqual(manifest);
    expect(readdirSync(outdir).sort()).toEqual([manifest.js, manifest.css, 'manifest.json'].sort());
  });

  it('builds the same names from the same sources', () => {
    expect(buildConsole(outdir)).toEqual(buildConsole(outdir));
  });
});

describe('buildConsoleIfStale', () => {
  let outdir: string;
  beforeEach(() => {
    outdir = mkdtempSync(join(tmpdir(), 'console-dist-'));
  });
  afterEach(() => rmSync(outdir, { recursive: true, force: true }));

  it('builds when there is no build, then not again until a source is newer than the manifest', () => {
    expect(buildConsoleIfStale(outdir)).toBe(true);
    expect(buildConsoleIfStale(outdir)).toBe(false);

    // The manifest made older than the sources, as an edit after the build would.
    const manifestPath = join(outdir, 'manifest.json');
    const past = new Date(statSync(join(consoleRoot(), 'src', 'main.tsx')).mtimeMs - 60_000);
    utimesSync(manifestPath, past, past);

    expect(buildConsoleIfStale(outdir)).toBe(true);
    expect(existsSync(manifestPath)).toBe(true);
  });

  it('rebuilds when a file the manifest names is missing', () => {
    const manifest = buildConsole(outdir);
    rmSync(join(outdir, manifest.js));

    expect(buildConsoleIfStale(outdir)).toBe(true);
    expect(existsSync(join(outdir, manifest.js))).toBe(true);
  });
});
