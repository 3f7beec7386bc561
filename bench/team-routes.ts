/**
 * Team routes (issue 11): what a call costs on a free and on a paid (credits) team route, with a
 * Lambda and with an HTTP backend, side by side in one run. A paid route is served through the
 * platform's metered proxy: one more Lambda invocation and the credit charge between the gateway
 * and the backend. Runs in a child process with a small app of its own (`benchTeamRoutesInChildProcess`).
 */
import '../local/quiet-sdk';

import { createServer } from 'node:http';
import { DynamoCreditLedger } from '../functions/adapters/dynamo-credit-ledger';
import { defineApi } from '../functions/definition/api-definition';
import { addCredits } from '../functions/domain/credits';
import { localClients } from '../local/bootstrap';
import { closeServer, listen } from '../local/emulators/listen';
import type { ProxyHandler } from '../local/gateway/gateway';
import { startPlatform } from '../local/platform';
import { call } from '../test/support/http-client';
import { childReporter, isEntryPoint, type Report, runInChildProcess } from './child-process';
import { type CommandCounts, countCommands } from './command-counter';
import { median, ms, percentile, timeEach } from './measure';
import { PRICES } from './prices';

/** The metered proxy's memory (BACKEND_CALLER_SIZING in infra/api-key-platform.ts). */
const PROXY_MEMORY_GB = 256 / 1024;

const ROUTES = [
  { name: 'Lambda free', path: '/v1/lambda/free', backend: 'lambda', credits: 0 },
  { name: 'Lambda paid', path: '/v1/lambda/paid', backend: 'lambda', credits: 1 },
  { name: 'HTTP free', path: '/v1/http/free', backend: 'http', credits: 0 },
  { name: 'HTTP paid', path: '/v1/http/paid', backend: 'http', credits: 1 },
] as const;
type RouteName = (typeof ROUTES)[number]['name'];

interface RouteFigures {
  samples: number[];
  authorizer: number;
  meteredProxy: number;
  backend: number;
  dynamoDb: CommandCounts;
  secretReads: number;
}

/** An instant JSON answer, so the figures are the platform's own. */
const answer = { statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' };

async function benchTeamRoutes(options: {
  rounds: number;
  perRound: number;
  heading: (text: string) => void;
  report: Report;
}) {
  let httpRequests = 0;
  const httpBackend = createServer((_, response) => {
    httpRequests++;
    response.writeHead(answer.statusCode, answer.headers).end(answer.body);
  });
  const httpUrl = `http://127.0.0.1:${await listen(httpBackend, 0)}`;
  let lambdaInvocations = 0;
  const things: ProxyHandler = async () => {
    lambdaInvocations++;
    return answer;
  };
  const definition = defineApi({
    name: 'Team routes bench',
    resources: { things: ['read'] },
    routes: ROUTES.map((route) => ({
      method: 'GET' as const,
      path: route.path,
      permission: 'things:read',
      summary: route.name,
      backend: route.backend === 'lambda' ? { lambda: 'things' } : { http: `${httpUrl}${route.path}` },
      credits: route.credits,
    })),
    plans: { bench: { requestsPerMinute: 600_000 } },
    defaultPlan: 'bench',
  });
  const platform = await startPlatform({ app: { definition, backends: { things } }, port: 0, logLevel: 'CRITICAL' });
  const { bootstrap, gateway } = platform;
  const clients = localClients(bootstrap.endpoints);
  const ledger = new DynamoCreditLedger(clients.documents, bootstrap.tableName);
  await addCredits(ledger, { organizationId: bootstrap.organizationId, environment: 'live' }, 10_000_000);
  // The handlers' own clients: imported after startPlatform has pointed the SDK at the emulators.
  const { dynamoDb, secretsManager } = await import('../functions/runtime/clients');
  const dynamoDbCounter = countCommands(dynamoDb);
  const secretsCounter = countCommands(secretsManager);
  const created = await call('POST', `${bootstrap.liveUrl}/v1/keys`, {
    key: bootstrap.adminKey,
    body: { name: 'team routes bench', permissions: ['things:read'] },
  });
  const { key } = created.body as { key: string };
  const get = (path: string) => call('GET', `${bootstrap.liveUrl}${path}`, { key });
  // Warm: the authorizer's answer in the gateway cache, every handler loaded, each route answering.
  for (const route of ROUTES) {
    for (let index = 0; index < 10; index++) {
      const response = await get(route.path);
      if (response.status !== 200) throw new Error(`${route.path} answered ${response.status} while warming up`);
    }
  }

  const figures = new Map<RouteName, RouteFigures>();
  for (let round = 0; round < options.rounds; round++) {
    for (const route of ROUTES) {
      const before = {
        authorizer: gateway.stats.authorizerCalls,
        meteredProxy: gateway.stats.invocations['metered-proxy'] ?? 0,
        backend: route.backend === 'lambda' ? lambdaInvocations : httpRequests,
        dynamoDb: dynamoDbCounter.snapshot(),
        secrets: secretsCounter.snapshot(),
      };
      const samples = await timeEach(options.perRound, () => get(route.path));
      const total = figures.get(route.name) ?? {
        samples: [],
        authorizer: 0,
        meteredProxy: 0,
        backend: 0,
        dynamoDb: {},
        secretReads: 0,
      };
      total.samples.push(...samples);
      total.authorizer += gateway.stats.authorizerCalls - before.authorizer;
      total.meteredProxy += (gateway.stats.invocations['metered-proxy'] ?? 0) - before.meteredProxy;
      total.backend += (route.backend === 'lambda' ? lambdaInvocations : httpRequests) - before.backend;
      for (const [operation, count] of Object.entries(dynamoDbCounter.since(before.dynamoDb))) {
        // usage-ingest's batches run every second whatever the route: the usage block counts them.
        if (!operation.startsWith('usage-ingest '))
          total.dynamoDb[operation] = (total.dynamoDb[operation] ?? 0) + count;
      }
      total.secretReads += Object.values(secretsCounter.since(before.secrets)).reduce((sum, count) => sum + count, 0);
      figures.set(route.name, total);
    }
  }
  for (const client of Object.values(clients)) client.destroy();
  await platform.close();
  await closeServer(httpBackend);

  const calls = options.rounds * options.perRound;
  const per1000 = (count: number) => Math.round((count * 1000) / calls).toLocaleString('en');
  options.heading(
    `Team routes: free and paid (credits 1) routes, Lambda and HTTP backends (${calls.toLocaleString('en')} calls each, ${options.rounds} interleaved rounds, one warm key)`,
  );
  for (const route of ROUTES) {
    const { samples, authorizer, meteredProxy, backend, dynamoDb, secretReads } = figures.get(
      route.name,
    ) as RouteFigures;
    const backendName = route.backend === 'lambda' ? 'backend' : 'backend (HTTP)';
    options.report(
      `${route.name}: invocations per 1,000 calls`,
      `authorizer ${per1000(authorizer)}, metered-proxy ${per1000(meteredProxy)}, ${backendName} ${per1000(backend)}`,
    );
    const operations = Object.entries(dynamoDb).map(([operation, count]) => `${operation} ${per1000(count)}`);
    options.report(`${route.name}: DynamoDB requests per 1,000`, operations.join(', ') || '0');
    options.report(`${route.name}: Secrets Manager reads per 1,000`, per1000(secretReads));
    options.report(
      `${route.name}: latency through the gateway`,
      `p50 ${ms(median(samples))}, p99 ${ms(percentile(samples, 99))}`,
    );
  }
  for (const kind of ['Lambda', 'HTTP'] as const) {
    const free = (figures.get(`${kind} free`) as RouteFigures).samples;
    const paid = (figures.get(`${kind} paid`) as RouteFigures).samples;
    options.report(
      `${kind} backend: latency paid / free`,
      `p50 ${(median(paid) / median(free)).toFixed(2)}×, p99 ${(percentile(paid, 99) / percentile(free, 99)).toFixed(2)}×`,
    );
    // Lambda bills whole milliseconds. On AWS the proxy also waits out the backend's own run and
    // the network hops, so the local p50 difference is only a floor of its billed time.
    const proxyMs = Math.max(1, Math.ceil(median(paid) - median(free)));
    const duration = 1_000_000 * (proxyMs / 1000) * PROXY_MEMORY_GB * PRICES.lambda.perGbSecondArm64;
    options.report(
      `${kind} backend: extra hop per 1M paid calls (list prices)`,
      `≥ $${(PRICES.lambda.perMillionRequests + duration).toFixed(3)}: requests $${PRICES.lambda.perMillionRequests.toFixed(2)} + duration $${duration.toFixed(3)} (256 MB arm64, ≥ ${proxyMs} ms = local p50 paid − free, a floor)`,
    );
  }
}

/** Runs the team routes bench in a child process (a definition of its own) and relays its figures. */
export function benchTeamRoutesInChildProcess(options: { quick: boolean; report: Report }): Promise<void> {
  return runInChildProcess(import.meta.url, options.quick ? ['--quick'] : [], { report: options.report });
}

if (isEntryPoint(import.meta.url)) {
  const child = childReporter();
  const quick = process.argv.includes('--quick');
  await benchTeamRoutes({ rounds: 3, perRound: quick ? 60 : 300, heading: child.heading, report: child.report });
  await child.done();
}
