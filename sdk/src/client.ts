/**
 * The client: openapi-fetch typed by a generated `paths` (the Leadbase example's by default, a
 * team's own from `npm run sdk:generate`), with the key in the deployment's key header, retries
 * (retry.ts) and typed errors. Methods resolve to the success body and reject with an ApiError, so
 * `data` needs no undefined check.
 */
import createFetchClient, { type Client, type FetchResponse, type MaybeOptionalInit } from 'openapi-fetch';
import { apiErrorOf } from './errors';
import { type RetryOptions, retryingFetch } from './retry';
import type { paths as LeadbasePaths } from './schema';

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
/** openapi-typescript's `paths` interface as a plain object type, which `Record<…>` checks can see into. */
type PlainPaths<Paths> = { [P in keyof Paths]: Paths[P] };
type PathsWith<Paths, M extends Method> = {
  [P in keyof Paths]: Paths[P] extends Record<M, object> ? P : never;
}[keyof Paths];
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

export type ApiMethod<M extends Method, Paths extends {} = LeadbasePaths> = <
  P extends PathsWith<PlainPaths<Paths>, M>,
  Init extends MaybeOptionalInit<PlainPaths<Paths>[P], M & keyof PlainPaths<Paths>[P]>,
>(
  path: P,
  ...init: InitArgs<Init>
) => Promise<SuccessBody<PlainPaths<Paths>[P][M & keyof PlainPaths<Paths>[P]], Init>>;

/** A client of the API whose generated types are `Paths` (`import type { paths } from './schema'`). */
export interface ApiClient<Paths extends {} = LeadbasePaths> {
  GET: ApiMethod<'get', Paths>;
  POST: ApiMethod<'post', Paths>;
  PUT: ApiMethod<'put', Paths>;
  PATCH: ApiMethod<'patch', Paths>;
  DELETE: ApiMethod<'delete', Paths>;
  /** openapi-fetch itself (`{ data, error, response }`), with the same key header and retries. */
  raw: Client<Paths>;
}

/**
 * `createClient(options)` is typed for the Leadbase example's API; `createClient<paths>(options)`
 * for another API whose `paths` type `npm run sdk:generate` made from its document or definition.
 */
export function createClient<Paths extends {} = LeadbasePaths>(options: ClientOptions): ApiClient<Paths> {
  const raw = createFetchClient<Paths>({
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
    GET: call('GET') as ApiMethod<'get', Paths>,
    POST: call('POST') as ApiMethod<'post', Paths>,
    PUT: call('PUT') as ApiMethod<'put', Paths>,
    PATCH: call('PATCH') as ApiMethod<'patch', Paths>,
    DELETE: call('DELETE') as ApiMethod<'delete', Paths>,
    raw,
  };
}
