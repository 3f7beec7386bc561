/**
 * Webhook deliveries over node:http(s), guarded against SSRF where it counts: on the addresses a
 * connection actually uses. Names are resolved by our own lookup inside the connect, so there is no
 * earlier answer a rebinding DNS server could swap out between check and use.
 */
import { promises as dns } from 'node:dns';
import http, { type ClientRequest, type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { StringDecoder } from 'node:string_decoder';
import { addressProblem, bareHostname, type EgressPolicy, schemeProblem } from '../domain/webhooks/egress-policy';
import type { SendOutcome, WebhookRequest, WebhookSender } from '../domain/webhooks/webhook-model';

export type ResolveHost = (hostname: string) => Promise<{ address: string; family: 4 | 6 }[]>;

export interface WebhookHttpClientOptions {
  policy: EgressPolicy;
  lookup?: ResolveHost;
  /** Connect and response together. */
  timeoutMs?: number;
  /** Per pool (live https, sandbox https, sandbox http), so per process and pool. */
  maxSockets?: number;
}

const KEPT_RESPONSE_BYTES = 2048;
/** Reading this much more to reuse the socket is cheaper than a new TLS handshake; beyond it, not. */
const DRAINED_RESPONSE_BYTES = 64 * 1024;
/** Idle sockets close before the 5 s keep-alive timeout common to receivers (Node's default). */
const IDLE_SOCKET_MS = 4000;
const MAX_LOCATION_LENGTH = 500;
const USER_AGENT = 'api-key-platform-webhooks/1';

type Environment = WebhookRequest['environment'];
type Result = Omit<SendOutcome, 'durationMs'>;
interface Attempt {
  result: Result;
  /** A reused keep-alive socket the receiver closed before answering, most likely while it was idle. */
  staleSocket: boolean;
}

const defaultResolve: ResolveHost = async (hostname) =>
  (await dns.lookup(hostname, { all: true, verbatim: true })).map(({ address, family }) => ({
    address,
    family: family === 6 ? 6 : 4,
  }));

function refusal(address: string, problem: string): string {
  return `refused to connect to ${address} (${problem})`;
}

function failure(error: string): Result {
  return { statusCode: null, error, response: null };
}

/**
 * Node's messages name codes and addresses, never headers or bodies, so they are safe to store.
 * Duck-typed: errors from Node's internals are not `instanceof Error` in every realm (Jest's).
 */
function describeError(error: unknown): string {
  if (typeof error !== 'object' || error === null) return 'request failed';
  const { message, code, errors } = error as { message?: unknown; code?: unknown; errors?: unknown };
  if (typeof message === 'string' && message !== '') return message;
  // Node's AggregateError from racing IPv4 against IPv6 comes without a message of its own.
  if (Array.isArray(errors) && errors.length > 0) return errors.map(describeError).join('; ');
  return typeof code === 'string' ? code : 'request failed';
}

/** Delta-seconds or an HTTP-date; anything else is ignored rather than guessed at. */
function retryAfterSeconds(header: string | undefined, now: number): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  // Date.parse accepts almost anything (e.g. "5.5"); HTTP-dates all start with a day name.
  if (!/^[A-Za-z]{3,9},? /.test(value)) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

function resultOf(response: IncomingMessage, body: Buffer): Result {
  const statusCode = response.statusCode ?? null;
  const retryAfter = retryAfterSeconds(response.headers['retry-after'], Date.now());
  const location = response.headers.location?.slice(0, MAX_LOCATION_LENGTH);
  const redirected = statusCode !== null && statusCode >= 300 && statusCode < 400;
  return {
    statusCode,
    error: redirected ? (location ? `redirect to ${location} not followed` : 'redirect not followed') : null,
    // StringDecoder holds back a character cut in half by the byte limit instead of mangling it.
    response: new StringDecoder('utf8').write(body),
    ...(retryAfter === undefined ? {} : { retryAfterSeconds: retryAfter }),
  };
}

export class WebhookHttpClient implements WebhookSender {
  private readonly policy: EgressPolicy;
  private readonly timeoutMs: number;
  /**
   * Pools per environment: a socket connected under sandbox rules (which may allow loopback) is
   * never handed to a live delivery, so reused sockets need no second check. Live never uses http.
   */
  private readonly agents: { live: https.Agent; test: https.Agent; testHttp: http.Agent };
  private readonly lookups: Record<Environment, LookupFunction>;

  constructor(options: WebhookHttpClientOptions) {
    this.policy = options.policy;
    this.timeoutMs = options.timeoutMs ?? 15_000;
    const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 50, timeout: IDLE_SOCKET_MS };
    this.agents = {
      live: new https.Agent(agentOptions),
      test: new https.Agent(agentOptions),
      testHttp: new http.Agent(agentOptions),
    };
    const resolve = options.lookup ?? defaultResolve;
    this.lookups = { live: this.guardedLookup(resolve, 'live'), test: this.guardedLookup(resolve, 'test') };
  }

  async post(request: WebhookRequest): Promise<SendOutcome> {
    const started = performance.now();
    const result = await this.deliver(request, started + this.timeoutMs);
    return { ...result, durationMs: Math.round((performance.now() - started) * 10) / 10 };
  }

  close(): void {
    for (const agent of Object.values(this.agents)) agent.destroy();
  }

  private async deliver(request: WebhookRequest, deadline: number): Promise<Result> {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return failure('URL refused: not an absolute URL');
    }
    const host = bareHostname(url);
    // Node connects to IP literals without calling `lookup`, so they are checked here.
    if (isIP(host)) {
      const problem = addressProblem(host, request.environment, this.policy);
      if (problem) return failure(refusal(host, problem));
    }
    const problem = schemeProblem(url, request.environment, this.policy);
    if (problem) return failure(`URL refused: it ${problem}`);

    const first = await this.attempt(url, host, request, deadline);
    // Node's documented remedy for a race it cannot avoid: the receiver closed an idle socket just
    // as we reused it. A repeat is safe: receivers deduplicate on the webhook-id header.
    return first.staleSocket ? (await this.attempt(url, host, request, deadline)).result : first.result;
  }

  private attempt(url: URL, host: string, request: WebhookRequest, deadline: number): Promise<Attempt> {
    return new Promise((resolve) => {
      let settled = false;
      const settle = (result: Result, staleSocket = false) => {
        if (settled) return;
        settled = true;
        resolve({ result, staleSocket });
      };
      const secure = url.protocol === 'https:';
      let req: ClientRequest;
      try {
        req = (secure ? https : http).request({
          agent: secure ? this.agents[request.environment] : this.agents.testHttp,
          method: 'POST',
          hostname: host,
          port: url.port === '' ? undefined : Number(url.port),
          path: `${url.pathname}${url.search}`,
          headers: {
            ...request.headers,
            'content-type': 'application/json',
            'user-agent': USER_AGENT,
            'content-length': String(Buffer.byteLength(request.body)),
          },
          lookup: this.lookups[request.environment],
        });
      } catch (error) {
        // Invalid header names or values throw here; Node's message names the header, not the value.
        settle(failure(describeError(error)));
        return;
      }
      // Also bounds draining after the result is settled; cleared once the exchange is over so it
      // never destroys a socket that went back to the pool.
      const timer = setTimeout(
        () => {
          settle(failure(`timed out after ${this.timeoutMs} ms`));
          req.destroy();
        },
        Math.max(0, deadline - performance.now()),
      );
      let responded = false;
      req.on('socket', (socket) => this.guardSocket(socket, req, request.environment));
      req.on('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        const stale = req.reusedSocket && !responded && (error.code === 'ECONNRESET' || error.code === 'EPIPE');
        settle(failure(describeError(error)), stale);
      });
      req.on('response', (response) => {
        responded = true;
        this.read(response, (result) => settle(result));
        response.on('close', () => {
          clearTimeout(timer);
          settle(failure('connection closed before the response was complete'));
        });
      });
      req.end(request.body);
    });
  }

  /** Settles on the first 2 KB or the end, then reads on a little to leave the socket reusable. */
  private read(response: IncomingMessage, settle: (result: Result) => void): void {
    const kept: Buffer[] = [];
    let keptBytes = 0;
    let seenBytes = 0;
    response.on('data', (chunk: Buffer) => {
      seenBytes += chunk.length;
      if (keptBytes < KEPT_RESPONSE_BYTES) {
        const part = chunk.subarray(0, KEPT_RESPONSE_BYTES - keptBytes);
        kept.push(part);
        keptBytes += part.length;
        if (keptBytes === KEPT_RESPONSE_BYTES) settle(resultOf(response, Buffer.concat(kept)));
      }
      if (seenBytes > KEPT_RESPONSE_BYTES + DRAINED_RESPONSE_BYTES) response.destroy();
    });
    response.on('end', () => settle(resultOf(response, Buffer.concat(kept))));
    response.on('error', (error) => settle(failure(describeError(error))));
  }

  /**
   * Connects only to addresses the policy allows, resolving at connect time. Node asks for every
   * address (`all`) when it races IPv4 against IPv6, for one otherwise.
   */
  private guardedLookup(resolve: ResolveHost, environment: Environment): LookupFunction {
    return (hostname, options, callback) => {
      const family =
        options.family === 4 || options.family === 'IPv4'
          ? 4
          : options.family === 6 || options.family === 'IPv6'
            ? 6
            : 0;
      resolve(hostname).then(
        (answers) => {
          const candidates = answers.filter((answer) => family === 0 || answer.family === family);
          const allowed = candidates.filter((answer) => !addressProblem(answer.address, environment, this.policy));
          const [chosen] = allowed;
          if (!chosen) {
            const refused = candidates.map(({ address }) =>
              refusal(address, addressProblem(address, environment, this.policy) ?? ''),
            );
            const message = refused.join('; ') || `no ${family === 0 ? '' : `IPv${family} `}address for ${hostname}`;
            callback(new Error(message), '');
          } else if (options.all) {
            callback(null, allowed);
          } else {
            callback(null, chosen.address, chosen.family);
          }
        },
        (error: NodeJS.ErrnoException) => callback(error, ''),
      );
    };
  }

  /**
   * Belt and braces: the peer of every new socket is checked too, in case some path to `connect`
   * ever skips our lookup. For TLS the ClientHello may already be on its way; no request is.
   */
  private guardSocket(socket: Socket, req: ClientRequest, environment: Environment): void {
    if (!socket.connecting) return;
    socket.once('connect', () => {
      const address = socket.remoteAddress ?? 'an unknown peer';
      const problem = socket.remoteAddress ? addressProblem(address, environment, this.policy) : 'address unknown';
      if (problem) req.destroy(new Error(refusal(address, problem)));
    });
  }
}
