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

function aRateLimitedStack(decision: RateLimitDecision | Error, handler = async () => json(200, { ok: true })) {
  const limiter = aLimiterDeciding(decision);
  const log = { error: jest.fn() };
  const work = jest.fn(handler);
  const invoke = aStack(rateLimit(limiter, log), work);
  return { invoke, limiter, log, work };
}

describe('rateLimit', () => {
  it('does nothing for a key without a limit of its own: no check, no headers', async () => {
    const { invoke, limiter, work } = aRateLimitedStack(decide(1, 5, WINDOW, new Date(MINUTE * 1000)));

    const response = await invoke(anAuthorizedEvent());

    expect(response.statusCode).toBe(200);
    expect(limiter.check).not.toHaveBeenCalled();
    expect(work).toHaveBeenCalledTimes(1);
    expect(Object.keys(response.headers).filter((name) => name.startsWith('X-RateLimit'))).toEqual([]);
  });

  it("checks a limited key against its own limit and puts X-RateLimit-* on the handler's response", async () => {
    const { invoke, limiter } = aRateLimitedStack(decide(2, 5, WINDOW, new Date(MINUTE * 1000)));

    const response = await invoke(anAuthorizedEvent({ rateLimitPerMinute: '5' }));

    expect(limiter.check).toHaveBeenCalledWith('key_AAAAAAAAAAAAAAAA', 5);
    expect(response.statusCode).toBe(200);
    expect(response.headers).toMatchObject({
      'X-RateLimit-Limit': '5',
      'X-RateLimit-Remaining': '3',
      'X-RateLimit-Reset': String(MINUTE + 60),
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
      'X-RateLimit-Reset': String(MINUTE + 60),
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

  it('fails open when the counter fails: the call goes through and the failure is logged', async () => {
    const { invoke, work, log } = aRateLimitedStack(new Error('ProvisionedThroughputExceededException'));

    const response = await invoke(anAuthorizedEvent({ rateLimitPerMinute: '5' }));

    expect(response.statusCode).toBe(200);
    expect(work).toHaveBeenCalledTimes(1);
    expect(response.headers).not.toHaveProperty('X-RateLimit-Limit');
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
