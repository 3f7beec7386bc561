/** The SDK's types are the document's: a route or schema changed without regenerating fails here. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

describe('sdk/src/schema.ts', () => {
  it('is what openapi-typescript makes of the current document (run `npm run sdk:generate` if not)', () => {
    const committed = readFileSync(join(root, 'sdk', 'src', 'schema.ts'), 'utf8');

    // A child process: openapi-typescript's dependencies are ES modules, which Jest's CommonJS cannot load.
    const generated = execFileSync(
      process.execPath,
      [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'sdk/scripts/generate.ts', '--print'],
      { cwd: root, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
    );

    expect(committed === generated).toBe(true);
  });
});
