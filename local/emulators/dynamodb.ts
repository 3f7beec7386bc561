/** DynamoDB on dynalite: on disk under .local/ so keys survive a restart, or in memory for tests. */
import type { Server } from 'node:http';
import dynalite from 'dynalite';
import { closeServer, listen } from './listen';

export async function startDynamoDb(options: { path?: string; port?: number }) {
  const server: Server = dynalite({
    ...(options.path && { path: options.path }),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  const port = await listen(server, options.port ?? 0);
  return { endpoint: `http://127.0.0.1:${port}`, close: () => closeServer(server) };
}
