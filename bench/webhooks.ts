/**
 * Webhook deliveries through the local workers, next to bare HTTP POSTs to the same receiver.
 *
 * A loopback receiver in this process answers 200 at once. Worker rounds publish N events of a
 * type one sandbox endpoint (the receiver) subscribes to; webhook-fanout and webhook-delivery run
 * behind the local SQS event sources with background pollers, and a round lasts from the first
 * publish to the last receipt. Bare rounds POST the same request (body and headers of a real
 * delivery) N times with as many requests in flight as the delivery pollers can have (pollers ×
 * batch size), over a keep-alive agent. The rounds alternate and the figures are medians.
 *
 * Events are published with `buildEvent` (what `publishEvent` and POST /v1/events check and
 * build) and SendMessageBatch, 10 events a request, from a client of the bench's own, so the
 * publisher stays off the measured path's bottleneck and out of the handlers' request counts.
 *
 * It starts its own platform with messaging on, which must be the only platform of its process:
 * the handlers' clients (functions/runtime/clients) keep the endpoints of the first emulators they
 * talk to. bench/run.ts therefore runs it in a child process (`benchWebhooksInChildProcess`);
 * `tsx bench/webhooks.ts [--quick]` runs it alone. BENCH_WEBHOOK_DELIVERIES, _ROUNDS, _POLLERS and
 * _RECEIVER_DELAY_MS (the receiver answers after that long; default 0) override the defaults.
 */
import http, { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { SQSClient } from '@aws-sdk/client-sqs';
import { leadbaseApi } from '../examples/leadbase/api';
import { leadbaseApp } from '../examples/leadbase/local';
import { sendJsonBatches } from '../functions/adapters/sqs-batch';
import { QUEUES } from '../functions/definition/queues';
import { buildEvent } from '../functions/domain/webhooks/publish';
import { LOCAL_CREDENTIALS } from '../local/bootstrap';
import { LOCAL_REGION } from '../local/gateway/events';
import { startPlatform } from '../local/platform';
import { call } from '../test/support/http-client';
import { childReporter, isEntryPoint, type Report, runInChildProcess } from './child-process';
import { countDynamoDbRequests } from './dynamodb-counter';
import { median, ms, percentile } from './measure';

export interface WebhookBenchOptions {
  /** Deliveries per worker round, and POSTs per bare round. */
  deliveries?: number;
  /** Measured rounds of each kind, alternating. */
  rounds?: number;
  /** Parallel pollers of the delivery queue (startPlatform's `deliveryConcurrency`). */
  deliveryConcurrency?: number;
  /** Events published one at a time, each after the previous one arrived: the idle pipeline's latency. */
  singles?: number;
  /** The receiver answers after this long (default 0: at once). */
  receiverDelayMs?: number;
  report?: Report;
  heading?: (text: string) => void;
}

export interface WebhookBenchResult {
  deliveriesPerSecond: number;
  barePostsPerSecond: number;
  ratio: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
}

/** The receiver's subscription (Leadbase's); its contact schema lets the bench's extra fields through. */
const EVENT_TYPE = 'contact.created';
const CONTACT = leadbaseApi.compiled.events[EVENT_TYPE]?.example ?? {};
/** SendMessageBatch requests in flight while publishing. */
const PUBLISH_IN_FLIGHT = 8;

/** Wall-clock milliseconds with sub-millisecond precision, comparable across processes. */
const nowMs = () => performance.timeOrigin + performance.now();
const sleep = (msToWait: number) => new Promise((resolve) => setTimeout(resolve, msToWait));

type Counts = Map<string, number>;

/** Counts a client's requests by operation, and its empty receives, through its middleware stack. */
function countOperations(client: { middlewareStack: unknown }, name: string) {
  const counts: Counts = new Map();
  const add = (operation: string) => counts.set(operation, (counts.get(operation) ?? 0) + 1);
  // Every client's stack takes the same middleware; SQSClient's type stands for all of them.
  (client.middlewareStack as SQSClient['middlewareStack']).add(
    (next, context) => async (args) => {
      const operation = String(context.commandName ?? '').replace(/Command$/, '');
      add(operation);
      const result = await next(args);
      if (operation === 'ReceiveMessage' && !(result.output as { Messages?: unknown[] }).Messages?.length) {
        add(EMPTY_RECEIVE);
      }
      return result;
    },
    { step: 'initialize', name },
  );
  return {
    snapshot: (): Counts => new Map(counts),
    since: (before: Counts): Counts =>
      new Map([...counts].map(([operation, count]) => [operation, count - (before.get(operation) ?? 0)])),
  };
}
const EMPTY_RECEIVE = 'ReceiveMessage (empty)';

function addInto(total: Counts, part: Counts) {
  for (const [operation, count] of part) total.set(operation, (total.get(operation) ?? 0) + count);
}

/** Requests in `counts`; the empty receives are among the ReceiveMessage ones already. */
const requests = (counts: Counts) =>
  [...counts].reduce((total, [operation, count]) => (operation === EMPTY_RECEIVE ? total : total + count), 0);

/** A receiver that answers 200, then notes the publish-to-receipt time of the round's events. */
async function startLoopbackReceiver(delayMs: number) {
  interface Round {
    tag: string;
    expected: number;
    seen: Set<string>;
    latencies: number[];
    done: () => void;
  }
  let round: Round | undefined;
  let sample: { body: string; headers: Record<string, string> } | undefined;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const at = nowMs();
      if (delayMs > 0) setTimeout(() => response.writeHead(200).end(), delayMs);
      else response.writeHead(200).end();
      const body = Buffer.concat(chunks).toString('utf8');
      const data = (JSON.parse(body) as { data?: { benchRound?: string; publishedAt?: number } }).data;
      const current = round;
      if (!current || data?.benchRound !== current.tag) return;
      // A repeat of a delivery (a retry after a lost answer) is not a second one.
      const id = String(request.headers['webhook-id']);
      if (current.seen.has(id)) return;
      current.seen.add(id);
      current.latencies.push(at - (data.publishedAt ?? at));
      if (!sample) {
        const { host: _host, connection: _connection, ...headers } = request.headers as Record<string, string>;
        sample = { body, headers };
      }
      if (current.seen.size === current.expected) current.done();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    /** Resolves with the latencies once `expected` distinct deliveries of round `tag` arrived. */
    expect(tag: string, expected: number, timeoutMs: number): Promise<number[]> {
      return new Promise((resolve, reject) => {
        const current: Round = {
          tag,
          expected,
          seen: new Set(),
          latencies: [],
          done: () => {
            clearTimeout(timer);
            round = undefined;
            resolve(current.latencies);
          },
        };
        const timer = setTimeout(() => {
          round = undefined;
          reject(new Error(`${current.seen.size} of ${expected} deliveries arrived within ${timeoutMs} ms`));
        }, timeoutMs);
        round = current;
      });
    },
    /** Body and headers of a real delivery, for the bare POSTs. */
    sample: () => sample,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** `count` POSTs of the same request, `inFlight` at a time, over one keep-alive agent. */
async function barePosts(
  agent: http.Agent,
  port: number,
  request: { body: string; headers: Record<string, string> },
  count: number,
  inFlight: number,
) {
  const post = () =>
    new Promise<void>((resolve, reject) => {
      const req = http.request(
        { agent, host: '127.0.0.1', port, method: 'POST', path: '/hooks', headers: request.headers },
        (response) => {
          if (response.statusCode !== 200) reject(new Error(`the receiver answered ${response.statusCode}`));
          response.resume();
          response.on('end', resolve);
        },
      );
      req.on('error', reject);
      req.end(request.body);
    });
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next++ < count) await post();
    }),
  );
}

export async function benchWebhooks(options: WebhookBenchOptions = {}): Promise<WebhookBenchResult> {
  const deliveries = options.deliveries ?? 2000;
  const rounds = options.rounds ?? 5;
  const pollers = options.deliveryConcurrency ?? 4;
  const singles = options.singles ?? 50;
  const receiverDelayMs = options.receiverDelayMs ?? 0;
  const report = options.report ?? (() => {});
  const heading = options.heading ?? (() => {});
  const inFlight = pollers * QUEUES['webhook-deliveries'].batchSize;

  const platform = await startPlatform({
    app: leadbaseApp,
    port: 0,
    messaging: true,
    workers: 'background',
    webhookRetrySchedule: [0, 5, 300],
    deliveryConcurrency: pollers,
    logLevel: 'CRITICAL',
  });
  const receiver = await startLoopbackReceiver(receiverDelayMs);
  const publisher = new SQSClient({
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    endpoint: platform.bootstrap.endpoints.sqs,
    useQueueUrlAsEndpoint: false,
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: inFlight });
  try {
    const { bootstrap, webhooks } = platform;
    if (!webhooks) throw new Error('the platform started without messaging');
    // The handlers' own clients: imported after startPlatform has pointed the SDK at the emulators.
    const { dynamoDb, sqs } = await import('../functions/runtime/clients');
    const dynamoCounter = countDynamoDbRequests(dynamoDb);
    const dynamoOperations = countOperations(dynamoDb, 'benchWebhookDynamoDb');
    const handlerSqs = countOperations(sqs, 'benchWebhookHandlerSqs');
    // The local event sources' client: receives and deletes, as Lambda's event source mapping makes them.
    const eventSourceSqs = countOperations(platform.sqsClient, 'benchWebhookEventSourceSqs');

    const registered = await call('POST', `${bootstrap.sandboxUrl}/v1/webhooks`, {
      key: bootstrap.sandboxAdminKey,
      body: { url: `${receiver.url}/hooks`, events: [EVENT_TYPE] },
    });
    if (registered.status !== 201) {
      throw new Error(`registering the receiver failed: ${registered.status} ${registered.text}`);
    }

    /** Publishes `count` events 10 per SendMessageBatch, PUBLISH_IN_FLIGHT requests at a time. */
    const publish = async (tag: string, count: number) => {
      let next = 0;
      await Promise.all(
        Array.from({ length: PUBLISH_IN_FLIGHT }, async () => {
          while (next < count) {
            const size = Math.min(10, count - next);
            next += size;
            const publishedAt = nowMs();
            const events = Array.from({ length: size }, () =>
              buildEvent({
                organizationId: bootstrap.organizationId,
                environment: 'test',
                type: EVENT_TYPE,
                data: { ...CONTACT, benchRound: tag, publishedAt },
              }),
            );
            await sendJsonBatches(publisher, bootstrap.queueUrls['webhook-events'], events, 'event');
          }
        }),
      );
    };

    let roundNumber = 0;
    const workerRound = async (count: number) => {
      const tag = `round-${++roundNumber}`;
      const fanOutTarget = webhooks.fanOut.stats.deleted + count;
      const deliveryTarget = webhooks.delivery.stats.deleted + count;
      const arrived = receiver.expect(tag, count, 300_000);
      const cpu = process.cpuUsage();
      const started = performance.now();
      const published = publish(tag, count).then(() => performance.now() - started);
      let over = false;
      const fannedOut = (async () => {
        while (!over && webhooks.fanOut.stats.deleted < fanOutTarget) await sleep(5);
        return performance.now() - started;
      })();
      const latencies = await arrived.catch((error: unknown) => {
        over = true;
        throw error;
      });
      const seconds = (performance.now() - started) / 1000;
      const cpuUsed = process.cpuUsage(cpu);
      // The round ends when the event sources have deleted every message of it.
      const deadline = performance.now() + 60_000;
      while (webhooks.delivery.stats.deleted < deliveryTarget || webhooks.fanOut.stats.deleted < fanOutTarget) {
        if (performance.now() > deadline) throw new Error('the webhook workers did not finish the round');
        await sleep(5);
      }
      return {
        seconds,
        latencies,
        publishMs: await published,
        fanOutMs: await fannedOut,
        cpuMs: (cpuUsed.user + cpuUsed.system) / 1000,
      };
    };
    const bareRound = async (count: number) => {
      const request = receiver.sample();
      if (!request) throw new Error('no delivery to copy yet');
      const cpu = process.cpuUsage();
      const started = performance.now();
      await barePosts(agent, receiver.port, request, count, inFlight);
      const seconds = (performance.now() - started) / 1000;
      const cpuUsed = process.cpuUsage(cpu);
      return { seconds, cpuMs: (cpuUsed.user + cpuUsed.system) / 1000 };
    };

    heading(
      `Webhook deliveries through the local workers vs bare POSTs (${rounds} × ${deliveries.toLocaleString('en')}, interleaved${receiverDelayMs > 0 ? `, receiver answers after ${receiverDelayMs} ms` : ''})`,
    );
    // Warm-up: handlers loaded, clients connected, the JIT warm, the agents' sockets open.
    await workerRound(Math.min(deliveries, 200));
    await bareRound(Math.min(deliveries, 200));

    const workerRates: number[] = [];
    const bareRates: number[] = [];
    const latencies: number[] = [];
    const publishMs: number[] = [];
    const fanOutMs: number[] = [];
    const cpuPerDelivery: number[] = [];
    const cpuPerPost: number[] = [];
    const dynamoUsed = { reads: 0, writes: 0 };
    const dynamoByOperation: Counts = new Map();
    const handlerSqsUsed: Counts = new Map();
    const eventSourceSqsUsed: Counts = new Map();
    const failedBefore = webhooks.delivery.stats.failed + webhooks.fanOut.stats.failed;
    const batchesBefore = { fanOut: webhooks.fanOut.stats.invocations, delivery: webhooks.delivery.stats.invocations };
    for (let index = 0; index < rounds; index++) {
      const dynamoBefore = dynamoCounter.snapshot();
      const operationsBefore = dynamoOperations.snapshot();
      const handlerSqsBefore = handlerSqs.snapshot();
      const eventSourceBefore = eventSourceSqs.snapshot();
      const worker = await workerRound(deliveries);
      const used = dynamoCounter.since(dynamoBefore);
      dynamoUsed.reads += used.reads;
      dynamoUsed.writes += used.writes;
      addInto(dynamoByOperation, dynamoOperations.since(operationsBefore));
      addInto(handlerSqsUsed, handlerSqs.since(handlerSqsBefore));
      addInto(eventSourceSqsUsed, eventSourceSqs.since(eventSourceBefore));
      workerRates.push(deliveries / worker.seconds);
      latencies.push(...worker.latencies);
      publishMs.push(worker.publishMs);
      fanOutMs.push(worker.fanOutMs);
      cpuPerDelivery.push(worker.cpuMs / deliveries);

      const bare = await bareRound(deliveries);
      bareRates.push(deliveries / bare.seconds);
      cpuPerPost.push(bare.cpuMs / deliveries);
    }
    const failed = webhooks.delivery.stats.failed + webhooks.fanOut.stats.failed - failedBefore;
    const batches = {
      fanOut: webhooks.fanOut.stats.invocations - batchesBefore.fanOut,
      delivery: webhooks.delivery.stats.invocations - batchesBefore.delivery,
    };

    const deliveriesPerSecond = median(workerRates);
    const barePostsPerSecond = median(bareRates);
    const ratio = deliveriesPerSecond / barePostsPerSecond;
    const perSecond = (value: number) => `${Math.round(value).toLocaleString('en')}/s`;
    const range = (values: number[]) =>
      `(rounds ${Math.round(Math.min(...values)).toLocaleString('en')}–${Math.round(Math.max(...values)).toLocaleString('en')})`;
    report(
      `deliveries, publish → receipt (${pollers} delivery pollers)`,
      `${perSecond(deliveriesPerSecond)}  ${range(workerRates)}`,
    );
    report(
      `bare POSTs, same request, ${inFlight} in flight, keep-alive`,
      `${perSecond(barePostsPerSecond)}  ${range(bareRates)}`,
    );
    report('ratio deliveries / bare POSTs (target ≥ 0.5)', ratio.toFixed(3));
    report(
      'publish → receipt p50 / p99, all N published at once',
      `${ms(median(latencies))} / ${ms(percentile(latencies, 99))}`,
    );
    report('events queue empty (all fanned out) after, median', ms(median(fanOutMs)));
    report(
      'messages per batch (invocation), fan-out / delivery',
      `${((deliveries * rounds) / batches.fanOut).toFixed(1)} / ${((deliveries * rounds) / batches.delivery).toFixed(1)}  (at most 10)`,
    );
    report(
      'publishing the N events, median',
      `${ms(median(publishMs))}  (SendMessageBatch of 10, ${PUBLISH_IN_FLIGHT} in flight)`,
    );
    report(
      'CPU time of the process per delivery / per bare POST',
      `${ms(median(cpuPerDelivery))} / ${ms(median(cpuPerPost))}`,
    );
    if (failed > 0) report('messages that failed (batch item failures) meanwhile', String(failed));

    // One event at a time: the pipeline's own latency, nothing queued ahead.
    const single: number[] = [];
    for (let index = 0; index < singles; index++) single.push(...(await workerRound(1)).latencies);
    report(
      `publish → receipt p50 / p99, one event at a time (${singles})`,
      `${ms(median(single))} / ${ms(percentile(single, 99))}`,
    );

    const measured = deliveries * rounds;
    const per1000 = (count: number) => (Math.round((count * 10_000) / measured) / 10).toLocaleString('en');
    const byOperation = (counts: Counts) =>
      [...counts]
        .filter(([operation, count]) => count > 0 && operation !== EMPTY_RECEIVE)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([operation, count]) => `${operation} ${per1000(count)}`)
        .join(', ');
    heading('AWS requests per 1,000 deliveries (one endpoint per event; fan-out and delivery handlers)');
    report('DynamoDB reads / writes (requests)', `${per1000(dynamoUsed.reads)} / ${per1000(dynamoUsed.writes)}`);
    report('DynamoDB by operation', byOperation(dynamoByOperation));
    const emptyReceives = eventSourceSqsUsed.get(EMPTY_RECEIVE) ?? 0;
    report(
      'SQS, handlers + event sources',
      `${per1000(requests(handlerSqsUsed) + requests(eventSourceSqsUsed))}  (publishing: ${per1000(Math.ceil(deliveries / 10) * rounds)} more)`,
    );
    report('SQS by the handlers', byOperation(handlerSqsUsed));
    report(
      'SQS by the event sources (Lambda’s pollers in AWS)',
      `${byOperation(eventSourceSqsUsed)}; ${per1000(emptyReceives)} of the receives empty`,
    );
    return {
      deliveriesPerSecond,
      barePostsPerSecond,
      ratio,
      latencyP50Ms: median(latencies),
      latencyP99Ms: percentile(latencies, 99),
    };
  } finally {
    agent.destroy();
    publisher.destroy();
    await receiver.close();
    await platform.close();
  }
}

/**
 * Runs this file in a child process, with its own platform and handler clients, and relays its
 * figures to `report`.
 */
export function benchWebhooksInChildProcess(options: {
  quick: boolean;
  report: Report;
  /** The receiver's answer time: 0 measures the pipeline's own cost, a few hundred ms a real receiver. */
  receiverDelayMs?: number;
}): Promise<void> {
  return runInChildProcess(import.meta.url, options.quick ? ['--quick'] : [], {
    report: options.report,
    ...(options.receiverDelayMs !== undefined && {
      env: { BENCH_WEBHOOK_RECEIVER_DELAY_MS: String(options.receiverDelayMs) },
    }),
  });
}

if (isEntryPoint(import.meta.url)) {
  const quick = process.argv.includes('--quick');
  const setting = (name: string, fallback: number) => Number(process.env[`BENCH_WEBHOOK_${name}`] ?? fallback);
  // Under bench/run.ts the figures go to the parent, which prints them with the others.
  const child = childReporter();
  await benchWebhooks({
    deliveries: setting('DELIVERIES', quick ? 400 : 2000),
    rounds: setting('ROUNDS', quick ? 3 : 5),
    deliveryConcurrency: setting('POLLERS', 4),
    receiverDelayMs: setting('RECEIVER_DELAY_MS', 0),
    singles: quick ? 20 : 50,
    heading: child.heading,
    report: child.report,
  });
  await child.done();
}
