/**
 * One queue consumer of the platform in a process of its own, so that a test can kill it for real:
 * SIGKILL leaves no `finally`, no cleanup, and the messages it had received stay invisible until
 * their visibility timeout, as when a Lambda instance dies mid-batch.
 *
 *   node --import tsx test/support/worker-process.ts <queue id> <visibility timeout seconds>
 *
 * `node --import tsx`, not `node_modules/.bin/tsx`: the tsx CLI runs the script in a child process
 * of its own, which a SIGKILL of the CLI would leave running.
 *
 * Everything else comes from the environment the test platform set up (startPlatform writes the
 * emulator endpoints, TABLE_NAME, queue URLs and WEBHOOK_* into process.env), so the real handler
 * talks to the parent's emulators. WORKER_SQS_ENDPOINT, when set, is where the event source itself
 * receives and deletes; the handler keeps AWS_ENDPOINT_URL_SQS (a test may put a proxy there).
 */
import { join } from 'node:path';
import { SQSClient } from '@aws-sdk/client-sqs';
import { consumedQueues, FUNCTIONS, type FunctionId, type FunctionNeeds } from '../../functions/definition/functions';
import { QUEUE_URL_VARIABLES, QUEUES, type QueueId } from '../../functions/definition/queues';
import { LOCAL_CREDENTIALS } from '../../local/bootstrap';
import { LOCAL_REGION } from '../../local/gateway/events';
import { repoRoot } from '../../local/paths';
import { type SqsHandler, startSqsEventSource } from '../../local/sqs-event-source';

const [queueId, visibility] = process.argv.slice(2) as [QueueId, string];
const queueUrl = process.env[QUEUE_URL_VARIABLES[queueId]];
const consumer = (Object.entries(FUNCTIONS) as [FunctionId, { entry: string; needs: object }][]).find(
  ([, definition]) => consumedQueues(definition.needs as FunctionNeeds).includes(queueId),
);
if (!queueUrl || !consumer) throw new Error(`No webhook queue consumer for ${queueId}`);

const handler = await import(join(repoRoot(), consumer[1].entry)).then(
  (module: { handler: SqsHandler }) => module.handler,
);
const client = new SQSClient({
  region: LOCAL_REGION,
  credentials: LOCAL_CREDENTIALS,
  useQueueUrlAsEndpoint: false,
  endpoint: process.env.WORKER_SQS_ENDPOINT ?? process.env.AWS_ENDPOINT_URL_SQS,
});
startSqsEventSource({
  client,
  queueUrl,
  queueName: QUEUES[queueId].name,
  batchSize: QUEUES[queueId].batchSize,
  handler: async () => handler,
  background: true,
  visibilityTimeoutSeconds: Number(visibility),
  onError: (error) => console.error(`${consumer[0]} failed:`, error),
});
