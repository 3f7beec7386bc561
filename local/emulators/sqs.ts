/**
 * SQS and S3 on fauxqs, in-process, on one endpoint. fauxqs is ESM-only, hence the dynamic import.
 * Its startFauxqs listens on 0.0.0.0 whatever host it is given, so the stack builds its app and
 * listens on loopback itself. S3 objects are kept in `s3Dir` when given (fauxqs itself keeps
 * everything in memory), minus those `s3Lifecycle` expires; queues and their messages are not kept
 * across restarts.
 */
import type { AddressInfo } from 'node:net';
import { type FauxqsApp, type LifecycleRule, persistS3 } from './s3-persistence';

export async function startSqs(options: { port?: number; s3Dir?: string; s3Lifecycle?: LifecycleRule[] }) {
  const { buildApp } = await import('fauxqs');
  const app = buildApp({ host: '127.0.0.1', logger: false });
  const persistence = options.s3Dir
    ? persistS3(app as unknown as FauxqsApp, options.s3Dir, options.s3Lifecycle)
    : undefined;
  await app.listen({ port: options.port ?? 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await persistence?.restore(endpoint);
  } catch (error) {
    await app.close();
    throw error;
  }
  return { endpoint, close: () => app.close() };
}
