/** What the api-docs function answers: the stage's document, the page under a strict CSP and its assets. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import swaggerUiPackage from 'swagger-ui-dist/package.json';
import { leadbaseApi } from '../../examples/leadbase/api';
import { loadApi } from '../../functions/definition/active-api';
import { answerDocs, CONTENT_SECURITY_POLICY, type DocsRequest, serverUrls } from '../../functions/docs/docs-site';
import { NotFoundError } from '../../functions/domain/errors';

const api = loadApi(leadbaseApi.compiled);
// The page names swagger-ui's files with the version it ships, so their hour in a browser's cache ends with an upgrade.
const SWAGGER_UI_VERSION = swaggerUiPackage.version;

function aRequest(overrides: Partial<DocsRequest> & { path?: string } = {}): DocsRequest {
  const { path = '/live/v1/openapi.json', ...rest } = overrides;
  return {
    resource: '/v1/openapi.json',
    pathParameters: null,
    headers: { Host: 'a1b2c3.execute-api.eu-west-1.amazonaws.com', 'X-Forwarded-Proto': 'https' },
    requestContext: { stage: 'live', path, domainName: 'a1b2c3.execute-api.eu-west-1.amazonaws.com' },
    ...rest,
  };
}

describe('serverUrls', () => {
  it("is API Gateway's stage URL, then the other stage's", () => {
    expect(serverUrls(api, aRequest())).toEqual([
      'https://a1b2c3.execute-api.eu-west-1.amazonaws.com/live',
      'https://a1b2c3.execute-api.eu-west-1.amazonaws.com/sandbox',
    ]);
  });

  it("is a custom domain's base path, without guessing the other stage's", () => {
    const request = aRequest({ path: '/api/v1/openapi.json' });
    request.requestContext.domainName = 'api.leadbase.example';

    expect(serverUrls(api, request)).toEqual(['https://api.leadbase.example/api']);
  });

  it('is HTTPS on API Gateway whatever X-Forwarded-Proto a client sends: the document is cached publicly', () => {
    const request = aRequest({
      headers: { Host: 'a1b2c3.execute-api.eu-west-1.amazonaws.com', 'X-Forwarded-Proto': 'http' },
    });

    expect(serverUrls(api, request)).toEqual([
      'https://a1b2c3.execute-api.eu-west-1.amazonaws.com/live',
      'https://a1b2c3.execute-api.eu-west-1.amazonaws.com/sandbox',
    ]);
  });

  it("is the local gateway's plain HTTP host and port", () => {
    const request = aRequest({
      path: '/sandbox/v1/openapi.json',
      headers: { host: '127.0.0.1:4010' },
      requestContext: { stage: 'sandbox', path: '/sandbox/v1/openapi.json' },
    });

    expect(serverUrls(api, request)).toEqual(['http://127.0.0.1:4010/sandbox', 'http://127.0.0.1:4010/live']);
  });

  it('is relative to the document when the Host header is not a host name', () => {
    const request = aRequest({
      headers: { host: 'evil.example/"><script>' },
      requestContext: { stage: 'live', path: '/live/v1/openapi.json' },
    });

    expect(serverUrls(api, request)).toEqual(['/live', '/sandbox']);
  });
});

describe('answerDocs', () => {
  it('answers the document with the calling stage as its first server', () => {
    const response = answerDocs(api, aRequest());
    const document = JSON.parse(response.body);

    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    expect(document.openapi).toBe('3.1.0');
    expect(document.servers[0].url).toBe('https://a1b2c3.execute-api.eu-west-1.amazonaws.com/live');
  });

  it('answers the page, which loads only its own stage’s files, under a CSP of self only', () => {
    const response = answerDocs(api, aRequest({ resource: '/docs', path: '/live/docs' }));
    const sources = [...response.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]);

    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe|https?:|\*/);
    expect(sources).toEqual([
      `/live/docs/swagger-ui.css?v=${SWAGGER_UI_VERSION}`,
      `/live/docs/swagger-ui-bundle.js?v=${SWAGGER_UI_VERSION}`,
      expect.stringMatching(/^\/live\/docs\/docs\.js\?v=[0-9a-f]{12}$/),
    ]);
    expect(response.body).toContain('data-url="/live/v1/openapi.json"');
    expect(response.body).not.toContain('<script>');
  });

  it('names the same files when asked with a trailing slash, or under a custom domain’s base path', () => {
    const slash = answerDocs(api, aRequest({ resource: '/docs', path: '/sandbox/docs/' }));
    const custom = answerDocs(api, aRequest({ resource: '/docs', path: '/api/docs' }));

    expect(slash.body).toContain(`<script src="/sandbox/docs/swagger-ui-bundle.js?v=${SWAGGER_UI_VERSION}"></script>`);
    expect(slash.body).toContain('data-url="/sandbox/v1/openapi.json"');
    expect(custom.body).toContain(`<script src="/api/docs/swagger-ui-bundle.js?v=${SWAGGER_UI_VERSION}"></script>`);
  });

  it("serves swagger-ui's files as swagger-ui-dist ships them", () => {
    const css = answerDocs(api, aRequest({ resource: '/docs/{asset}', pathParameters: { asset: 'swagger-ui.css' } }));
    const js = answerDocs(
      api,
      aRequest({ resource: '/docs/{asset}', pathParameters: { asset: 'swagger-ui-bundle.js' } }),
    );

    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.body).toBe(readFileSync(join('node_modules', 'swagger-ui-dist', 'swagger-ui.css'), 'utf8'));
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.body).toContain('SwaggerUIBundle');
  });

  it('points the initializer at the document the page names', () => {
    const init = answerDocs(api, aRequest({ resource: '/docs/{asset}', pathParameters: { asset: 'docs.js' } }));

    expect(init.body).toContain("url: document.getElementById('swagger-ui').dataset.url");
    expect(init.body).toContain('validatorUrl: null');
  });

  it('refuses any other asset with 404, never reading a path it was given', () => {
    for (const asset of ['../package.json', 'index.js', 'swagger-ui.js.map', 'constructor']) {
      expect(() => answerDocs(api, aRequest({ resource: '/docs/{asset}', pathParameters: { asset } }))).toThrow(
        NotFoundError,
      );
    }
  });
});
