import { build } from 'esbuild';
import { FUNCTIONS } from '../../functions/definition/functions';

/**
 * The authorizer runs before every uncached call, so its bundle carries only what verification
 * needs. A module-scope client or a full zod import elsewhere in the runtime would otherwise slip
 * into it unnoticed (it happened once: SES, +100 KiB, +40 ms cold load).
 */
/** The modules that end up in the minified bundle of `entry`, and the packages they come from. */
async function bundled(entry: string) {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    minify: true,
    metafile: true,
    logLevel: 'silent',
  });
  const modules = Object.values(result.metafile.outputs).flatMap((output) =>
    Object.entries(output.inputs)
      .filter(([, input]) => input.bytesInOutput > 0)
      .map(([path]) => path),
  );
  const packages = new Set(modules.flatMap((path) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? []));
  return { modules, packages };
}

describe('the authorizer bundle', () => {
  let packages: Set<string>;
  let modules: string[];
  beforeAll(async () => {
    ({ modules, packages } = await bundled(FUNCTIONS.authorizer.entry));
  });

  it('holds the clients verification uses', () => {
    expect(packages).toContain('@aws-sdk/client-dynamodb');
    expect(packages).toContain('@aws-sdk/client-secrets-manager');
  });

  it.each([
    '@aws-sdk/client-sesv2',
    '@aws-sdk/client-sqs',
    '@aws-sdk/client-api-gateway',
    // The metered proxy's client: 115 KB that came in through runtime/clients.ts (see `lambda` there).
    '@aws-sdk/client-lambda',
    '@middy/core',
    // OIDC tokens are the management authorizer's business (functions/management-authorizer).
    'jose',
  ])('leaves out %s', (name) => {
    expect(packages).not.toContain(name);
  });

  it('leaves out the cursor key: verification never pages, so it never reads that secret', () => {
    expect(modules.filter((path) => path.includes('functions/runtime/cursors'))).toEqual([]);
  });

  it('uses zod/mini only, not the full zod build', async () => {
    const result = await build({
      entryPoints: [FUNCTIONS.authorizer.entry],
      bundle: true,
      write: false,
      platform: 'node',
      format: 'cjs',
      metafile: true,
      logLevel: 'silent',
    });
    const zodFiles = Object.keys(result.metafile.inputs).filter((path) => path.includes('node_modules/zod/'));
    expect(zodFiles.some((path) => path.includes('/v4/mini/'))).toBe(true);
    expect(zodFiles.some((path) => path.includes('/v4/classic/'))).toBe(false);
  });
});

/** The management authorizer runs on every management call, uncached: it carries what people's sign-in needs, no more. */
describe('the management authorizer bundle', () => {
  let packages: Set<string>;
  beforeAll(async () => {
    ({ packages } = await bundled(FUNCTIONS['management-authorizer'].entry));
  });

  it('holds the OIDC verifier and the clients it reads with', () => {
    expect(packages).toContain('jose');
    expect(packages).toContain('@aws-sdk/client-dynamodb');
  });

  it.each([
    '@aws-sdk/client-lambda',
    '@aws-sdk/client-sesv2',
    '@aws-sdk/client-sqs',
    '@aws-sdk/client-api-gateway',
    '@middy/core',
  ])('leaves out %s', (name) => {
    expect(packages).not.toContain(name);
  });
});
