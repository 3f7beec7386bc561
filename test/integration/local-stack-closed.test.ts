/** Finding 7: the local stack listens on loopback only, guards its control plane and keeps `.local/` private. */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { call } from '../support/http-client';
import { listeningSockets, nonLoopbackAddresses, tryConnect } from '../support/listening-sockets';
import { startTestPlatform, type TestPlatform } from '../support/platform';

let platform: TestPlatform;
let dataDir: string;
/**
 * Ports this process listened on before the stack started: not the stack's. Jest runs other files
 * in the same worker first, and a server one of them left open (after a failed test, say) would
 * otherwise read as a port the stack opened without registering it.
 */
let portsBefore: ReadonlySet<number>;
beforeAll(async () => {
  portsBefore = new Set((listeningSockets() ?? []).map((socket) => socket.port));
  dataDir = mkdtempSync(join(tmpdir(), 'local-stack-closed-'));
  platform = await startTestPlatform({ dataDir, messaging: true, workers: 'manual', reminderScanIntervalMs: 0 });
});
afterAll(async () => {
  await platform.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Every port the stack tells its users about, in bootstrap.json. */
function registeredPorts(): number[] {
  const { liveUrl, sandboxUrl, emailInboxUrl, endpoints } = platform.bootstrap;
  const urls = [liveUrl, sandboxUrl, emailInboxUrl, ...Object.values(endpoints)];
  return [...new Set(urls.map((url) => Number(new URL(url).port)))].sort();
}

const onLinux = listeningSockets() !== undefined ? it : it.skip;
const addresses = nonLoopbackAddresses();

describe('the local stack on the network', () => {
  onLinux('listens on loopback only, and on no port it does not register', () => {
    const sockets = listeningSockets() ?? [];

    expect(sockets.filter((socket) => ipaddr.parse(socket.address).range() !== 'loopback')).toEqual([]);
    const stackPorts = sockets.map((socket) => socket.port).filter((port) => !portsBefore.has(port));
    expect([...new Set(stackPorts)].sort()).toEqual(registeredPorts());
  });

  (addresses.length > 0 ? it : it.skip)(
    `refuses connections to every port it opened at this machine's other addresses (${addresses.join(', ') || 'none here: only loopback'})`,
    async () => {
      const ports = new Set([...registeredPorts(), ...(listeningSockets() ?? []).map((socket) => socket.port)]);
      const attempts = [...ports].flatMap((port) => addresses.map((host) => ({ host, port })));

      const outcomes = await Promise.all(
        attempts.map(async ({ host, port }) => ({ host, port, outcome: await tryConnect(host, port) })),
      );

      expect(outcomes.filter(({ outcome }) => outcome !== 'refused')).toEqual([]);
    },
  );
});

describe('the local control plane', () => {
  const controlPlane = () => platform.bootstrap.endpoints.apiGateway;
  const withoutToken = () => new URL(controlPlane()).origin;

  it.each([
    ['GET', '/apikeys'],
    ['POST', '/apikeys'],
    ['POST', '/usageplans'],
    ['POST', '/usageplans/starter/keys'],
    ['DELETE', '/restapis/local/stages/live/cache/authorizers'],
  ])('is not served on the public gateway port: %s %s answers 404, as an unknown path', async (method, path) => {
    const response = await call(method, `${platform.gateway.url}${path}`, { body: { name: 'x', keyId: 'y' } });

    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('not_found');
  });

  it('does not flush the authorizer cache for a caller of the public port', async () => {
    // A team's route: management routes run their authorizer on every call, cached or not.
    const cached = `/v1/contacts?account_id=${platform.bootstrap.accountIds[0]}`;
    await platform.admin.get(cached);
    const before = platform.gateway.stats.authorizerCalls;

    await call('DELETE', `${platform.gateway.url}/restapis/local/stages/live/cache/authorizers`);
    await platform.admin.get(cached);

    expect(platform.gateway.stats.authorizerCalls).toBe(before);
  });

  it.each([
    ['no token', () => `${withoutToken()}/usageplans`],
    ['a wrong token', () => `${withoutToken()}/${'A'.repeat(43)}/usageplans`],
    ['the token in another place', () => `${withoutToken()}/usageplans/${new URL(controlPlane()).pathname}`],
  ])('answers a request with %s 403, as JSON', async (_, url) => {
    const response = await call('POST', url(), { body: { name: 'x' } });

    expect(response.status).toBe(403);
    expect(response.headers['x-amzn-errortype']).toBe('ForbiddenException');
    expect(response.body.message).toContain('token');
  });

  it.each([
    ['malformed JSON', 'POST', '/usageplans', '{"name":'],
    ['a JSON array', 'POST', '/apikeys', '[]'],
    ['a JSON null', 'POST', '/apikeys', 'null'],
    ['a throttle of the wrong type', 'POST', '/usageplans', '{"throttle":{"rateLimit":"fast","burstLimit":1}}'],
    ['apiStages of the wrong type', 'POST', '/usageplans', '{"apiStages":"live"}'],
    ['a keyId of the wrong type', 'POST', '/usageplans/starter/keys', '{"keyId":{"id":1}}'],
    ['a broken percent-encoding', 'DELETE', '/usageplans/%E0%A4%A', ''],
    ['an inherited property as plan id', 'POST', '/usageplans/__proto__/keys', '{"keyId":"x"}'],
    ['an inherited property as key id', 'POST', '/usageplans/starter/keys', '{"keyId":"constructor"}'],
    ['an inherited property as plan id to delete', 'DELETE', '/usageplans/constructor', ''],
  ])('answers %s with a 4xx JSON error', async (_, method, path, rawBody) => {
    const response = await call(method, `${controlPlane()}${path}`, { rawBody });

    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(typeof response.body.message).toBe('string');
  });

  it('never answers 5xx, whatever the method, path and body', async () => {
    const segment = fc.constantFrom(
      'apikeys',
      'usageplans',
      'keys',
      'starter',
      'restapis',
      'local',
      'stages',
      'live',
      'cache',
      'authorizers',
      '__proto__',
      'constructor',
      '%ZZ',
      '',
    );
    const body = fc.oneof(
      fc.string(),
      fc.json(),
      fc
        .record({ name: fc.anything(), keyId: fc.anything(), throttle: fc.anything(), apiStages: fc.anything() })
        .map((value) => JSON.stringify(value) ?? ''),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'),
        fc.array(segment, { maxLength: 6 }),
        body,
        async (method, segments, rawBody) => {
          const response = await call(method, `${controlPlane()}/${segments.join('/')}`, { rawBody });

          expect(response.status).toBeLessThan(500);
          expect(response.headers['content-type']).toBe('application/json');
        },
      ),
      { numRuns: 150 },
    );
  });

  it('serves the SDK clients: provisioning through bootstrap.json, and the flush of a revoked key from a handler', async () => {
    const other = await platform.createOrganization();
    expect((await other.admin.get('/v1/whoami')).status).toBe(200);

    const { id, key } = await platform.createKey();
    expect((await platform.live(key).get('/v1/whoami')).status).toBe(200);
    await platform.admin.post(`/v1/keys/${id}/revoke`);

    expect((await platform.live(key).get('/v1/whoami')).status).toBe(401);
  });
});

describe('.local/', () => {
  it('holds only files of mode 600 and folders of mode 700', async () => {
    await platform.createKey();
    const modes = walk(dataDir).map((path) => ({ path, mode: (statSync(path).mode & 0o777).toString(8) }));

    expect(modes.map(({ path }) => path)).toEqual(
      expect.arrayContaining([
        join(dataDir, 'bootstrap.json'),
        join(dataDir, 'secrets.json'),
        join(dataDir, 'dynamodb'),
      ]),
    );
    const expected = modes.map(({ path }) => ({ path, mode: statSync(path).isDirectory() ? '700' : '600' }));
    expect(modes).toEqual(expected);
  });
});

function walk(dir: string): string[] {
  return [
    dir,
    ...readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)],
    ),
  ];
}
