/**
 * What the console function serves: the built console's content-hashed files (cached for a year),
 * and for any other path under /console its index.html (never cached), which carries the runtime
 * config as non-executable JSON so one build serves every deployment and stage.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { LoadedApi } from '../definition/active-api';
import { CONSOLE_ASSET_PATH, CONSOLE_PATH } from '../definition/openapi/docs-operations';
import { NotFoundError } from '../domain/errors';
import { escapeHtml } from '../domain/escape-html';
import { contentSecurityPolicy } from '../runtime/content-security-policy';
import type { HttpResponse } from '../runtime/http-response';
import type { ConsoleConfig, ConsoleSignIn } from './console-config';

export interface ConsoleRequest {
  resource: string;
  pathParameters: Record<string, string | undefined> | null;
  requestContext: { stage: string; path: string };
}

/** The built files by name (console/build.ts writes them and manifest.json). */
export interface ConsoleBuild {
  manifest: { js: string; css: string };
  file(name: string): string | undefined;
}

/** Without OIDC sign-in the page talks to its own origin only. */
export const CONTENT_SECURITY_POLICY = contentSecurityPolicy();

const INDEX_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

const ASSET_TYPES: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
};

export type { ConsoleConfig, ConsoleSignIn } from './console-config';

export async function answerConsole(
  api: LoadedApi,
  build: ConsoleBuild,
  request: ConsoleRequest,
  loadSignIn: () => Promise<ConsoleSignIn | undefined> = async () => undefined,
): Promise<HttpResponse> {
  if (request.resource === CONSOLE_ASSET_PATH) {
    const name = request.pathParameters?.asset ?? '';
    const type = ASSET_TYPES[name.slice(name.lastIndexOf('.') + 1)];
    const isBuilt = name === build.manifest.js || name === build.manifest.css;
    if (isBuilt && type) {
      const body = build.file(name);
      if (body !== undefined) {
        return {
          statusCode: 200,
          headers: {
            'content-type': type,
            // The name is the content's hash: a new build is a new name.
            'cache-control': 'public, max-age=31536000, immutable',
            'x-content-type-options': 'nosniff',
          },
          body,
        };
      }
    }
    // A script or style that is not this build's (an old tab after a deploy) must not get HTML.
    if (/\.(js|css|map)$/.test(name)) throw new NotFoundError(`No console file '${name}' in this build.`);
  } else if (request.resource !== CONSOLE_PATH) {
    throw new NotFoundError(`The console serves ${CONSOLE_PATH} and ${CONSOLE_PATH}/<page or file>.`);
  }
  // Only the page needs the identity provider; its built files never wait for it. Whatever goes
  // wrong there costs the page its sign-in button, never the page.
  const signIn = await loadSignIn().catch(() => undefined);
  return {
    statusCode: 200,
    headers: {
      ...INDEX_HEADERS,
      // The browser trades its sign-in code at the token endpoint, on the identity provider's origin.
      'content-security-policy': contentSecurityPolicy(signIn ? [new URL(signIn.tokenEndpoint).origin] : []),
    },
    body: indexHtml(api, build, request, signIn),
  };
}

/** The runtime config: the stages by name and the path before `/<stage>` on this host. */
export function consoleConfig(api: LoadedApi, request: ConsoleRequest, signIn?: ConsoleSignIn): ConsoleConfig {
  const { stages, keyPrefix, name } = api.compiled;
  return {
    stages: { live: stages.live, sandbox: stages.sandbox },
    apiBase: apiBasePath(request),
    consolePath: consoleBase(request),
    keyPrefix,
    productName: name,
    permissions: {
      resources: api.compiled.resources,
      presets: Object.fromEntries(
        Object.entries(api.compiled.presets).map(([preset, { description }]) => [preset, description]),
      ),
      levels: api.compiled.levels,
    },
    ...(signIn && { signIn }),
  };
}

/**
 * `/live/console/keys` → '' (the stage is the first segment), `/v2/live/console` → '/v2'. Behind a
 * custom domain that maps a base path to one stage, the stage is not in the path: '' then.
 */
function apiBasePath(request: ConsoleRequest): string {
  const path = request.requestContext.path;
  const at = path.lastIndexOf(CONSOLE_PATH);
  const before = at >= 0 ? path.slice(0, at) : '';
  const stageSuffix = `/${request.requestContext.stage}`;
  return before.endsWith(stageSuffix) ? before.slice(0, -stageSuffix.length) : '';
}

/** The console's own base (`/live/console`): its files load from there whatever page was asked for. */
function consoleBase(request: ConsoleRequest): string {
  const path = request.requestContext.path;
  const at = path.lastIndexOf(CONSOLE_PATH);
  return at >= 0 ? path.slice(0, at + CONSOLE_PATH.length) : `/${request.requestContext.stage}${CONSOLE_PATH}`;
}

function indexHtml(api: LoadedApi, build: ConsoleBuild, request: ConsoleRequest, signIn?: ConsoleSignIn): string {
  const base = consoleBase(request);
  // JSON inside <script type="application/json">: `<` escaped so no value can close the element.
  const config = JSON.stringify(consoleConfig(api, request, signIn)).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(`${api.compiled.name} console`)}</title>
<link rel="stylesheet" href="${escapeHtml(`${base}/${build.manifest.css}`)}">
<script id="console-config" type="application/json">${config}</script>
<script type="module" src="${escapeHtml(`${base}/${build.manifest.js}`)}"></script>
</head>
<body>
<div id="console"></div>
<noscript>The console needs JavaScript.</noscript>
</body>
</html>
`;
}

/**
 * Where the build is: CONSOLE_ASSETS_DIR (the local platform sets it to console/dist), else the
 * `console` folder of the Lambda bundle (the bundler builds it there).
 */
export function consoleAssetsDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CONSOLE_ASSETS_DIR) return env.CONSOLE_ASSETS_DIR;
  return join(env.LAMBDA_TASK_ROOT ?? process.cwd(), 'console');
}

/** Reads the build's manifest once and its two files on first use; they never change while running. */
export function loadConsoleBuild(dir: string): ConsoleBuild {
  const manifestPath = join(dir, 'manifest.json');
  if (!existsSync(manifestPath)) {
    throw new Error(`No console build in ${dir}: run \`npx tsx console/build.ts\` (npm start does it).`);
  }
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as ConsoleBuild['manifest'];
  const files = new Map<string, string>();
  return {
    manifest,
    file(name) {
      if (name !== manifest.js && name !== manifest.css) return undefined;
      let text = files.get(name);
      if (text === undefined) {
        const path = join(dir, name);
        if (dirname(path) !== dir || !existsSync(path)) return undefined;
        text = readFileSync(path, 'utf8');
        files.set(name, text);
      }
      return text;
    },
  };
}
