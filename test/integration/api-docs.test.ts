/**
 * The API docs on the local stack, as on AWS: the OpenAPI document, the page and swagger-ui's files
 * answer without any key, through the gateway, on each stage.
 */
import { call } from '../support/http-client';
import { startTestPlatform, type TestPlatform } from '../support/platform';

let platform: TestPlatform;

beforeAll(async () => {
  platform = await startTestPlatform({ keepStarterPlan: true });
});

afterAll(async () => {
  await platform?.close();
});

describe('GET /<stage>/v1/openapi.json', () => {
  it('answers the document without a key, with the live stage as its first server', async () => {
    const response = await call('GET', `${platform.bootstrap.liveUrl}/v1/openapi.json`);

    expect(response.status).toBe(200);
    expect(response.body.openapi).toBe('3.1.0');
    expect(response.body.servers.map((server: { url: string }) => server.url)).toEqual([
      platform.bootstrap.liveUrl,
      platform.bootstrap.sandboxUrl,
    ]);
    expect(response.body.paths['/v1/keys'].get.security).toEqual([{ ApiKeyHeader: [] }]);
  });

  it('names the sandbox stage first when asked there', async () => {
    const response = await call('GET', `${platform.bootstrap.sandboxUrl}/v1/openapi.json`);

    expect(response.status).toBe(200);
    expect(response.body.servers[0].url).toBe(platform.bootstrap.sandboxUrl);
  });
});

describe('GET /<stage>/docs', () => {
  it('answers the HTML page without a key, under a self-only Content-Security-Policy', async () => {
    const response = await call('GET', `${platform.bootstrap.liveUrl}/docs`);

    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['content-security-policy']).toContain("default-src 'none'; script-src 'self'");
    expect(response.text).toMatch(/<script src="\/live\/docs\/swagger-ui-bundle\.js\?v=[0-9.]+"><\/script>/);
    expect(response.text).toContain('data-url="/live/v1/openapi.json"');
  });

  it("serves swagger-ui's script and the page's initializer at the versioned URLs the page names, and 404 for anything else", async () => {
    const page = await call('GET', `${platform.bootstrap.liveUrl}/docs`);
    const [bundleUrl, initUrl] = [...page.text.matchAll(/<script src="\/live([^"]+)"/g)].map((match) => match[1]);
    const bundle = await call('GET', `${platform.bootstrap.liveUrl}${bundleUrl}`);
    const init = await call('GET', `${platform.bootstrap.liveUrl}${initUrl}`);
    const other = await call('GET', `${platform.bootstrap.liveUrl}/docs/index.html`);

    expect(bundle.status).toBe(200);
    expect(bundle.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(bundle.text).toContain('SwaggerUIBundle');
    expect(init.text).toContain('dataset.url');
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe('not_found');
  });
});
