/**
 * sdk/scripts/generate.ts for a team's own API: types from a defineApi module (--definition) or
 * from a stage's served document (--url, here a loopback server), written where --out says.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fleetApi } from '../../examples/fleet/api';
import { loadApi } from '../../functions/definition/active-api';
import { openApiDocument } from '../../functions/definition/openapi';

const root = join(__dirname, '..', '..');
const FLEET_SERVICE = 'https://fleet.internal.example';

/** Runs the script as `npm run sdk:generate -- …` does: from the root, tsx in a child (openapi-typescript is ESM-only). */
async function generate(...args: string[]) {
  const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  return promisify(execFile)(process.execPath, [tsx, 'sdk/scripts/generate.ts', ...args], { cwd: root });
}

const withoutHeader = (source: string) => source.slice(source.indexOf('export '));

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sdk-generate-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run sdk:generate', () => {
  it('writes the types of the API a --definition module exports to --out, platform routes included', async () => {
    const definition = join(dir, 'fleet-definition.ts');
    writeFileSync(
      definition,
      `import { fleetApi } from ${JSON.stringify(join(root, 'examples', 'fleet', 'api'))};\n` +
        `export const partnerApi = fleetApi(${JSON.stringify(FLEET_SERVICE)});\n`,
    );
    const out = join(dir, 'fleet-schema.ts');

    await generate('--definition', `${definition}#partnerApi`, '--out', out);

    const types = readFileSync(out, 'utf8');
    expect(types).toContain(`openapi-typescript from ${definition}#partnerApi.`);
    expect(types).toMatch(/"\/v1\/rides\/\{id\}": \{/);
    expect(types).toMatch(/"\/v1\/keys": \{/);
    expect(types).not.toContain('"/v1/contacts"');
  });

  it('says what to export when --definition names a function or a missing export', async () => {
    const failure = (spec: string) => generate('--definition', spec, '--print').catch((error: Error) => error);

    const fn = await failure('examples/fleet/api.ts#fleetApi');
    const missing = await failure('examples/fleet/api.ts#partnerApi');

    expect(fn).toMatchObject({ code: 1, stderr: expect.stringContaining('#fleetApi is a function') });
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringContaining('it exports: fleetApi') });
  });

  describe('with --url', () => {
    let server: Server;
    let url: string;
    beforeAll(async () => {
      const document = JSON.stringify(openApiDocument(loadApi(fleetApi(FLEET_SERVICE).compiled)));
      server = createServer((request, response) => {
        const found = request.url === '/live/v1/openapi.json';
        response.writeHead(found ? 200 : 404, { 'content-type': 'application/json' });
        response.end(found ? document : '{"error":{"code":"not_found","message":"No route."}}');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/live/v1/openapi.json`;
    });
    afterAll(() => new Promise((resolve) => server.close(resolve)));

    it('types the served document as it types the definition it was served from', async () => {
      // Without `#name`, the module's default export.
      const definition = join(dir, 'fleet-default.ts');
      writeFileSync(
        definition,
        `import { fleetApi } from ${JSON.stringify(join(root, 'examples', 'fleet', 'api'))};\n` +
          `export default fleetApi(${JSON.stringify(FLEET_SERVICE)});\n`,
      );

      const [served, declared] = await Promise.all([
        generate('--url', url, '--print'),
        generate('--definition', definition, '--print'),
      ]);

      expect(served.stdout).toContain(`openapi-typescript from ${url}.`);
      expect(withoutHeader(served.stdout)).toBe(withoutHeader(declared.stdout));
    });

    it('fails with the answer when the URL serves no document', async () => {
      const error = await generate('--url', url.replace('/live/', '/prod/'), '--print').catch(
        (caught: Error) => caught,
      );

      expect(error).toMatchObject({ code: 1, stderr: expect.stringContaining('answered 404') });
    });
  });
});
