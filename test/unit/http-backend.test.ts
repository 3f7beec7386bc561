/** The metered proxy's HTTP backend adapter against a real server on loopback. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { httpBackend } from '../../functions/adapters/http-backend';
import { BadGatewayError, GatewayTimeoutError } from '../../functions/domain/errors';
import { forwardedHeaders } from '../../functions/domain/metering/forwarded-request';
import { closeServer, listen, readBody } from '../../local/emulators/listen';

describe('httpBackend', () => {
  let base: string;
  let seen: { method?: string; url?: string; headers?: IncomingMessage['headers']; body?: string } = {};
  const routes: Record<string, (response: ServerResponse) => void> = {
    '/json': (response) => {
      response.writeHead(201, { 'content-type': 'application/json', 'x-ride': 'r_1' });
      response.end('{"ok":true}');
    },
    '/gzip': (response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      response.end(gzipSync('{"zipped":true}'));
    },
    '/redirect': (response) => {
      response.writeHead(302, { location: 'https://elsewhere.example/' });
      response.end();
    },
    '/cookies': (response) => {
      response.writeHead(200, [
        ['set-cookie', 'a=1'],
        ['set-cookie', 'b=2'],
        ['content-type', 'text/plain'],
      ]);
      response.end('hi');
    },
    '/binary': (response) => {
      response.writeHead(200, { 'content-type': 'image/png' });
      response.end(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff]));
    },
    '/huge': (response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(`"${'x'.repeat(5 * 1024 * 1024)}"`);
    },
    '/silent': () => {},
  };
  const server = createServer(async (request, response) => {
    seen = {
      method: request.method,
      url: request.url,
      headers: request.headers,
      body: (await readBody(request, 1024))?.toString('utf8'),
    };
    routes[new URL(request.url ?? '/', 'http://x').pathname]?.(response);
  });

  beforeAll(async () => {
    base = `http://127.0.0.1:${await listen(server, 0)}`;
  });
  afterAll(() => closeServer(server));

  const send = (path: string, options: { method?: string; body?: string; timeoutMs?: number } = {}) =>
    httpBackend({ timeoutMs: options.timeoutMs ?? 5_000 })({
      url: new URL(path, base),
      method: options.method ?? 'GET',
      headers: [
        ['content-type', 'application/json'],
        ['X-Caller-Organization', 'org_1'],
      ],
      body: options.body === undefined ? undefined : Buffer.from(options.body),
    });

  it('sends method, headers and body, and returns status, headers and body as they are', async () => {
    const response = await send('/json?x=1', { method: 'POST', body: '{"a":1}' });

    expect(seen).toMatchObject({ method: 'POST', url: '/json?x=1', body: '{"a":1}' });
    expect(seen.headers).toMatchObject({ 'x-caller-organization': 'org_1', 'content-type': 'application/json' });
    expect(response).toMatchObject({ statusCode: 201, body: '{"ok":true}' });
    expect(response.headers).toMatchObject({ 'content-type': 'application/json', 'x-ride': 'r_1' });
    expect(response.isBase64Encoded).toBeUndefined();
  });

  it('forwards a client request whatever connection headers the client sent', async () => {
    const headers = forwardedHeaders(
      {
        expect: ['100-continue'],
        'keep-alive': ['timeout=5'],
        upgrade: ['h2c'],
        'transfer-encoding': ['chunked'],
        connection: ['keep-alive, upgrade'],
        'content-type': ['application/json'],
      },
      { organizationId: 'org_1' },
      'x-api-key',
    );

    const response = await httpBackend()({
      url: new URL('/json', base),
      method: 'POST',
      headers,
      body: Buffer.from('{}'),
    });

    expect(response.statusCode).toBe(201);
    expect(seen.headers).toMatchObject({ 'x-caller-organization': 'org_1', 'content-type': 'application/json' });
  });

  it('returns a decoded body without the content-encoding that no longer holds', async () => {
    const response = await send('/gzip');

    expect(response.body).toBe('{"zipped":true}');
    expect(response.headers).not.toHaveProperty('content-encoding');
    expect(response.headers).not.toHaveProperty('content-length');
  });

  it('passes a redirect on instead of following it', async () => {
    const response = await send('/redirect');

    expect(response.statusCode).toBe(302);
    expect(response.headers.location).toBe('https://elsewhere.example/');
  });

  it('keeps each set-cookie apart', async () => {
    expect((await send('/cookies')).multiValueHeaders).toEqual({ 'set-cookie': ['a=1', 'b=2'] });
  });

  it('returns a binary body base64-encoded', async () => {
    const response = await send('/binary');

    expect(response.isBase64Encoded).toBe(true);
    expect(Buffer.from(response.body, 'base64')).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff]));
  });

  it('answers BadGatewayError (502) for an answer larger than a Lambda response may be, so the call is refunded', async () => {
    await expect(send('/huge')).rejects.toThrow(/more than 5 MB/);
  });

  it('answers GatewayTimeoutError (504) when the backend does not answer in time', async () => {
    await expect(send('/silent', { timeoutMs: 50 })).rejects.toBeInstanceOf(GatewayTimeoutError);
  });

  it('answers BadGatewayError (502) when the backend is unreachable', async () => {
    const closed = createServer();
    const port = await listen(closed, 0);
    await closeServer(closed);

    await expect(
      httpBackend()({ url: new URL(`http://127.0.0.1:${port}/`), method: 'GET', headers: [], body: undefined }),
    ).rejects.toBeInstanceOf(BadGatewayError);
  });
});
