/**
 * Runs the quick start against `npm start`: the sandbox stage of .local/bootstrap.json, with a
 * receiver for the test webhook on loopback (the sandbox accepts http://127.0.0.1 endpoints).
 *   npx tsx sdk/examples/run-quickstart.ts
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { quickstart, type ReceivedRequest } from './quickstart';

/** A one-endpoint receiver on loopback that keeps the last request. */
async function startReceiver() {
  let last: ReceivedRequest | undefined;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      last = { body: Buffer.concat(chunks).toString('utf8'), headers: request.headers };
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    lastReceived: async () => last,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// No top-level await: sdk/package.json makes this file CommonJS.
async function main() {
  const bootstrap = JSON.parse(readFileSync('.local/bootstrap.json', 'utf8'));
  const receiver = await startReceiver();
  try {
    await quickstart({
      baseUrl: bootstrap.sandboxUrl,
      adminKey: bootstrap.sandboxAdminKey,
      accountId: bootstrap.accountIds[0],
      receiver,
      log: console.log,
    });
  } finally {
    await receiver.close();
  }
}

void main();
