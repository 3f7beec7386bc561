import {
  ApiError,
  BadRequestError,
  ConflictError,
  createClient,
  ForbiddenError,
  NotFoundError,
  PaymentRequiredError,
  QuotaExceededError,
  RateLimitError,
  UnauthorizedError,
} from '../src';
import { type Answer, errorBody, fakeFetch } from './fake-fetch';

function clientWith(answer: Answer, keyHeader?: 'x-api-key' | 'authorization') {
  const server = fakeFetch(answer);
  const client = createClient({
    baseUrl: 'https://api.example.com/live/',
    apiKey: 'sk_live_secret',
    ...(keyHeader && { keyHeader }),
    fetch: server.fetch,
    retry: { maxRetries: 0 },
  });
  return { client, sent: server.sent };
}

describe('createClient', () => {
  it('sends the key in x-api-key by default, to the stage URL with the path and query filled in', async () => {
    const { client, sent } = clientWith({ status: 200, body: { items: [] } });

    await client.GET('/v1/keys/{id}/calls', { params: { path: { id: 'key_1' }, query: { limit: 5 } } });

    expect(sent[0]?.url).toBe('https://api.example.com/live/v1/keys/key_1/calls?limit=5');
    expect(sent[0]?.headers.get('x-api-key')).toBe('sk_live_secret');
    expect(sent[0]?.headers.get('authorization')).toBeNull();
  });

  it('sends Authorization: Bearer <key> in authorization mode, and no x-api-key', async () => {
    const { client, sent } = clientWith({ status: 200, body: {} }, 'authorization');

    await client.GET('/v1/whoami');

    expect(sent[0]?.headers.get('authorization')).toBe('Bearer sk_live_secret');
    expect(sent[0]?.headers.get('x-api-key')).toBeNull();
  });

  it('resolves to the body of a success and to undefined for a 204', async () => {
    const created = clientWith({ status: 201, body: { id: 'key_1', key: 'sk_live_new' } });
    const deleted = clientWith({ status: 204 });

    expect(await created.client.POST('/v1/keys', { body: { name: 'n', permissions: ['read'] } })).toEqual({
      id: 'key_1',
      key: 'sk_live_new',
    });
    expect(await deleted.client.DELETE('/v1/keys/{id}', { params: { path: { id: 'key_1' } } })).toBeUndefined();
  });
});

/** What openapi-typescript makes of a team's API with one route, as `npm run sdk:generate -- --definition` writes it. */
interface WidgetPaths {
  '/v1/widgets/{id}': {
    parameters: { query?: never; header?: never; path?: never; cookie?: never };
    get: {
      parameters: { query?: never; header?: never; path: { id: string }; cookie?: never };
      requestBody?: never;
      responses: {
        200: { headers: { [name: string]: unknown }; content: { 'application/json': { id: string; size: number } } };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}

describe('createClient<Paths>', () => {
  it("is typed by a team's own generated paths: its routes, parameters and answers", async () => {
    const server = fakeFetch({ status: 200, body: { id: 'w_1', size: 3 } });
    const client = createClient<WidgetPaths>({
      baseUrl: 'https://api.example.com/live',
      apiKey: 'k',
      fetch: server.fetch,
    });

    const widget: { id: string; size: number } = await client.GET('/v1/widgets/{id}', {
      params: { path: { id: 'w_1' } },
    });
    // @ts-expect-error: the platform's own routes are not in this API's paths (tsc checks this line).
    const notThere = () => client.GET('/v1/keys', {});

    expect(widget).toEqual({ id: 'w_1', size: 3 });
    expect(server.sent[0]?.url).toBe('https://api.example.com/live/v1/widgets/w_1');
    expect(notThere).toBeInstanceOf(Function);
  });
});

describe('typed errors', () => {
  it('turns a 400 into a BadRequestError with the fields to fix', async () => {
    const fields = [{ field: 'name', message: 'must not be empty' }];
    const { client } = clientWith({
      status: 400,
      body: errorBody('invalid_request', 'name: must not be empty', fields),
    });

    const error = await client
      .POST('/v1/keys', { body: { name: '', permissions: [] } })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, code: 'invalid_request', message: 'name: must not be empty', fields });
  });

  it.each([
    [401, UnauthorizedError],
    [402, PaymentRequiredError],
    [403, ForbiddenError],
    [404, NotFoundError],
    [409, ConflictError],
    [429, RateLimitError],
  ] as const)('turns a %i into a %p', async (status, ErrorClass) => {
    const { client } = clientWith({ status, body: errorBody('some_code', 'Some message') });

    const error = await client.GET('/v1/keys').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ErrorClass);
    expect(error).toMatchObject({ status, code: 'some_code', message: 'Some message', fields: [] });
  });

  it('turns a 429 whose code is quota_exceeded into a QuotaExceededError, still a RateLimitError', async () => {
    const { client } = clientWith({ status: 429, body: errorBody('quota_exceeded', 'Quota used up.') });

    const error = await client.GET('/v1/keys').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(QuotaExceededError);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ name: 'QuotaExceededError', status: 429, code: 'quota_exceeded' });
  });

  it('gives an answer that is not the platform error shape a generic code and the text', async () => {
    const { client } = clientWith({ status: 502, body: 'Bad gateway' });

    const error = await client.GET('/v1/keys').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 502, code: 'http_502', message: 'HTTP 502: Bad gateway' });
  });
});
