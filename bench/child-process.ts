/**
 * Benches that need a platform of their own run in a child process: handler modules read their
 * configuration and the active API definition once per process, as Lambda does. The child reports
 * its headings and figures to the parent (bench/run.ts), which prints them with the others; run
 * on its own, the child prints them itself.
 */
import { fork } from 'node:child_process';
import { resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';

export type Report = (name: string, value: string) => void;
type ChildMessage = { kind: 'heading'; text: string } | { kind: 'figure'; name: string; value: string };

const printHeading = (text: string) => console.log(`\n${text}`);
const printFigure: Report = (name, value) => console.log(`  ${name.padEnd(58)} ${value}`);

/** Whether the module at `moduleUrl` (its import.meta.url) is the process's entry point. */
export const isEntryPoint = (moduleUrl: string) =>
  process.argv[1] !== undefined && resolvePath(process.argv[1]) === fileURLToPath(moduleUrl);

/**
 * Runs the module at `moduleUrl` with `args` in a child process and relays its figures to `report`.
 * The child inherits this process's execArgv, and with it tsx's loader.
 */
export function runInChildProcess(
  moduleUrl: string,
  args: string[],
  options: { report: Report; env?: NodeJS.ProcessEnv },
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(moduleUrl), args, {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, ...options.env },
    });
    child.on('message', (message: ChildMessage) => {
      if (message.kind === 'heading') printHeading(message.text);
      else options.report(message.name, message.value);
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${fileURLToPath(moduleUrl)} ${args.join(' ')} exited with ${code}`)),
    );
  });
}

/** The child's side: `heading` and `report` go to the parent if there is one; `done` before exiting. */
export function childReporter() {
  const sent: Promise<void>[] = [];
  const send = (message: ChildMessage) => {
    if (!process.send) {
      if (message.kind === 'heading') printHeading(message.text);
      else printFigure(message.name, message.value);
      return;
    }
    sent.push(new Promise((resolve) => process.send?.(message, undefined, {}, () => resolve())));
  };
  return {
    heading: (text: string) => send({ kind: 'heading', text }),
    report: ((name, value) => send({ kind: 'figure', name, value })) as Report,
    done: async () => {
      await Promise.all(sent);
      process.disconnect?.();
    },
  };
}
