/** A real HTTP receiver on loopback for webhook tests: records every request, answers as told. */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
  path: string;
  at: number;
}

/** A response, or `reset`: the connection is destroyed instead of answered (ECONNRESET for the sender). */
export type ReceiverAnswer = { status: number; headers?: Record<string, string>; body?: string } | { reset: true };

/** May answer later (a slow receiver) or never (a promise that does not settle: the request hangs). */
export type Responder = (request: ReceivedWebhook, index: number) => ReceiverAnswer | Promise<ReceiverAnswer>;

export async function startReceiver(respond: Responder = () => ({ status: 200, body: 'ok' })) {
  const received: ReceivedWebhook[] = [];
  let responder = respond;
  const stats = { connections: 0 };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const webhook = {
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        path: request.url ?? '/',
        at: Date.now(),
      };
      received.push(webhook);
      void Promise.resolve(responder(webhook, received.length - 1)).then((answer) => {
        if ('reset' in answer) {
          request.socket.destroy();
          return;
        }
        // The sender may be gone by now (a killed worker); there is no one left to answer.
        if (response.destroyed) return;
        response.writeHead(answer.status, answer.headers ?? {});
        response.end(answer.body ?? '');
      });
    });
  });
  server.on('connection', () => {
    stats.connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    /** TCP connections accepted: zero means nothing reached the receiver at all. */
    get connections() {
      return stats.connections;
    },
    /** Changes how later requests are answered. */
    answer(next: Responder) {
      responder = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type Receiver = Awaited<ReturnType<typeof startReceiver>>;
