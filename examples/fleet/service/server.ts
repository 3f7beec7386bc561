/**
 * Levy Fleets' own HTTP service (node:http, no framework), as it ran before the platform: the
 * platform's gateway now sits in front of it. It knows nothing of API keys; it takes the caller
 * the gateway sends as X-Caller-* headers once their signature holds (`callerFromHeaders` with the
 * platform's caller signing secret), checks `account_id` against the
 * caller's sub-accounts (`requireAccount`), and publishes its events through the platform.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type CallerHeaderOptions,
  callerFromHeaders,
  callerRateLimitHeaders,
  requireAccount,
} from 'api-key-platform/backend';
import { ServiceError } from './errors';
import type { EventSink } from './events';
import { matchServiceRoute } from './routes';
import { type Clock, FleetStore, type IdOf, randomId } from './store';

export interface FleetServiceOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  events: EventSink;
  /**
   * How to check the caller headers, usually `{ signingSecret }`. Asked on every request: locally
   * the service starts before the platform whose secret it needs. Until it answers, every call is a 503.
   */
  callerCheck: () => CallerHeaderOptions | undefined;
  clock?: Clock;
  newId?: IdOf;
}

const MAX_BODY_BYTES = 64 * 1024;

/** The service's request listener, with its store. */
function fleetRequestHandler(options: Omit<FleetServiceOptions, 'port' | 'host'>) {
  const clock = options.clock ?? (() => new Date());
  const newId = options.newId ?? randomId;
  const store = new FleetStore(clock, newId);
  return async (request: IncomingMessage, response: ServerResponse) => {
    // X-RateLimit-* on every answer to a caller the gateway vouched for, errors included.
    let rateLimit: Record<string, string> = {};
    try {
      const url = new URL(request.url ?? '/', 'http://fleet.internal');
      const method = request.method ?? 'GET';
      const check = options.callerCheck();
      if (!check) throw new ServiceError(503, 'not_ready', 'The service does not know the caller signing secret yet.');
      const caller = callerFromHeaders(request.headers, check);
      rateLimit = callerRateLimitHeaders(caller, clock());
      const matched = matchRoute(method, url.pathname);
      const accountId = await requireAccount(caller, url.searchParams.get('account_id'));
      const body = await readJson(request);
      const query = Object.fromEntries([...url.searchParams].filter(([name]) => name !== 'account_id'));
      const records = store.recordsOf({
        organizationId: caller.organizationId,
        environment: caller.environment,
        accountId,
      });
      const answer = matched.route.handle({
        accountId,
        records,
        params: matched.params,
        query,
        body,
        now: clock(),
        newId,
      });
      // Published before answering, so a client that saw the change can count on its events being queued.
      for (const event of answer.events ?? []) await options.events.publish(caller, event);
      send(response, answer.status, answer.body, rateLimit);
    } catch (error) {
      answerError(response, error, rateLimit);
    }
  };
}

export async function startFleetService(options: FleetServiceOptions) {
  const server = createServer(fleetRequestHandler(options));
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type FleetService = Awaited<ReturnType<typeof startFleetService>>;

function matchRoute(method: string, pathname: string) {
  let matched: ReturnType<typeof matchServiceRoute>;
  try {
    matched = matchServiceRoute(method, pathname);
  } catch {
    throw new ServiceError(400, 'invalid_request', 'The path is not valid percent-encoding.');
  }
  if ('route' in matched) return matched;
  if (matched.allowed.length === 0) {
    throw new ServiceError(404, 'not_found', `No route ${method} ${pathname} in the fleet API.`);
  }
  throw new ServiceError(405, 'method_not_allowed', `${pathname} takes ${matched.allowed.join(', ')}.`);
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    if (bytes > MAX_BODY_BYTES)
      throw new ServiceError(413, 'payload_too_large', `Send at most ${MAX_BODY_BYTES} bytes.`);
    chunks.push(chunk);
  }
  if (bytes === 0) return undefined;
  if (!(request.headers['content-type'] ?? '').toLowerCase().startsWith('application/json')) {
    throw new ServiceError(
      415,
      'unsupported_media_type',
      'Send the body as JSON, with Content-Type: application/json.',
    );
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new ServiceError(400, 'invalid_request', 'The body is not valid JSON.');
  }
}

function answerError(response: ServerResponse, error: unknown, headers: Record<string, string>) {
  // ServiceError, and the AccountAccessError and caller errors (403, 401) of api-key-platform/backend.
  const known = error as { status?: unknown; toJSON?: () => unknown };
  const answerable = error instanceof ServiceError || (typeof known.status === 'number' && known.status < 500);
  if (answerable && typeof known.status === 'number' && typeof known.toJSON === 'function') {
    send(response, known.status, known.toJSON(), headers);
    return;
  }
  console.error('fleet service: unexpected error', error);
  send(
    response,
    500,
    { error: { code: 'internal_error', message: 'Something went wrong on our side. Retry later.' } },
    headers,
  );
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string>) {
  if (response.headersSent) return;
  const text = body === undefined ? '' : JSON.stringify(body);
  response.writeHead(status, {
    ...headers,
    'cache-control': 'no-store',
    ...(text && { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) }),
  });
  response.end(text);
}
