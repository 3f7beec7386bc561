/**
 * The repository's on-the-fly function bundles: the asset of a function is its bundle's content,
 * so that content must not depend on where the bundle was built or where the checkout lives.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { FileSystem } from 'aws-cdk-lib';
import { buildFunctionBundle } from '../../infra/function-bundler';
import { findProjectRoot } from '../../infra/function-defaults';

describe('buildFunctionBundle', () => {
  const root = findProjectRoot();
  const folders: string[] = [];
  afterAll(() => {
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  });

  it('gives the same bytes, so the same asset hash, built in folders at different depths', () => {
    const shallow = mkdtempSync(join(tmpdir(), 'bundle-'));
    const deep = mkdtempSync(join(root, 'node_modules', '.cache', 'bundle-test-'));
    folders.push(shallow, deep);
    const deepOut = join(deep, 'one', 'two', 'three', 'whoami');

    buildFunctionBundle('whoami', root, shallow);
    buildFunctionBundle('whoami', root, deepOut);

    expect(FileSystem.fingerprint(deepOut)).toBe(FileSystem.fingerprint(shallow));
  });

  it('names the sources in its map relative to the project root, so no checkout path reaches the asset', () => {
    const out = mkdtempSync(join(tmpdir(), 'bundle-'));
    folders.push(out);

    buildFunctionBundle('whoami', root, out);

    const map = JSON.parse(readFileSync(join(out, 'index.js.map'), 'utf8')) as { sources: string[] };
    expect(map.sources).toContain('functions/account/whoami.ts');
    expect(map.sources.filter((source) => source.startsWith('..') || isAbsolute(source))).toEqual([]);
  });
});
