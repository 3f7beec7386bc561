import { createClient, QuotaExceededError, RateLimitError } from '../src';
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
/** API Gateway's QUOTA_EXCEEDED answer: a 429 without Retry-After. */
const quotaUsedUp: Answer = { status: 429, body: errorBody('quota_exceeded', 'Quota used up for the period.') };
const newKey = { body: { name: 'a', permissions: ['read'] } };

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

  it('retries a POST answered 429 without being marked retryable: the refusal came before any handler', async () => {
    const { client, sent, waits } = clientWith([tooMany('2'), { status: 201, body: { id: 'key_1' } }]);

    const created = await client.POST('/v1/keys', newKey);

    expect(created).toEqual({ id: 'key_1' });
    expect(sent.map((request) => request.body)).toEqual(Array(2).fill('{"name":"a","permissions":["read"]}'));
    expect(waits).toEqual([2000]);
  });

  it("does not resend a POST answered 429 by a team's backend: it may have done the work", async () => {
    const backendBusy: Answer = {
      status: 429,
      body: errorBody('too_busy', 'Come back later'),
      headers: { 'retry-after': '1' },
    };
    const { client, sent } = clientWith([backendBusy, { status: 201, body: { id: 'key_1' } }]);

    const error = await client.POST('/v1/keys', newKey).catch((thrown: unknown) => thrown);

    expect(error).toBeInstanceOf(RateLimitError);
    expect(sent).toHaveLength(1);
  });

  it.each([
    ['GET', (client: ReturnType<typeof clientWith>['client']) => client.GET('/v1/keys')],
    ['POST', (client: ReturnType<typeof clientWith>['client']) => client.POST('/v1/keys', newKey)],
  ])('throws a QuotaExceededError for a used-up quota on a %s at once, without retrying', async (_, send) => {
    const { client, sent, waits } = clientWith([quotaUsedUp, ok]);

    const error = await send(client).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(QuotaExceededError);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ status: 429, code: 'quota_exceeded', name: 'QuotaExceededError' });
    expect(sent).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it.each([
    '1.5',
    '-1',
    '0.5',
    '1e3',
    'soon',
    '2026-12-01T08:00:07Z',
    'Tue, 01 Dec 2026 08:00:07 +0000',
    'Sat, 31 Feb 2026 08:00:07 GMT',
  ])('ignores the Retry-After %j, which is neither whole seconds nor an HTTP-date, and backs off instead', async (retryAfter) => {
    const { client, sent, waits } = clientWith([tooMany(retryAfter), ok]);

    await client.GET('/v1/keys');

    expect(sent).toHaveLength(2);
    expect(waits).toEqual([50]);
  });

  it.each([
    ['an IMF-fixdate', 'Tue, 01 Dec 2026 08:00:07 GMT'],
    ['an RFC 850 date', 'Tuesday, 01-Dec-26 08:00:07 GMT'],
    ['an asctime date', 'Tue Dec  1 08:00:07 2026'],
  ])('waits until %s in Retry-After', async (_, retryAfter) => {
    const { client, waits } = clientWith([tooMany(retryAfter), ok]);

    await client.GET('/v1/keys');

    expect(waits).toEqual([7000]);
  });

  it('waits nothing for a Retry-After date already past', async () => {
    const { client, waits } = clientWith([tooMany('Tue, 01 Dec 2026 07:59:00 GMT'), ok]);

    await client.GET('/v1/keys');

    expect(waits).toEqual([0]);
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
