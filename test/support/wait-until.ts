/** Polls a condition until it holds, for what no drain can wait on (another process, say). */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  options: { timeoutMs: number; intervalMs?: number; what: string | (() => string) },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) {
      const what = typeof options.what === 'string' ? options.what : options.what();
      throw new Error(`Timed out after ${options.timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 20));
  }
}
