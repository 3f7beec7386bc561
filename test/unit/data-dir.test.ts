import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { protectDataDir } from '../../local/data-dir';

const modeOf = (path: string) => (statSync(path).mode & 0o777).toString(8);

describe('protectDataDir', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'data-dir-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('closes what an earlier start left readable by others', () => {
    const dataDir = join(root, '.local');
    mkdirSync(join(dataDir, 'dynamodb'), { recursive: true, mode: 0o755 });
    writeFileSync(join(dataDir, 'dynamodb', '000005.ldb'), 'table', { mode: 0o644 });
    writeFileSync(join(dataDir, 'bootstrap.json'), '{}', { mode: 0o644 });
    chmodSync(dataDir, 0o755);

    const restore = protectDataDir(dataDir);
    restore();

    expect(
      [
        dataDir,
        join(dataDir, 'dynamodb'),
        join(dataDir, 'dynamodb', '000005.ldb'),
        join(dataDir, 'bootstrap.json'),
      ].map(modeOf),
    ).toEqual(['700', '700', '600', '600']);
  });

  it('makes the files and folders created while it holds owner-only, and puts the umask back after', () => {
    const dataDir = join(root, '.local');
    const before = process.umask();

    const restore = protectDataDir(dataDir);
    // As LevelDB does: default modes, left to the umask.
    writeFileSync(join(dataDir, 'LOG'), 'log');
    mkdirSync(join(dataDir, 'sub'));
    restore();

    expect([dataDir, join(dataDir, 'LOG'), join(dataDir, 'sub')].map(modeOf)).toEqual(['700', '600', '700']);
    expect(process.umask()).toBe(before);
  });
});
