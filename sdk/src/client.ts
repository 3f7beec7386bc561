/**
 * The client: openapi-fetch typed by the generated `paths`, with the key in the deployment's key
 * header, retries (retry.ts) and typed errors. Methods resolve to the success body and reject with
 * an ApiError, so `data` needs no undefined check.
 */
import createFetchClient, { type Client, type FetchResponse, type MaybeOptionalInit } from 'openapi-fetch';
import { apiErrorOf } from './errors';
import { type RetryOptions, retryingFetch } from './retry';
import type { paths } from './schema';

export interface ClientOptions {
  /** A stage URL, e.g. `https://abc.execute-api.eu-west-1.amazonaws.com/live` or `http://localhost:3000/live`. */
  baseUrl: string;
  apiKey: string;
  /** How the deployment takes keys: `x-api-key: <key>` (default) or `Authorization: Bearer <key>`. */
  keyHeader?: 'x-api-key' | 'authorization';
  /** Defaults to the global fetch. */
  fetch?: (request: Request) => Promise<Response>;
  retry?: RetryOptions;
}

type Method = 'get' | 'put' | 'post' | 'delete' | 'patch';
type Paths = { [P in keyof paths]: paths[P] };
type PathsWith<M extends Method> = { [P in keyof Paths]: Paths[P] extends Record<M, object> ? P : never }[keyof Paths];
type RequiredKeysOf<T> = { [K in keyof T]-?: Record<never, never> extends Pick<T, K> ? never : K }[keyof T];
/** Per call: `retryable: true` lets a POST or PATCH that is safe to repeat be retried too. */
type CallOptions = { retryable?: boolean };
type InitArgs<Init> = RequiredKeysOf<Init> extends never ? [(Init & CallOptions)?] : [Init & CallOptions];
/** The success answer's body; undefined for an operation answering without one (204). */
type SuccessBody<Operation, Init> =
  Operation extends Record<string | number, unknown>
    ? OrUndefined<NonNullable<FetchResponse<Operation, Init, 'application/json'>['data']>>
    : never;
type OrUndefined<T> = [T] extends [never] ? undefined : T;

export type ApiMethod<M extends Method> = <
  P extends PathsWith<M>,
  Init extends MaybeOptionalInit<Paths[P], M & keyof Paths[P]>,
>(
  path: P,
  ...init: InitArgs<Init>
) => Promise<SuccessBody<Paths[P][M & keyof Paths[P]], Init>>;

export interface ApiClient {
  GET: ApiMethod<'get'>;
  POST: ApiMethod<'post'>;
  PUT: ApiMethod<'put'>;
  PATCH: ApiMethod<'patch'>;
  DELETE: ApiMethod<'delete'>;
  /** openapi-fetch itself (`{ data, error, response }`), with the same key header and retries. */
  raw: Client<paths>;
}

export function createClient(options: ClientOptions): ApiClient {
  const raw = createFetchClient<paths>({
    baseUrl: options.baseUrl,
    fetch: retryingFetch(options.fetch ?? ((request) => globalThis.fetch(request)), options.retry),
  });
  const keyHeader = options.keyHeader ?? 'x-api-key';
  raw.use({
    onRequest({ request }) {
      // Set in place: a new Request would lose the `retryable` mark openapi-fetch put on this one.
      if (keyHeader === 'authorization') request.headers.set('authorization', `Bearer ${options.apiKey}`);
      else request.headers.set('x-api-key', options.apiKey);
    },
  });
  const call =
    (method: Uppercase<Method>) =>
    async (path: string, init?: Record<string, unknown>): Promise<unknown> => {
      const { data, error, response } = await raw.request(method as never, path as never, init as never);
      if (!response.ok) throw apiErrorOf(response.status, error, response.headers);
      return data;
    };
  return {
    GET: call('GET') as ApiMethod<'get'>,
    POST: call('POST') as ApiMethod<'post'>,
    PUT: call('PUT') as ApiMethod<'put'>,
    PATCH: call('PATCH') as ApiMethod<'patch'>,
    DELETE: call('DELETE') as ApiMethod<'delete'>,
    raw,
  };
}
