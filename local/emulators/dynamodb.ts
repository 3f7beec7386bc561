/**
 * DynamoDB on dynalite: on disk under .local/ so keys survive a restart, or in memory for tests.
 * LOCAL_DYNAMODB=dynamodb-local runs AWS's DynamoDB Local instead (in memory only), to check
 * behaviour that dynalite may get wrong (docs/testing.md).
 */
import type { Server } from 'node:http';
import dynalite from 'dynalite';
import { startDynamoDbLocal } from './dynamodb-local/dynamodb-local';
import { closeServer, listen } from './listen';

const LOCAL_DYNAMODB_VALUES = ['dynalite', 'dynamodb-local'];

export async function startDynamoDb(options: { path?: string; port?: number }) {
  const choice = process.env.LOCAL_DYNAMODB || 'dynalite';
  if (!LOCAL_DYNAMODB_VALUES.includes(choice)) {
    throw new Error(`LOCAL_DYNAMODB=${choice}: use one of ${LOCAL_DYNAMODB_VALUES.join(', ')}, or leave it unset.`);
  }
  if (choice === 'dynamodb-local') {
    if (options.path) {
      throw new Error(
        'LOCAL_DYNAMODB=dynamodb-local runs in memory, for tests; the local stack keeps its .local/ data on dynalite (unset LOCAL_DYNAMODB).',
      );
    }
    return startDynamoDbLocal({ ...(options.port !== undefined && { port: options.port }) });
  }
  const server: Server = dynalite({
    ...(options.path && { path: options.path }),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  const port = await listen(server, options.port ?? 0);
  return { endpoint: `http://127.0.0.1:${port}`, close: () => closeServer(server) };
}
