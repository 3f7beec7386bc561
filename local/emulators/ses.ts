/** SES v2 on aws-ses-v2-local, whose web page is the inbox of every email sent locally. */
import type { AddressInfo } from 'node:net';
import sesModule from 'aws-ses-v2-local';
import { closeServer } from './listen';

// A CommonJS module with `exports.default`: under ESM the default import is the whole exports object.
const sesServer = (sesModule as unknown as { default?: typeof sesModule }).default ?? sesModule;

export async function startSes(options: { port?: number }) {
  const server = await sesServer({ host: '127.0.0.1', port: options.port ?? 0 });
  const port = (server.address() as AddressInfo).port;
  return { endpoint: `http://127.0.0.1:${port}`, close: () => closeServer(server) };
}
