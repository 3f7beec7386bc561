import { createClient, RateLimitError } from '../src';
import { ApiError } from '../src/errors';
import { type Answer, errorBody, fakeFetch, fakeSleep } from './fake-fetch';

const NOW = Date.parse('2026-12-01T08:00:00Z');
const ok: Answer = { status: 200, body: { items: [], nextCursor: null } };
const unavailable: Answer = { status: 503, body: errorBody('service_unavailable', 'Try again') };
const tooMany = (retryAfter?: string): Answer => ({
  status: 429,
  body: errorBody('rate_limited', 'Slow down'),
  ...(retryAfter !== undefined && { headers: { 'retry-after': retryAfter } }),
});

function clientWith(answers: Answer[], retry: { maxRetries?: number; baseDelayMs?: number; maxDelayMs?: number } = {}) {
  const server = fakeFetch(...answers);
  const clock = fakeSleep();
  const client = createClient({
    baseUrl: 'https://api.example.com/live',
    apiKey: 'sk_live_x',
    fetch: server.fetch,
    retry: { baseDelayMs: 100, maxDelayMs: 10_000, ...retry, sleep: clock.sleep, now: () => NOW, random: () => 0.5 },
  });
  return { client, sent: server.sent, waits: clock.waits };
}

describe('retries', () => {
  it('retries a GET answered 503 after a backoff and returns the answer that succeeded', async () => {
    const { client, sent, waits } = clientWith([unavailable, ok]);

    const page = await client.GET('/v1/keys');

    expect(page).toEqual({ items: [], nextCursor: null });
    expect(sent).toHaveLength(2);
    expect(waits).toEqual([50]);
  });

  it('waits the Retry-After seconds of a 429 instead of its own backoff', async () => {
    const { client, waits } = clientWith([tooMany('3'), ok]);

    await client.GET('/v1/keys');

    expect(waits).toEqual([3000]);
  });

  it('reads a Retry-After HTTP date against its clock', async () => {
    const { client, waits } = clientWith([tooMany(new Date(NOW + 7000).toUTCString()), ok]);

    await client.GET('/v1/keys');

    expect(waits).toEqual([7000]);
  });

  it('does not wait for a Retry-After past maxDelayMs: the RateLimitError says how long', async () => {
    const { client, sent, waits } = clientWith([tooMany('86400'), ok]);

    const error = await client.GET('/v1/keys').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterSeconds).toBe(86400);
    expect(sent).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('doubles the backoff ceiling on each retry, capped at maxDelayMs, then gives up with the last error', async () => {
    const { client, sent, waits } = clientWith([tooMany()], { maxRetries: 4, baseDelayMs: 1000, maxDelayMs: 5000 });

    const error = await client.GET('/v1/keys').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(RateLimitError);
    expect(sent).toHaveLength(5);
    // Full jitter at random() = 0.5 of min(5000, 1000 * 2^attempt).
    expect(waits).toEqual([500, 1000, 2000, 2500]);
  });

  it('does not retry a POST unless the call is marked retryable, and then sends the same body again', async () => {
    const once = clientWith([unavailable, { status: 201, body: { id: 'key_1' } }]);
    const marked = clientWith([unavailable, { status: 201, body: { id: 'key_1' } }]);

    const refused = await once.client
      .POST('/v1/keys', { body: { name: 'a', permissions: ['read'] } })
      .catch((caught: unknown) => caught);
    const created = await marked.client.POST('/v1/keys', {
      body: { name: 'a', permissions: ['read'] },
      retryable: true,
    });

    expect(refused).toMatchObject({ status: 503, code: 'service_unavailable' });
    expect(once.sent).toHaveLength(1);
    expect(created).toEqual({ id: 'key_1' });
    expect(marked.sent.map((request) => request.body)).toEqual(Array(2).fill('{"name":"a","permissions":["read"]}'));
  });

  it.each([400, 500, 502])('does not retry a %i', async (status) => {
    const { client, sent } = clientWith([{ status, body: errorBody('x', 'no') }, ok]);

    const error = await client.GET('/v1/keys').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ApiError);
    expect(sent).toHaveLength(1);
  });

  it('sends once with maxRetries 0', async () => {
    const { client, sent } = clientWith([unavailable, ok], { maxRetries: 0 });

    await expect(client.GET('/v1/keys')).rejects.toMatchObject({ status: 503 });
    expect(sent).toHaveLength(1);
  });
});
