/**
 * An HTTP proxy in front of an AWS emulator that forwards requests until told to hold them: a held
 * request is neither forwarded nor answered, so the caller hangs in that call, at a point the test
 * chose. Used to freeze a worker between two steps and then kill it.
 */
import { createServer, type IncomingMessage, request } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The AWS JSON protocol names the operation in X-Amz-Target, e.g. `AmazonSQS.SendMessageBatch`. */
export type HoldRule = (call: { target: string; body: string }) => boolean;

export async function startHoldingProxy(upstream: string, hold: HoldRule) {
  const { hostname, port } = new URL(upstream);
  const stats = { forwarded: 0, held: 0 };
  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      const target = String(incoming.headers['x-amz-target'] ?? '');
      if (hold({ target, body: body.toString('utf8') })) {
        stats.held += 1;
        return;
      }
      stats.forwarded += 1;
      const upstreamRequest = request(
        { hostname, port, method: incoming.method, path: incoming.url, headers: incoming.headers },
        (response: IncomingMessage) => {
          outgoing.writeHead(response.statusCode ?? 502, response.headers);
          response.pipe(outgoing);
        },
      );
      upstreamRequest.on('error', () => outgoing.destroy());
      upstreamRequest.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
