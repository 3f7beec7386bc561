import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ResolveHost, WebhookHttpClient } from '../../functions/adapters/webhook-http';
import type { WebhookRequest } from '../../functions/domain/webhooks/webhook-model';

interface Received {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingHttpHeaders;
  body: string;
}

interface Receiver {
  port: number;
  /** TCP connections accepted: zero means nothing reached the receiver at all. */
  connections: number;
  requests: Received[];
}

type Handler = (request: IncomingMessage, response: ServerResponse, index: number) => void;

const servers: http.Server[] = [];
const clients: WebhookHttpClient[] = [];

async function startReceiver(handler: Handler = (_, response) => response.end('ok')): Promise<Receiver> {
  const receiver: Receiver = { port: 0, connections: 0, requests: [] };
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const index = receiver.requests.length;
      const { method, url, headers } = request;
      receiver.requests.push({ method, url, headers, body: Buffer.concat(chunks).toString() });
      handler(request, response, index);
    });
  });
  server.on('connection', () => {
    receiver.connections += 1;
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.port = (server.address() as AddressInfo).port;
  return receiver;
}

function client(options: Partial<ConstructorParameters<typeof WebhookHttpClient>[0]> = {}): WebhookHttpClient {
  const created = new WebhookHttpClient({ policy: { allowLoopbackForTest: true }, ...options });
  clients.push(created);
  return created;
}

/** A lookup answering every name with `addresses`, counting its calls. */
function resolvingTo(...addresses: string[]): ResolveHost & { calls: number } {
  const lookup = async () => {
    lookup.calls += 1;
    return addresses.map((address) => ({ address, family: address.includes(':') ? (6 as const) : (4 as const) }));
  };
  lookup.calls = 0;
  return lookup;
}

function webhook(url: string, overrides: Partial<WebhookRequest> = {}): WebhookRequest {
  return {
    url,
    environment: 'test',
    headers: { 'webhook-id': 'msg_1', 'webhook-timestamp': '1700000000', 'webhook-signature': 'v1,c2lnbmF0dXJl' },
    body: '{"type":"key.created","timestamp":"2024-01-01T00:00:00Z","data":{}}',
    ...overrides,
  };
}

afterEach(async () => {
  for (const created of clients.splice(0)) created.close();
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise((resolve) => {
          server.closeAllConnections();
          server.close(resolve);
        }),
    ),
  );
});

describe('WebhookHttpClient', () => {
  describe('delivering', () => {
    it('posts the body with the given headers and returns the status and body', async () => {
      const receiver = await startReceiver((_, response) => response.writeHead(200).end('thanks'));
      const request = webhook(`http://127.0.0.1:${receiver.port}/hooks?source=platform`);

      const outcome = await client().post(request);

      expect(outcome).toEqual({ statusCode: 200, error: null, response: 'thanks', durationMs: expect.any(Number) });
      expect(outcome.durationMs).toBeGreaterThanOrEqual(0);
      expect(receiver.requests).toEqual([
        {
          method: 'POST',
          url: '/hooks?source=platform',
          body: request.body,
          headers: expect.objectContaining({
            ...request.headers,
            'content-type': 'application/json',
            'user-agent': 'api-key-platform-webhooks/1',
            'content-length': String(Buffer.byteLength(request.body)),
          }),
        },
      ]);
    });

    it('keeps only the first 2048 bytes of a larger response', async () => {
      const receiver = await startReceiver((_, response) => response.end(`${'a'.repeat(2048)}${'b'.repeat(3000)}`));

      const outcome = await client().post(webhook(`http://127.0.0.1:${receiver.port}/`));

      expect(outcome.statusCode).toBe(200);
      expect(outcome.response).toBe('a'.repeat(2048));
    });

    it('drops a character cut in half by the byte limit', async () => {
      const receiver = await startReceiver((_, response) => response.end('€'.repeat(1000)));

      const outcome = await client().post(webhook(`http://127.0.0.1:${receiver.port}/`));

      expect(outcome.response).toBe('€'.repeat(682));
    });

    it('reuses one connection for consecutive deliveries', async () => {
      const receiver = await startReceiver();
      const sender = client();

      await sender.post(webhook(`http://127.0.0.1:${receiver.port}/`));
      await sender.post(webhook(`http://127.0.0.1:${receiver.port}/`));
      const outcome = await sender.post(webhook(`http://127.0.0.1:${receiver.port}/`));

      expect(outcome.statusCode).toBe(200);
      expect(receiver.connections).toBe(1);
    });

    it('repeats a delivery on a new connection when the receiver had closed the reused one', async () => {
      const receiver = await startReceiver((request, response, index) =>
        index === 1 ? request.socket.destroy() : response.end('ok'),
      );
      const sender = client();
      await sender.post(webhook(`http://127.0.0.1:${receiver.port}/`));

      const outcome = await sender.post(webhook(`http://127.0.0.1:${receiver.port}/`));

      expect(outcome).toMatchObject({ statusCode: 200, error: null, response: 'ok' });
      expect(receiver.connections).toBe(2);
    });

    it('reports the failure of a connection that is closed without a response', async () => {
      const receiver = await startReceiver((request) => request.socket.destroy());

      const outcome = await client().post(webhook(`http://127.0.0.1:${receiver.port}/`));

      expect(outcome).toMatchObject({ statusCode: null, error: 'socket hang up', response: null });
    });

    it('never follows a redirect', async () => {
      const target = await startReceiver();
      const location = `http://127.0.0.1:${target.port}/elsewhere`;
      const receiver = await startReceiver((_, response) => response.writeHead(302, { location }).end());

      const outcome = await client().post(webhook(`http://127.0.0.1:${receiver.port}/`));

      expect(outcome).toMatchObject({ statusCode: 302, error: `redirect to ${location} not followed` });
      expect(receiver.requests).toHaveLength(1);
      expect(target.connections).toBe(0);
    });

    it('reads Retry-After given in seconds', async () => {
      const receiver = await startReceiver((_, response) => response.writeHead(503, { 'retry-after': '120' }).end());

      const outcome = await client().post(webhook(`http://127.0.0.1:${receiver.port}/`));

      expect(outcome).toMatchObject({ statusCode: 503, error: null, retryAfterSeconds: 120 });
    });

    it('reads Retry-After given as an HTTP-date', async () => {
      const at = new Date(Date.now() + 90_000).toUTCString();
      const receiver = await startReceiver((_, response) => response.writeHead(410, { 'retry-after': at }).end('gone'));

      const outcome = await client().post(webhook(`http://127.0.0.1:${receiver.port}/`));

      expect(outcome).toMatchObject({ statusCode: 410, response: 'gone' });
      expect(outcome.retryAfterSeconds).toBeGreaterThanOrEqual(88);
      expect(outcome.retryAfterSeconds).toBeLessThanOrEqual(90);
    });

    it('reads a Retry-After date in the past as zero seconds', async () => {
      const receiver = await startReceiver((_, response) =>
        response.writeHead(503, { 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT' }).end(),
      );

      const outcome = await client().post(webhook(`http://127.0.0.1:${receiver.port}/`));

      expect(outcome.retryAfterSeconds).toBe(0);
    });

    it.each(['soon', '5.5', '-1'])('ignores the unreadable Retry-After %j', async (retryAfter) => {
      const receiver = await startReceiver((_, response) =>
        response.writeHead(503, { 'retry-after': retryAfter }).end(),
      );

      const outcome = await client().post(webhook(`http://127.0.0.1:${receiver.port}/`));

      expect(outcome.statusCode).toBe(503);
      expect(outcome).not.toHaveProperty('retryAfterSeconds');
    });

    it('gives up when the receiver does not answer in time', async () => {
      const receiver = await startReceiver(() => undefined);

      const outcome = await client({ timeoutMs: 300 }).post(webhook(`http://127.0.0.1:${receiver.port}/`));

      expect(outcome).toMatchObject({ statusCode: null, error: 'timed out after 300 ms', response: null });
      expect(outcome.durationMs).toBeGreaterThanOrEqual(290);
      expect(receiver.requests).toHaveLength(1);
    });

    it('reports an invalid header instead of throwing, without its value', async () => {
      const receiver = await startReceiver();
      const request = webhook(`http://127.0.0.1:${receiver.port}/`, {
        headers: { 'webhook-signature': 'v1,secret-signature\r\nx-injected: 1' },
      });

      const outcome = await client().post(request);

      expect(outcome).toMatchObject({ statusCode: null, response: null });
      expect(outcome.error).toContain('webhook-signature');
      expect(outcome.error).not.toContain('secret-signature');
      expect(receiver.connections).toBe(0);
    });

    it('reports a failed lookup instead of throwing', async () => {
      const lookup: ResolveHost = async () => {
        throw Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.example'), { code: 'ENOTFOUND' });
      };

      const outcome = await client({ lookup }).post(webhook('https://nowhere.example/'));

      expect(outcome).toMatchObject({ statusCode: null, error: 'getaddrinfo ENOTFOUND nowhere.example' });
    });
  });

  describe('refusing internal addresses', () => {
    it('refuses a loopback address for a live endpoint', async () => {
      const receiver = await startReceiver();

      const outcome = await client().post(webhook(`https://127.0.0.1:${receiver.port}/`, { environment: 'live' }));

      expect(outcome).toMatchObject({
        statusCode: null,
        error: 'refused to connect to 127.0.0.1 (loopback address)',
        response: null,
      });
      expect(receiver.connections).toBe(0);
    });

    it('refuses an IPv4-mapped loopback literal for a live endpoint', async () => {
      const receiver = await startReceiver();

      const outcome = await client().post(
        webhook(`https://[::ffff:127.0.0.1]:${receiver.port}/`, { environment: 'live' }),
      );

      expect(outcome.error).toContain('refused to connect to ::ffff:7f00:1 (IPv4-mapped loopback address)');
      expect(receiver.connections).toBe(0);
    });

    it('refuses http for a live endpoint, even on a local stack', async () => {
      const receiver = await startReceiver();
      const lookup = resolvingTo('127.0.0.1');

      const outcome = await client({ lookup }).post(
        webhook(`http://hooks.example:${receiver.port}/`, { environment: 'live' }),
      );

      expect(outcome.statusCode).toBeNull();
      expect(outcome.error).toContain('must use https (live endpoints accept https only)');
      expect(lookup.calls).toBe(0);
      expect(receiver.connections).toBe(0);
    });

    it('refuses loopback and http for sandbox endpoints without the local-stack setting', async () => {
      const receiver = await startReceiver();
      const sender = client({ policy: { allowLoopbackForTest: false }, lookup: resolvingTo('127.0.0.1') });

      const literal = await sender.post(webhook(`https://127.0.0.1:${receiver.port}/`));
      const named = await sender.post(webhook(`https://hooks.example:${receiver.port}/`));
      const plain = await sender.post(webhook(`http://hooks.example:${receiver.port}/`));

      expect(literal.error).toBe('refused to connect to 127.0.0.1 (loopback address)');
      expect(named.error).toBe('refused to connect to 127.0.0.1 (loopback address)');
      expect(plain.error).toContain('must use https');
      expect(receiver.connections).toBe(0);
    });

    it('reaches a loopback receiver by name for a sandbox endpoint on a local stack', async () => {
      const receiver = await startReceiver();
      const lookup = resolvingTo('127.0.0.1');

      const outcome = await client({ lookup }).post(webhook(`http://hooks.example:${receiver.port}/`));

      expect(outcome).toMatchObject({ statusCode: 200, error: null });
      expect(receiver.requests[0]?.headers.host).toBe(`hooks.example:${receiver.port}`);
    });

    it.each([
      ['127.0.0.1', 'refused to connect to 127.0.0.1 (loopback address)'],
      [
        '169.254.169.254',
        'refused to connect to 169.254.169.254 (link-local address of the instance metadata service)',
      ],
    ])('refuses a name resolving to %s for a live endpoint', async (address, error) => {
      const receiver = await startReceiver();
      const lookup = resolvingTo(address);

      const outcome = await client({ lookup }).post(
        webhook(`https://evil.example:${receiver.port}/`, { environment: 'live' }),
      );

      expect(outcome).toMatchObject({ statusCode: null, error, response: null });
      expect(lookup.calls).toBe(1);
      expect(receiver.connections).toBe(0);
    });

    it('names every refused address when a name resolves only to internal ones', async () => {
      const lookup = resolvingTo('10.0.0.7', 'fd00:ec2::254');

      const outcome = await client({ lookup }).post(webhook('https://evil.example/', { environment: 'live' }));

      expect(outcome.error).toBe(
        'refused to connect to 10.0.0.7 (private address); refused to connect to fd00:ec2::254 (instance metadata service address)',
      );
    });

    it('connects only to the addresses it checked, however the name resolves later', async () => {
      const receiver = await startReceiver();
      let calls = 0;
      const rebinding: ResolveHost = async () => {
        calls += 1;
        return [{ address: calls === 1 ? '93.184.216.34' : '127.0.0.1', family: 4 }];
      };

      const outcome = await client({ lookup: rebinding, timeoutMs: 300 }).post(
        webhook(`https://rebind.example:${receiver.port}/`, { environment: 'live' }),
      );

      expect(outcome.statusCode).toBeNull();
      expect(outcome.error).not.toBeNull();
      expect(calls).toBe(1);
      expect(receiver.connections).toBe(0);
    });
  });
});
