/**
 * Counts the requests an AWS SDK client sends, by the function that sent them (the local IAM's
 * current function; `-` outside any) and operation: `metered-proxy UpdateItem`.
 */
import { currentFunctionId } from '../local/iam/enforcement';

export type CommandCounts = Record<string, number>;

interface ClientWithMiddleware {
  middlewareStack: { add: (middleware: never, options: { step: 'initialize'; name: string }) => void };
}

export function countCommands(client: ClientWithMiddleware) {
  const counts: CommandCounts = {};
  const middleware =
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => (args: unknown) => {
      const operation = String(context.commandName ?? '').replace(/Command$/, '');
      const key = `${currentFunctionId() ?? '-'} ${operation}`;
      counts[key] = (counts[key] ?? 0) + 1;
      return next(args);
    };
  client.middlewareStack.add(middleware as never, { step: 'initialize', name: 'benchCommandCounter' });
  return {
    snapshot: (): CommandCounts => ({ ...counts }),
    since: (before: CommandCounts): CommandCounts =>
      Object.fromEntries(
        Object.entries(counts)
          .map(([key, count]) => [key, count - (before[key] ?? 0)] as const)
          .filter(([, count]) => count > 0),
      ),
  };
}
