/** SQS on fauxqs, in-process. fauxqs is ESM-only, hence the dynamic import. */
export async function startSqs(options: { port?: number }) {
  const { startFauxqs } = await import('fauxqs');
  const server = await startFauxqs({ port: options.port ?? 0, host: '127.0.0.1', logger: false });
  return { endpoint: `http://127.0.0.1:${server.port}`, close: () => server.stop() };
}
