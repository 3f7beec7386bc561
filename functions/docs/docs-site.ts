/**
 * What the api-docs function serves: the OpenAPI document of the calling stage, the docs page and
 * its assets. swagger-ui renders the page from files the platform ships itself (no CDN), and the
 * page's Content-Security-Policy lets it load nothing but this stage's own files.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import swaggerUiDir from 'swagger-ui-dist/absolute-path.js';
import swaggerUiPackage from 'swagger-ui-dist/package.json';
import type { LoadedApi } from '../definition/active-api';
import { openApiDocument } from '../definition/openapi';
import { DOCS_ASSET_PATH, DOCS_PATH, OPENAPI_PATH } from '../definition/openapi/docs-operations';
import { NotFoundError } from '../domain/errors';
import { escapeHtml } from '../domain/escape-html';
import { contentSecurityPolicy } from '../runtime/content-security-policy';
import type { HttpResponse } from '../runtime/http-response';

/** The request as the docs need it: API Gateway's proxy event, read in a few places. */
export interface DocsRequest {
  resource: string;
  pathParameters: Record<string, string | undefined> | null;
  headers: Record<string, string | undefined> | null;
  requestContext: { stage: string; path: string; domainName?: string };
}

export const CONTENT_SECURITY_POLICY = contentSecurityPolicy();

// The page names its document in data-url: an inline script would need a CSP exception.
const INITIALIZER = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: document.getElementById('swagger-ui').dataset.url,
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
  });
});
`;

/**
 * The page's files by name: swagger-ui's (FUNCTIONS['api-docs'].assets) and the initializer. The page
 * names each with its version in the query (swagger-ui-dist's, the initializer's hash), so a browser
 * that cached an older file for the hour does not pair it with a newer page.
 */
const ASSETS: Record<string, { file?: string; text?: string; contentType: string; version: string }> = {
  'swagger-ui-bundle.js': {
    file: 'swagger-ui-bundle.js',
    contentType: 'text/javascript; charset=utf-8',
    version: swaggerUiPackage.version,
  },
  'swagger-ui.css': {
    file: 'swagger-ui.css',
    contentType: 'text/css; charset=utf-8',
    version: swaggerUiPackage.version,
  },
  'docs.js': {
    text: INITIALIZER,
    contentType: 'text/javascript; charset=utf-8',
    version: createHash('sha256').update(INITIALIZER).digest('hex').slice(0, 12),
  },
};

/** An asset's URL under the stage's base path, with its version. */
function assetUrl(base: string, name: string): string {
  return `${base}/docs/${name}?v=${encodeURIComponent((ASSETS[name] as { version: string }).version)}`;
}

const loaded = new Map<string, string>();
function assetText(name: string): string | undefined {
  const asset = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
  if (!asset) return undefined;
  if (asset.text !== undefined) return asset.text;
  let text = loaded.get(name);
  if (text === undefined) {
    text = readFileSync(join(swaggerUiDir(), asset.file as string), 'utf8');
    loaded.set(name, text);
  }
  return text;
}

/** A handful of stage URLs at most: a Host header is the caller's to choose, the memory is not. */
const MAX_CACHED_DOCUMENTS = 8;
const documents = new Map<string, { api: LoadedApi; body: string }>();

export function answerDocs(api: LoadedApi, request: DocsRequest): HttpResponse {
  switch (request.resource) {
    case OPENAPI_PATH:
      return openApiResponse(api, request);
    case DOCS_PATH:
      return page(api, stageBasePath(request, DOCS_PATH));
    case DOCS_ASSET_PATH: {
      const name = request.pathParameters?.asset ?? '';
      const text = assetText(name);
      if (text === undefined)
        throw new NotFoundError(`No docs asset '${name}'; the page loads ${Object.keys(ASSETS).join(', ')}.`);
      return {
        statusCode: 200,
        headers: { 'content-type': (ASSETS[name] as { contentType: string }).contentType, ...STATIC_HEADERS },
        body: text,
      };
    }
    default:
      throw new NotFoundError(`The docs serve ${OPENAPI_PATH}, ${DOCS_PATH} and ${DOCS_PATH}/<asset>.`);
  }
}

const STATIC_HEADERS = { 'cache-control': 'public, max-age=3600', 'x-content-type-options': 'nosniff' };

function openApiResponse(api: LoadedApi, request: DocsRequest): HttpResponse {
  const urls = serverUrls(api, request);
  const key = urls.join(' ');
  let cached = documents.get(key);
  if (cached?.api !== api) {
    cached = { api, body: JSON.stringify(openApiDocument(api, { serverUrls: urls })) };
    if (documents.size >= MAX_CACHED_DOCUMENTS) documents.delete(documents.keys().next().value as string);
    documents.set(key, cached);
  }
  return {
    statusCode: 200,
    headers: {
      'content-type': 'application/json',
      'cache-control': 'public, max-age=300',
      // Generators and editors elsewhere may read the public document.
      'access-control-allow-origin': '*',
      'x-content-type-options': 'nosniff',
    },
    body: cached.body,
  };
}

/** The page, its files named from the stage's base path: `/live/docs` and `/live/docs/` alike load `/live/docs/…`. */
function page(api: LoadedApi, basePath: string): HttpResponse {
  const title = escapeHtml(`${api.compiled.name} docs`);
  const base = escapeHtml(basePath);
  const body = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="stylesheet" href="${escapeHtml(assetUrl(basePath, 'swagger-ui.css'))}">
</head>
<body>
<div id="swagger-ui" data-url="${base}${OPENAPI_PATH}"></div>
<script src="${escapeHtml(assetUrl(basePath, 'swagger-ui-bundle.js'))}"></script>
<script src="${escapeHtml(assetUrl(basePath, 'docs.js'))}"></script>
</body>
</html>
`;
  return {
    statusCode: 200,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'cache-control': 'public, max-age=300',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    },
    body,
  };
}

const HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$/;

/**
 * The calling stage's base URL first (`https://{host}/{stage}` on API Gateway's own domain, with
 * a custom domain's base path instead of the stage), then the API's other stage on the same host.
 * A host that is not a plain name falls back to URLs relative to the document's host.
 */
export function serverUrls(api: LoadedApi, request: DocsRequest): string[] {
  const { stage, domainName } = request.requestContext;
  const headers = Object.fromEntries(Object.entries(request.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const host = domainName ?? headers.host ?? '';
  const prefix = stageBasePath(request, OPENAPI_PATH);
  const stages = [api.compiled.stages.live, api.compiled.stages.sandbox];
  const others = prefix === `/${stage}` ? stages.filter((name) => name !== stage).map((name) => `/${name}`) : [];
  if (!HOST.test(host)) return [prefix, ...others];
  // API Gateway (domainName set) serves HTTPS only, and a client's X-Forwarded-Proto must not reach a
  // publicly cached document; the header is read locally only, where the local gateway is plain HTTP.
  const scheme = domainName || headers['x-forwarded-proto'] === 'https' ? 'https' : 'http';
  return [prefix, ...others].map((base) => `${scheme}://${host}${base}`);
}

/**
 * The path the stage is reached under: `/live` on API Gateway's own domain and locally, a custom
 * domain's base path (or nothing) there; the stage name when the request path does not end as the route does.
 */
function stageBasePath(request: DocsRequest, routePath: string): string {
  const path = request.requestContext.path.replace(/\/+$/, '');
  return path.endsWith(routePath) ? path.slice(0, -routePath.length) : `/${request.requestContext.stage}`;
}
