import type { FlushStageAuthorizersCacheCommand } from '@aws-sdk/client-api-gateway';
import { ApiGatewayAuthorizerCache, type AuthorizerCacheOptions } from '../../functions/adapters/authorizer-cache';
import { aTestApi, usingApi } from '../support/test-api';
import { aManualClock } from '../support/unit-factories';

/** An API Gateway error as the SDK throws it. */
function anApiError(name: string, httpStatusCode: number): Error {
  return Object.assign(new Error(name), { name, $metadata: { httpStatusCode } });
}

/** A client whose flushes answer with `outcomes` in turn (then succeed), recording each call. */
function aFlakyClient(outcomes: (Error | 'ok')[]) {
  const calls: { stageName: string }[] = [];
  return {
    calls,
    send: async (command: FlushStageAuthorizersCacheCommand) => {
      calls.push({ stageName: command.input.stageName as string });
      const outcome = outcomes.shift() ?? 'ok';
      if (outcome !== 'ok') throw outcome;
      return {};
    },
  };
}

function aFlusher(client: ReturnType<typeof aFlakyClient>, overrides: Partial<AuthorizerCacheOptions> = {}) {
  const time = aManualClock();
  const sleeps: number[] = [];
  const failures: { error: unknown; stageName: string }[] = [];
  const flushed: { stageName: string; attempts: number }[] = [];
  const cache = new ApiGatewayAuthorizerCache(client as never, 'api123', {
    onError: (error, stageName) => failures.push({ error, stageName }),
    onFlushed: (stageName, attempts) => flushed.push({ stageName, attempts }),
    sleep: async (ms) => {
      sleeps.push(ms);
      time.advance(ms);
    },
    now: time.now,
    random: () => 0.5,
    reflushAfterMs: 300,
    ...overrides,
  });
  return { cache, sleeps, failures, flushed };
}

const throttled = () => anApiError('TooManyRequestsException', 429);

describe('ApiGatewayAuthorizerCache', () => {
  it('flushes the environment’s stage twice, 300 ms apart', async () => {
    const client = aFlakyClient([]);
    const { cache, sleeps, flushed } = aFlusher(client);

    await cache.flush('live');

    expect(client.calls).toEqual([{ stageName: 'live' }, { stageName: 'live' }]);
    expect(sleeps).toEqual([300]);
    expect(flushed).toEqual([
      { stageName: 'live', attempts: 1 },
      { stageName: 'live', attempts: 1 },
    ]);
  });

  it('retries a throttled flush with growing, jittered waits until it succeeds', async () => {
    const client = aFlakyClient([throttled(), throttled(), throttled()]);
    const { cache, sleeps, failures, flushed } = aFlusher(client);

    await cache.flush('test');

    // Caps 200, 400, 800 ms; the jitter draws half of each.
    expect(sleeps).toEqual([100, 200, 400, 300]);
    expect(client.calls.map((call) => call.stageName)).toEqual(Array(5).fill('sandbox'));
    expect(flushed[0]).toEqual({ stageName: 'sandbox', attempts: 4 });
    expect(failures).toEqual([]);
  });

  it('retries 5XX answers and network errors', async () => {
    const networkError = new Error('socket hang up');
    const client = aFlakyClient([anApiError('ServiceUnavailableException', 503), networkError]);
    const { cache, failures, flushed } = aFlusher(client);

    await cache.flush('live');

    expect(failures).toEqual([]);
    expect(flushed[0]?.attempts).toBe(3);
  });

  it('gives up when the next wait would pass the retry budget, and reports the last error', async () => {
    const errors = Array.from({ length: 50 }, throttled);
    const client = aFlakyClient(errors);
    const { cache, sleeps, failures } = aFlusher(client, { retry: { budgetMs: 2_000 }, random: () => 0.999 });

    await cache.flush('live');

    // 199 + 399 + 799 ms waited; the next wait (1,498 ms) would end past 2 s, so the first round gives up after
    // 4 tries. The second round, 300 ms later, shares the budget: 1,697 ms are gone, so it gets 2 tries.
    expect(sleeps).toEqual([199, 399, 799, 300, 199]);
    expect(client.calls).toHaveLength(6);
    expect(failures.map((failure) => [failure.stageName, (failure.error as Error).name])).toEqual([
      ['live', 'TooManyRequestsException'],
      ['live', 'TooManyRequestsException'],
    ]);
  });

  it('never waits longer than the cap', async () => {
    const client = aFlakyClient(Array.from({ length: 8 }, throttled));
    const { cache, sleeps } = aFlusher(client, { retry: { budgetMs: 60_000 }, random: () => 0.999 });

    await cache.flush('live');

    expect(Math.max(...sleeps)).toBeLessThan(1_500);
  });

  it('does not retry a 4XX such as a missing stage', async () => {
    const client = aFlakyClient([anApiError('NotFoundException', 404)]);
    const { cache, sleeps, failures } = aFlusher(client);

    await cache.flush('live');

    expect(sleeps).toEqual([300]);
    expect(failures.map((failure) => (failure.error as Error).name)).toEqual(['NotFoundException']);
  });

  it('lets a throwing onError fail the flush, so a queued expiry is retried by SQS', async () => {
    const client = aFlakyClient([anApiError('AccessDeniedException', 403)]);
    const { cache } = aFlusher(client, {
      onError: (error) => {
        throw error;
      },
    });

    await expect(cache.flush('live')).rejects.toThrow('AccessDeniedException');
  });
});

describe('the flush client', () => {
  it('makes one attempt per call, so only the adapter’s budgeted retries add time', async () => {
    const { apiGateway } = await import('../../functions/runtime/clients');

    expect(await apiGateway.config.maxAttempts()).toBe(1);
  });
});

describe('ApiGatewayAuthorizerCache on an API with stage names of its own', () => {
  usingApi(aTestApi({ stages: { live: 'prod', sandbox: 'dev' } }));

  it.each([
    ['live', 'prod'],
    ['test', 'dev'],
  ] as const)('flushes the stage of %s keys the definition names (%s)', async (environment, stageName) => {
    const client = aFlakyClient([]);
    const { cache } = aFlusher(client);

    await cache.flush(environment);

    expect(client.calls).toEqual([{ stageName }, { stageName }]);
  });
});
