/** Bounded concurrency for writes fanned out over many items: never an unbounded Promise.all. */

export function chunks<T>(values: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let index = 0; index < values.length; index += size) result.push(values.slice(index, index + size));
  return result;
}

/**
 * Runs the tasks, at most `limit` at a time. After a failure no further task starts (a retry of
 * the whole would repeat every task that had already landed); it fails with the first failure
 * once the tasks in flight have settled.
 */
export async function inParallel(tasks: (() => Promise<unknown>)[], limit: number): Promise<void> {
  let next = 0;
  const errors: unknown[] = [];
  const worker = async () => {
    while (next < tasks.length && errors.length === 0) {
      const task = tasks[next++] as () => Promise<unknown>;
      await task().catch((error: unknown) => errors.push(error));
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  if (errors.length > 0) throw errors[0];
}
