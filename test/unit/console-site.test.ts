/** What the console function answers: its built files (cached for good), else its page with the runtime config. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { leadbaseApi } from '../../examples/leadbase/api';
import {
  answerConsole,
  CONTENT_SECURITY_POLICY,
  type ConsoleBuild,
  type ConsoleRequest,
  type ConsoleSignIn,
  consoleAssetsDir,
  loadConsoleBuild,
} from '../../functions/console/console-site';
import { loadApi } from '../../functions/definition/active-api';
import { NotFoundError } from '../../functions/domain/errors';

const api = loadApi(leadbaseApi.compiled);
const manifest = { js: 'console.ABC123.js', css: 'console.DEF456.css' };
const aBuild = (): ConsoleBuild => ({
  manifest,
  file: (name) => ({ [manifest.js]: 'console.log(1)', [manifest.css]: 'body{}' })[name],
});

function aPageRequest(path = '/live/console/sign-in', stage = 'live'): ConsoleRequest {
  const asset = path.split('/console/')[1];
  return {
    resource: asset === undefined ? '/console' : '/console/{asset}',
    pathParameters: asset === undefined ? null : { asset },
    requestContext: { stage, path },
  };
}

function configOf(html: string): unknown {
  const match = /<script id="console-config" type="application\/json">(.*?)<\/script>/s.exec(html);
  if (!match?.[1]) throw new Error('no config in the page');
  return JSON.parse(match[1]);
}

describe('answerConsole', () => {
  it('answers a built file with its type, cached for a year (its name is its hash)', async () => {
    const response = await answerConsole(api, aBuild(), aPageRequest(`/live/console/${manifest.js}`));

    expect(response.statusCode).toBe(200);
    expect(response.body).toBe('console.log(1)');
    expect(response.headers).toMatchObject({
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=31536000, immutable',
      'x-content-type-options': 'nosniff',
    });
  });

  it.each([
    '/live/console',
    '/live/console/sign-in',
    '/live/console/keys',
  ])('answers the page for %s, never cached, under a strict CSP', async (path) => {
    const response = await answerConsole(api, aBuild(), aPageRequest(path));

    expect(response.statusCode).toBe(200);
    expect(response.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'cache-control': 'no-store',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
    });
    expect(response.body).toContain(`src="/live/console/${manifest.js}"`);
    expect(response.body).toContain(`href="/live/console/${manifest.css}"`);
  });

  it('allows no inline script: the config is JSON, which the CSP need not allow', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-inline');
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
  });

  it("carries the definition's stages, key prefix and name, and the path before the stage", async () => {
    const response = await answerConsole(api, aBuild(), aPageRequest('/v2/sandbox/console/keys', 'sandbox'));

    expect(configOf(response.body)).toMatchObject({
      stages: { live: leadbaseApi.compiled.stages.live, sandbox: leadbaseApi.compiled.stages.sandbox },
      apiBase: '/v2',
      keyPrefix: leadbaseApi.compiled.keyPrefix,
      productName: leadbaseApi.compiled.name,
      permissions: expect.any(Object),
    });
  });

  it("carries the definition's resources, presets and levels for the key form", async () => {
    const response = await answerConsole(api, aBuild(), aPageRequest());

    expect((configOf(response.body) as { permissions: unknown }).permissions).toEqual({
      resources: leadbaseApi.compiled.resources,
      // Descriptions only: the scopes a preset grants are the API's business, not the form's.
      presets: {
        read: 'Read contacts and tables',
        write: 'Create and change contacts and tables',
        delete: 'Delete contacts and tables',
        enrich: 'Enrich contacts (costs credits)',
        search: 'Search contacts (costs credits)',
      },
      levels: leadbaseApi.compiled.levels,
    });
  });

  it('escapes < in the config so no value can close its script element', async () => {
    const named = loadApi({ ...leadbaseApi.compiled, name: 'Evil</script><script>alert(1)</script>' });

    const response = await answerConsole(named, aBuild(), aPageRequest());

    expect(response.body).not.toContain('</script><script>alert(1)');
    expect((configOf(response.body) as { productName: string }).productName).toBe(
      'Evil</script><script>alert(1)</script>',
    );
  });

  it.each([
    'console.OLD999.js',
    'console.OLD999.css',
    'console.ABC123.js.map',
  ])('refuses a script or style that is not this build (%s) with 404, not the page', async (asset) => {
    await expect(answerConsole(api, aBuild(), aPageRequest(`/live/console/${asset}`))).rejects.toThrow(NotFoundError);
  });
});

describe('answerConsole with OIDC sign-in', () => {
  const signIn: ConsoleSignIn = {
    issuer: 'https://id.example.com/',
    clientId: 'console-client',
    scope: 'openid email',
    authorizeParams: { audience: 'https://api.example.com' },
    token: 'access',
    authorizationEndpoint: 'https://id.example.com/authorize',
    tokenEndpoint: 'https://tokens.example.net/oauth/token',
  };

  it('tells the page where the console lives, for its sign-in redirect', async () => {
    const response = await answerConsole(api, aBuild(), aPageRequest('/v2/live/console/keys'), async () => signIn);

    expect((configOf(response.body) as { consolePath: string }).consolePath).toBe('/v2/live/console');
  });

  it("hands the page the client and endpoints, and lets it reach only the token endpoint's origin", async () => {
    const response = await answerConsole(api, aBuild(), aPageRequest(), async () => signIn);

    expect((configOf(response.body) as { signIn: unknown }).signIn).toEqual(signIn);
    expect(response.headers['content-security-policy']).toContain("connect-src 'self' https://tokens.example.net;");
    expect(response.headers['content-security-policy']).not.toContain('id.example.com');
  });

  it('serves the page without sign-in when loading it fails, never a 5xx', async () => {
    const failing = async (): Promise<ConsoleSignIn | undefined> => {
      throw new Error('discovery exploded');
    };

    const response = await answerConsole(api, aBuild(), aPageRequest(), failing);

    expect(response.statusCode).toBe(200);

    expect(configOf(response.body)).not.toHaveProperty('signIn');
    expect(response.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
  });

  it('never asks the provider for a built file', async () => {
    const loadSignIn = jest.fn(async () => signIn);

    await answerConsole(api, aBuild(), aPageRequest(`/live/console/${manifest.js}`), loadSignIn);

    expect(loadSignIn).not.toHaveBeenCalled();
  });
});

describe('loadConsoleBuild', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'console-build-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("reads the manifest's files and nothing else in the folder", () => {
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
    writeFileSync(join(dir, manifest.js), 'js');
    writeFileSync(join(dir, 'secret.txt'), 'no');

    const build = loadConsoleBuild(dir);

    expect(build.file(manifest.js)).toBe('js');
    expect(build.file('secret.txt')).toBeUndefined();
    expect(build.file('../manifest.json')).toBeUndefined();
  });

  it('says how to build when there is no build', () => {
    expect(() => loadConsoleBuild(dir)).toThrow(/console\/build\.ts/);
  });
});

describe('consoleAssetsDir', () => {
  it('is CONSOLE_ASSETS_DIR locally, else the console folder of the Lambda bundle', () => {
    expect(consoleAssetsDir({ CONSOLE_ASSETS_DIR: '/repo/console/dist' })).toBe('/repo/console/dist');
    expect(consoleAssetsDir({ LAMBDA_TASK_ROOT: '/var/task' })).toBe('/var/task/console');
  });
});
