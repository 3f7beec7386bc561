/**
 * The local OIDC identity provider: oidc-provider on loopback, for the demo organization's people.
 * DEVELOPMENT ONLY: anyone who reaches the login form signs in as any listed person, without a
 * password. It runs in a child process of the local platform (local/oidc/local-oidc-provider.ts):
 * oidc-provider is ESM-only, which Jest's CommonJS module registry cannot load in-process.
 *
 * Protocol with the parent (IPC): it sends `{ type: 'listening', issuer }` once serving; for the
 * people it asks `{ type: 'people', id }` and the parent answers `{ type: 'people', id, emails }`.
 * Configuration comes in OIDC_PROVIDER_CONFIG (JSON: stateFile?, port?, redirectUris, resource, audience).
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';

// oidc-provider's notices meant for production setups (the in-memory store, Node 20 being older
// than it recommends) say nothing useful to someone running the local stack.
const quietWarnings = ['development-only in-memory adapter', 'Unsupported runtime'];
const warn = console.warn.bind(console);
console.warn = (...args) => {
  if (!quietWarnings.some((text) => String(args[0]).includes(text))) warn(...args);
};
const { default: Provider, errors } = await import('oidc-provider');

const config = JSON.parse(process.env.OIDC_PROVIDER_CONFIG ?? '{}');
const SCOPE = 'api';

/** A stable subject per address that is not the address: sign-ins map by email first, then by subject. */
const subjectOf = (email) => `dev-${createHash('sha256').update(email.toLowerCase()).digest('hex').slice(0, 24)}`;

let nextRequest = 0;
const pending = new Map();
process.on('message', (message) => {
  if (message?.type !== 'people') return;
  pending.get(message.id)?.(message.emails);
  pending.delete(message.id);
});
// The platform stopped (or crashed): nothing is left to serve.
process.on('disconnect', () => process.exit(0));

/** The organization's member emails now, from the parent (invited people appear without a restart). */
function people() {
  const id = nextRequest++;
  return new Promise((resolve) => {
    pending.set(id, resolve);
    process.send({ type: 'people', id });
  });
}

async function accountOf(subject) {
  const email = (await people()).find((candidate) => subjectOf(candidate) === subject);
  return email && { email, subject };
}

/** Signing key and cookie keys, made at the first start and kept so tokens survive a restart. */
async function loadState() {
  if (config.stateFile && existsSync(config.stateFile)) return JSON.parse(readFileSync(config.stateFile, 'utf8'));
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), alg: 'ES256', use: 'sig', kid: randomBytes(8).toString('hex') };
  return { jwks: { keys: [jwk] }, cookieKeys: [randomBytes(32).toString('base64url')] };
}

const state = await loadState();
let handle = () => {};
const server = createServer((req, res) => handle(req, res));
const port = await listen(server, state.port ?? config.port ?? 0);
const issuer = `http://127.0.0.1:${port}`;
if (config.stateFile) writeFileSync(config.stateFile, JSON.stringify({ ...state, port }), { mode: 0o600 });

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: 'console',
      // Native: the public client of RFC 8252, whose loopback redirect URIs match on any port
      // (the console on the local gateway, and tests' callbacks on 127.0.0.1).
      application_type: 'native',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code'],
      response_types: ['code'],
      redirect_uris: config.redirectUris,
      id_token_signed_response_alg: 'ES256',
    },
  ],
  jwks: state.jwks,
  cookies: { keys: state.cookieKeys },
  pkce: { required: () => true },
  // The console trades its code from the browser: CORS for the origins of the client's redirect URIs.
  clientBasedCORS: (_ctx, origin, client) => client.redirectUris.some((uri) => URL.parse(uri)?.origin === origin),
  claims: { openid: ['sub'], email: ['email', 'email_verified'] },
  // The ID token carries the email as Cognito's does, for a console that sends ID tokens (token 'id').
  conformIdTokenClaims: false,
  scopes: ['openid', 'email'],
  features: {
    devInteractions: { enabled: false },
    resourceIndicators: {
      enabled: true,
      // Tokens are for the management API unless the client names it: it need not send `resource`.
      defaultResource: () => config.resource,
      useGrantedResource: () => true,
      getResourceServerInfo: (_ctx, resource) => {
        if (resource !== config.resource) throw new errors.InvalidTarget();
        return {
          scope: SCOPE,
          audience: config.audience,
          accessTokenTTL: 3600,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'ES256' } },
        };
      },
    },
  },
  async findAccount(_ctx, subject) {
    const account = await accountOf(subject);
    return (
      account && {
        accountId: subject,
        claims: () => ({ sub: subject, email: account.email, email_verified: true }),
      }
    );
  },
  // The person's address in the access token itself: the management authorizer maps by it.
  async extraTokenClaims(_ctx, token) {
    if (token.kind !== 'AccessToken' || !token.accountId) return undefined;
    const account = await accountOf(token.accountId);
    return account && { email: account.email, email_verified: true };
  },
  async renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = page('Sign-in failed', `<p>${escapeHtml(out.error)}: ${escapeHtml(out.error_description ?? '')}</p>`);
  },
  ttl: { AccessToken: 3600, Session: 3600, Grant: 3600, Interaction: 600, IdToken: 3600, AuthorizationCode: 60 },
});

const callback = provider.callback();
handle = (req, res) => {
  const match = /^\/interaction\/([\w-]+)(\/login|\/confirm)?$/.exec(new URL(req.url ?? '/', issuer).pathname);
  if (!match) return callback(req, res);
  interaction(req, res, req.method === 'POST' ? match[2] : undefined).catch((error) => {
    res.writeHead(400, { 'content-type': 'text/html; charset=utf-8' });
    res.end(page('Sign-in failed', `<p>${escapeHtml(error.message)}</p><p>Start again from the console.</p>`));
  });
};

async function interaction(req, res, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.prompt.name === 'consent') {
    if (action === '/confirm') return consent(req, res, details);
    return consentForm(res, details.uid);
  }
  const emails = await people();
  if (action === '/login') {
    const email = new URLSearchParams(await bodyOf(req)).get('email')?.trim().toLowerCase() ?? '';
    if (emails.includes(email)) {
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId: subjectOf(email) } },
        {
          mergeWithLastSubmission: false,
        },
      );
      return;
    }
    return loginForm(res, details.uid, emails, `${email || 'That address'} is not a member of the demo organization.`);
  }
  return loginForm(res, details.uid, emails);
}

/**
 * Grants what the console asked for. oidc-provider asks a native client's user every time
 * (RFC 8252 §8.6: anyone can claim a native client's id), hence a page with one button.
 */
async function consent(req, res, details) {
  const { prompt, params, session } = details;
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  const missing = prompt.details;
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
    grant.addResourceScope(resource, scopes.join(' '));
  }
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

function consentForm(res, uid) {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(
    page(
      'Allow the console (development only)',
      `<p>The console asks to use the management API as you.</p>
<form method="post" action="/interaction/${uid}/confirm"><button type="submit">Continue</button></form>`,
    ),
  );
}

function loginForm(res, uid, emails, problem) {
  const choices = emails
    .map(
      (email) =>
        `<li><form method="post" action="/interaction/${uid}/login"><input type="hidden" name="email" value="${escapeHtml(email)}"><button type="submit">${escapeHtml(email)}</button></form></li>`,
    )
    .join('');
  res.writeHead(problem ? 400 : 200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(
    page(
      'Sign in (development only)',
      `<p><strong>Development only:</strong> no password. Anyone who can open this page signs in as any member of the demo organization.</p>
${problem ? `<p role="alert">${escapeHtml(problem)}</p>` : ''}
<ul>${choices}</ul>
<form method="post" action="/interaction/${uid}/login"><label>Member email <input name="email" type="email" required></label> <button type="submit">Sign in</button></form>`,
    ),
  );
}

const page = (title, body) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1>${body}</body></html>`;

function escapeHtml(text) {
  return String(text).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
  );
}

function bodyOf(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > 4096) reject(new Error('The form is too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Listens on loopback, on `port` if it is free (the issuer of an earlier start), else on any. */
function listen(httpServer, port) {
  return new Promise((resolve, reject) => {
    const onError = (error) => {
      if (error.code === 'EADDRINUSE' && port !== 0) {
        httpServer.listen(0, '127.0.0.1');
        return;
      }
      reject(error);
    };
    httpServer.on('error', onError);
    httpServer.listen(port, '127.0.0.1', () => {
      httpServer.off('error', onError);
      resolve(httpServer.address().port);
    });
  });
}

process.send({ type: 'listening', issuer });
