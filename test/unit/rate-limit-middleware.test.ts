import { NotFoundError, RateLimitedError } from '../../functions/domain/errors';
import { decide, type RateLimitDecision } from '../../functions/domain/rate-limit';
import { errorResponse } from '../../functions/runtime/http-errors';
import { json } from '../../functions/runtime/http-response';
import { rateLimit } from '../../functions/runtime/rate-limit';
import { anAuthorizedEvent, aStack } from '../support/middleware-harness';

const MINUTE = Date.UTC(2026, 2, 1, 12, 0, 0) / 1000;
const WINDOW = { start: MINUTE, end: MINUTE + 60 };

function aLimiterDeciding(decision: RateLimitDecision | Error) {
  const check = jest.fn(async (_keyId: string, _limit: number) => {
    if (decision instanceof Error) throw decision;
    return decision;
  });
  return { check };
}

function aRateLimitedStack(
  decision: RateLimitDecision | Error,
  handler = async () => json(200, { ok: true }),
  clock = () => new Date((MINUTE + 15) * 1000),
) {
  const limiter = aLimiterDeciding(decision);
  const log = { error: jest.fn() };
  const work = jest.fn(handler);
  const invoke = aStack(rateLimit(limiter, log, { clock }), work);
  return { invoke, limiter, log, work };
}

const rateLimitHeadersOf = (headers: Record<string, string>) =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => name.startsWith('X-RateLimit')));

describe('rateLimit', () => {
  it('adds nothing when the authorizer context carries no limit at all', async () => {
    const { invoke, limiter, work } = aRateLimitedStack(decide(1, 5, WINDOW, new Date(MINUTE * 1000)));

    const response = await invoke(anAuthorizedEvent());

    expect(response.statusCode).toBe(200);
    expect(limiter.check).not.toHaveBeenCalled();
    expect(work).toHaveBeenCalledTimes(1);
    expect(rateLimitHeadersOf(response.headers)).toEqual({});
  });

  it("reports the organization's plan limit for a key without its own, counted on this instance, with no check", async () => {
    const { invoke, limiter } = aRateLimitedStack(decide(1, 5, WINDOW, new Date(MINUTE * 1000)));
    const event = () => anAuthorizedEvent({ rateLimit: { perMinute: '60', scope: 'organization' } });

    await invoke(event());
    const response = await invoke(event());

    expect(limiter.check).not.toHaveBeenCalled();
    expect(rateLimitHeadersOf(response.headers)).toEqual({
      'X-RateLimit-Limit': '60',
      'X-RateLimit-Remaining': '58',
      'X-RateLimit-Reset': '45',
    });
  });

  it("replaces a backend's own X-RateLimit-* in any letter case (the metered proxy's answer)", async () => {
    const backendAnswer = async () => ({
      statusCode: 200,
      headers: { 'x-ratelimit-limit': '60', 'x-ratelimit-remaining': '59', 'content-type': 'application/json' },
      multiValueHeaders: { 'X-RATELIMIT-RESET': ['44'] },
      body: '{}',
    });
    const { invoke } = aRateLimitedStack(decide(2, 5, WINDOW, new Date(MINUTE * 1000)), backendAnswer);

    const response = (await invoke(anAuthorizedEvent({ rateLimitPerMinute: '5' }))) as Awaited<
      ReturnType<typeof backendAnswer>
    >;

    expect(response.headers).toEqual({
      'content-type': 'application/json',
      'X-RateLimit-Limit': '5',
      'X-RateLimit-Remaining': '3',
      'X-RateLimit-Reset': '60',
    });
    expect(response.multiValueHeaders).toEqual({});
  });

  it("puts the plan's headers on error answers too, the other checks' refusals included", async () => {
    const { invoke } = aRateLimitedStack(decide(1, 5, WINDOW, new Date(MINUTE * 1000)), async () => {
      throw new NotFoundError('No contact ct_1.');
    });

    const response = await invoke(anAuthorizedEvent({ rateLimit: { perMinute: 60, scope: 'organization' } }));

    expect(response.statusCode).toBe(404);
    expect(response.headers['X-RateLimit-Limit']).toBe('60');
  });

  it("checks a limited key against its own limit and puts X-RateLimit-* on the handler's response", async () => {
    const { invoke, limiter } = aRateLimitedStack(decide(2, 5, WINDOW, new Date(MINUTE * 1000)));

    const response = await invoke(anAuthorizedEvent({ rateLimitPerMinute: '5' }));

    expect(limiter.check).toHaveBeenCalledWith('key_AAAAAAAAAAAAAAAA', 5);
    expect(response.statusCode).toBe(200);
    expect(response.headers).toMatchObject({
      'X-RateLimit-Limit': '5',
      'X-RateLimit-Remaining': '3',
      'X-RateLimit-Reset': '60',
    });
  });

  it('answers a call over the limit with 429, Retry-After and X-RateLimit-*, without running the handler', async () => {
    const { invoke, work } = aRateLimitedStack(decide(6, 5, WINDOW, new Date((MINUTE + 20) * 1000)));

    const response = await invoke(anAuthorizedEvent({ rateLimitPerMinute: '5' }));

    expect(work).not.toHaveBeenCalled();
    expect(response.statusCode).toBe(429);
    expect(JSON.parse(response.body)).toEqual({
      error: { code: 'rate_limited', message: expect.stringContaining('5 requests per minute') },
    });
    expect(response.headers).toMatchObject({
      'Retry-After': '40',
      'X-RateLimit-Limit': '5',
      'X-RateLimit-Remaining': '0',
      'X-RateLimit-Reset': '40',
    });
  });

  it("puts X-RateLimit-* on a limited key's error responses too", async () => {
    const { invoke } = aRateLimitedStack(decide(1, 5, WINDOW, new Date(MINUTE * 1000)), async () => {
      throw new NotFoundError('No contact ct_1.');
    });

    const response = await invoke(anAuthorizedEvent({ rateLimitPerMinute: 5 }));

    expect(response.statusCode).toBe(404);
    expect(response.headers['X-RateLimit-Remaining']).toBe('4');
  });

  it('fails open when the counter fails: the call goes through with estimated headers, and the failure is logged', async () => {
    const { invoke, work, log } = aRateLimitedStack(new Error('ProvisionedThroughputExceededException'));

    const response = await invoke(anAuthorizedEvent({ rateLimitPerMinute: '5' }));

    expect(response.statusCode).toBe(200);
    expect(work).toHaveBeenCalledTimes(1);
    expect(rateLimitHeadersOf(response.headers)).toEqual({
      'X-RateLimit-Limit': '5',
      'X-RateLimit-Remaining': '4',
      'X-RateLimit-Reset': '45',
    });
    expect(log.error).toHaveBeenCalledWith(expect.stringContaining('fail open'), {
      keyId: 'key_AAAAAAAAAAAAAAAA',
      error: expect.any(Error),
    });
  });

  it('fails closed on a malformed limit in the authorizer context', async () => {
    const { invoke, work, limiter } = aRateLimitedStack(decide(1, 5, WINDOW, new Date(MINUTE * 1000)));

    const response = await invoke(anAuthorizedEvent({ rateLimitPerMinute: 'lots' }));

    expect(response.statusCode).toBe(403);
    expect(work).not.toHaveBeenCalled();
    expect(limiter.check).not.toHaveBeenCalled();
  });
});

describe('errorResponse', () => {
  it('maps RateLimitedError to 429 rate_limited with its Retry-After', () => {
    const response = errorResponse(new RateLimitedError('Slow down.', 17));

    expect(response.statusCode).toBe(429);
    expect(response.headers['Retry-After']).toBe('17');
    expect(JSON.parse(response.body)).toEqual({ error: { code: 'rate_limited', message: 'Slow down.' } });
  });
});
