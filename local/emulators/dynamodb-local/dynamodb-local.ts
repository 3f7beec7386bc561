/**
 * AWS's DynamoDB Local, shipped inside the npm package amplify-dynamodb-simulator (a Java program;
 * no download at run time), for checking what dynalite may get wrong. In memory, on loopback, on a
 * free port, one JVM per call; opt-in with LOCAL_DYNAMODB=dynamodb-local (see ../dynamodb.ts).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { repoRoot } from '../../paths';

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;

export async function startDynamoDbLocal(options: { port?: number } = {}) {
  const root = repoRoot();
  const emulator = join(root, 'node_modules', 'amplify-dynamodb-simulator', 'emulator');
  if (!existsSync(join(emulator, 'DynamoDBLocal.jar'))) {
    throw new Error(
      `DynamoDB Local is not at ${emulator}: run \`npm ci\` (the devDependency amplify-dynamodb-simulator ships it).`,
    );
  }
  const launcher = join(root, 'local', 'emulators', 'dynamodb-local', 'LoopbackDynamoDbLocal.java');
  const java = spawn(
    'java',
    [
      `-Djava.library.path=${join(emulator, 'DynamoDBLocal_lib')}`,
      '-cp',
      join(emulator, 'DynamoDBLocal.jar'),
      launcher,
      String(options.port ?? 0),
    ],
    // DDB_LOCAL_TELEMETRY=0 as well as -disableTelemetry: nothing leaves the machine.
    { env: { ...process.env, DDB_LOCAL_TELEMETRY: '0' }, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const exited = new Promise<void>((resolve) => java.once('exit', () => resolve()));
  let errorTail = '';
  java.stderr.on('data', (chunk: Buffer) => {
    errorTail = (errorTail + chunk.toString()).slice(-2000);
  });
  const port = await new Promise<number>((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
    };
    const fail = (error: Error) =>
      settle(() => {
        java.kill();
        reject(error);
      });
    const timer = setTimeout(
      () => fail(new Error(`DynamoDB Local did not start within ${START_TIMEOUT_MS} ms`)),
      START_TIMEOUT_MS,
    );
    java.once('error', (error) =>
      fail(new Error(`LOCAL_DYNAMODB=dynamodb-local needs Java 17 or later on PATH (${error.message})`)),
    );
    java.once('exit', (code) => fail(new Error(`DynamoDB Local exited (${code}) before listening:\n${errorTail}`)));
    createInterface({ input: java.stdout }).on('line', (line) => {
      const match = /^dynamodb-local-port=(\d+)$/.exec(line);
      if (match) settle(() => resolve(Number(match[1])));
    });
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    /** Closing its standard input stops it; a JVM that hangs is killed. */
    close: async () => {
      if (java.exitCode !== null || java.signalCode !== null) return;
      java.stdin.end();
      const timer = setTimeout(() => java.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}
