/** A small HTTP client for driving the local stack as an API client would, from a chosen loopback address. */
import { appendFileSync } from 'node:fs';
import { request } from 'node:http';
import { type ContractMode, type ContractViolation, describeViolation, type ReceivedResponse } from './contract';

export interface ApiResponse<T = any> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
  text: string;
}

export interface CallOptions {
  key?: string;
  /** How the key is sent. */
  keyHeader?: 'x-api-key' | 'bearer';
  body?: unknown;
  rawBody?: string;
  /** A list sends the header once per value, as repeated header lines. */
  headers?: Record<string, string | string[]>;
  /** Source address on loopback (127.0.0.0/8), to test IP allowlists. */
  localAddress?: string;
  /**
   * How a gateway's answer is held to the OpenAPI document (checkContractAt): `full` by default;
   * `errors-only` for a test that provokes an undocumented success on purpose (its errors still count).
   */
  contract?: ContractMode;
}

export type ContractCheck = (
  method: string,
  /** `/<stage>/<resource path>`, as the gateway routes it. */
  gatewayPath: string,
  response: ReceivedResponse,
  mode: ContractMode,
) => ContractViolation | undefined;

/** Gateways whose answers are checked against the document: origin → the check (test/support/platform.ts). */
const contractChecks = new Map<string, () => ContractCheck>();

/**
 * Checks every answer from the gateway at `stageUrl`'s origin against the document: a mismatch
 * makes the call throw. The check is looked up per call, so it follows the active API definition.
 */
export function checkContractAt(stageUrl: string, check: () => ContractCheck): void {
  refuseViolationsFileInCi();
  contractChecks.set(new URL(stageUrl).origin, check);
}

/**
 * The contract's verdict on an answer from `url`: the Error to fail the call with, or undefined
 * when it matches, its origin is not checked, or the mismatch went to CONTRACT_VIOLATIONS_FILE.
 * http-client's `call` and the SDK tests' fetch (contract-fetch.ts) both go through it.
 */
export function contractFailure(
  method: string,
  url: string,
  response: ReceivedResponse,
  mode: ContractMode = 'full',
): Error | undefined {
  const violation = contractViolation(method, url, response, mode);
  if (!violation || recordViolation(violation)) return undefined;
  return new Error(describeViolation(violation));
}

export function call<T = any>(method: string, url: string, options: CallOptions = {}): Promise<ApiResponse<T>> {
  const headers: Record<string, string | string[]> = { ...options.headers };
  if (options.key) {
    if (options.keyHeader === 'bearer') headers.authorization = `Bearer ${options.key}`;
    else headers['x-api-key'] = options.key;
  }
  const payload = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  if (payload !== undefined) {
    headers['content-type'] ??= 'application/json';
    headers['content-length'] = String(Buffer.byteLength(payload));
  }
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method, headers, ...(options.localAddress && { localAddress: options.localAddress }) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            // not JSON: keep the text
          }
          const response = { status: res.statusCode ?? 0, headers: res.headers, body: body as T, text };
          const failure = contractFailure(method, url, response, options.contract ?? 'full');
          if (failure) reject(failure);
          else resolve(response);
        });
      },
    );
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/**
 * With CONTRACT_VIOLATIONS_FILE set, a mismatch is appended to that file (a JSON line) instead of
 * failing the call: one local run of the suite then lists every mismatch, not the first of each
 * test. Refused in CI.
 */
function recordViolation(violation: ContractViolation): boolean {
  const file = process.env.CONTRACT_VIOLATIONS_FILE;
  // Setup already refused it in CI (checkContractAt); set later, it still must not mask a failure.
  if (!file || runningInCi()) return false;
  appendFileSync(file, `${JSON.stringify(violation)}\n`);
  return true;
}

/** In CI a mismatch must fail its test: a file of log lines nobody reads would let it pass. */
function refuseViolationsFileInCi(): void {
  if (!process.env.CONTRACT_VIOLATIONS_FILE || !runningInCi()) return;
  throw new Error(
    'CONTRACT_VIOLATIONS_FILE is set in CI (CI is set): contract violations would be logged instead of failing their tests. Unset CONTRACT_VIOLATIONS_FILE; it is for listing every mismatch in one local run.',
  );
}

function runningInCi(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
}

function contractViolation(method: string, url: string, response: ReceivedResponse, mode: ContractMode) {
  const { origin, pathname } = new URL(url);
  return contractChecks.get(origin)?.()(method, pathname, response, mode);
}

/** A client bound to a stage URL and a key. */
export function apiAs(baseUrl: string, key?: string, defaults: Omit<CallOptions, 'key' | 'body'> = {}) {
  const send =
    (method: string) =>
    <T = any>(path: string, body?: unknown, options: CallOptions = {}) =>
      call<T>(method, `${baseUrl}${path}`, {
        ...defaults,
        ...(key && { key }),
        ...(body !== undefined && { body }),
        ...options,
      });
  return { get: send('GET'), post: send('POST'), patch: send('PATCH'), delete: send('DELETE'), put: send('PUT') };
}
