/**
 * The SDK as a consumer gets it: `npm pack` in sdk/ builds it (prepack), and the tarball installs
 * into an empty project, where CommonJS require, an ES module import and a type check
 * (nodenext) all work.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = process.cwd();
const sdk = join(root, 'sdk');
const installedVersion = (name: string) =>
  (JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;

const CONSUMER_TS = `
import { ApiError, createClient, paginate, verifyWebhook, type paths } from '@api-key-platform/sdk';

const client = createClient({ baseUrl: 'http://127.0.0.1:1/live', apiKey: 'sk_live_x', keyHeader: 'authorization' });
export async function firstKeys() {
  const names: unknown[] = [];
  for await (const key of paginate((cursor) => client.GET('/v1/keys', { params: { query: { cursor } } }))) names.push(key.name);
  // @ts-expect-error: not a route of the API
  await client.GET('/v1/not-a-route');
  return names;
}
export type KeysPath = keyof paths;
export const used = [ApiError, verifyWebhook];
`;

function run(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('the SDK package', () => {
  let work: string;
  let consumer: string;
  let files: string[];

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'sdk-package-'));
    const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], sdk)) as {
      filename: string;
      files: { path: string }[];
    }[];
    const [tarball] = packed;
    files = (tarball?.files ?? []).map((file) => file.path);
    consumer = join(work, 'consumer');
    mkdirSync(consumer);
    writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
    run(
      'npm',
      [
        'install',
        join(work, tarball?.filename as string),
        `@types/node@${installedVersion('@types/node')}`,
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        '--ignore-scripts',
      ],
      consumer,
    );
  }, 120_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('ships the build and the README, not the sources or tests', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'dist/index.cjs',
        'dist/index.mjs',
        'dist/types/index.d.ts',
      ]),
    );
    expect(files.filter((file) => !file.startsWith('dist/') && !['package.json', 'README.md'].includes(file))).toEqual(
      [],
    );
  });

  it('loads with require and with import', () => {
    const required = run('node', ['-e', "console.log(typeof require('@api-key-platform/sdk').createClient)"], consumer);
    const imported = run(
      'node',
      [
        '--input-type=module',
        '-e',
        "import { createClient, RateLimitError } from '@api-key-platform/sdk'; console.log(typeof createClient({ baseUrl: 'http://x', apiKey: 'k' }).GET, RateLimitError.name)",
      ],
      consumer,
    );

    expect(required.trim()).toBe('function');
    expect(imported.trim()).toBe('function RateLimitError');
  });

  it('type-checks a consumer resolving as Node does (nodenext) against the typed routes', () => {
    writeFileSync(join(consumer, 'index.mts'), CONSUMER_TS);
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'nodenext',
          moduleResolution: 'nodenext',
          strict: true,
          noEmit: true,
          // The @ts-expect-error above fails if the declarations did not resolve (an any type accepts anything).
          skipLibCheck: true,
          types: ['node'],
        },
        files: ['index.mts'],
      }),
    );

    const check = () => run('node', [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', consumer], consumer);

    expect(check).not.toThrow();
  });
});
