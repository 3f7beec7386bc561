/**
 * SQS on fauxqs, in-process. fauxqs is ESM-only, hence the dynamic import. Its startFauxqs listens
 * on 0.0.0.0 whatever host it is given, so the stack builds its app and listens on loopback itself.
 */
import type { AddressInfo } from 'node:net';

export async function startSqs(options: { port?: number }) {
  const { buildApp } = await import('fauxqs');
  const app = buildApp({ host: '127.0.0.1', logger: false });
  await app.listen({ port: options.port ?? 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return { endpoint: `http://127.0.0.1:${port}`, close: () => app.close() };
}
