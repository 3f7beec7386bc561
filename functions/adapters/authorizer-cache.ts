/**
 * Flushes API Gateway's authorizer cache of the stages that serve a key's environment, twice: a
 * verification that read the key just before the change could otherwise put its stale answer back
 * into the cache right after the first flush (the "delayed double delete" of cache invalidation).
 *
 * A flush that fails is what lets a stopped key work on for up to the cache TTL (300 s), so each
 * stage's flush is retried with capped exponential backoff and full jitter while the retry budget
 * lasts. FlushStageAuthorizersCache is a control-plane call with a low account-wide rate, and it
 * answers 429 when many stops come together; the SDK's own three attempts are over within about a
 * second, which a burst outlasts. Only a failure after the budget reaches `onError`.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { type APIGatewayClient, FlushStageAuthorizersCacheCommand } from '@aws-sdk/client-api-gateway';
import { stagesOf } from '../definition/active-api';
import type { AuthorizerCacheFlusher } from '../domain/keys/key-service';
import type { KeyEnvironment } from '../domain/keys/key-token';

export interface FlushRetryPolicy {
  /** No wait may end later than this after the flush began (both rounds); the caller's timeout must allow it. */
  budgetMs: number;
  /** The cap of the first wait; each retry doubles it, up to `maxDelayMs`. Waits are drawn from [0, cap). */
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Within the 10 s of a key handler, with room for its writes; the 29 s of API Gateway bound the rest. */
export const DEFAULT_FLUSH_RETRY: FlushRetryPolicy = { budgetMs: 4_000, baseDelayMs: 200, maxDelayMs: 1_500 };

export interface AuthorizerCacheOptions {
  /** A stage's flush failed for good; the change takes effect when the cache entry expires. */
  onError: (error: unknown, stageName: string) => void;
  /** A stage's flush succeeded, after `attempts` tries (1 when the first one did). */
  onFlushed?: (stageName: string, attempts: number) => void;
  retry?: Partial<FlushRetryPolicy>;
  /** Longer than a verification's read-to-answer time. */
  reflushAfterMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** In [0, 1), for the jitter. */
  random?: () => number;
}

export class ApiGatewayAuthorizerCache implements AuthorizerCacheFlusher {
  private readonly retry: FlushRetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(
    private readonly client: Pick<APIGatewayClient, 'send'>,
    private readonly restApiId: string,
    private readonly options: AuthorizerCacheOptions,
  ) {
    this.retry = { ...DEFAULT_FLUSH_RETRY, ...options.retry };
    this.sleep = options.sleep ?? ((ms) => delay(ms));
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
  }

  /** Both rounds share one retry budget, so a flush never holds its caller longer than the budget plus one try. */
  async flush(environment: KeyEnvironment): Promise<void> {
    const deadline = this.now() + this.retry.budgetMs;
    await this.flushOnce(environment, deadline);
    await this.sleep(this.options.reflushAfterMs ?? 300);
    await this.flushOnce(environment, deadline);
  }

  private async flushOnce(environment: KeyEnvironment, deadline: number): Promise<void> {
    await Promise.all(stagesOf(environment).map((stageName) => this.flushStage(stageName, deadline)));
  }

  private async flushStage(stageName: string, deadline: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.client.send(new FlushStageAuthorizersCacheCommand({ restApiId: this.restApiId, stageName }));
        this.options.onFlushed?.(stageName, attempt);
        return;
      } catch (error) {
        const cap = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
        const wait = Math.floor(this.random() * cap);
        if (!isRetryable(error) || this.now() + wait > deadline) {
          // The change is already stored; without the flush it takes effect when the cache entry expires.
          this.options.onError(error, stageName);
          return;
        }
        await this.sleep(wait);
      }
    }
  }
}

/** Throttling, API Gateway's own failures and the network are worth another try; a 4XX (no such stage, access denied) is not. */
export function isRetryable(error: unknown): boolean {
  const { name, $metadata } = (error ?? {}) as { name?: string; $metadata?: { httpStatusCode?: number } };
  const status = $metadata?.httpStatusCode;
  if (name === 'TooManyRequestsException' || name === 'ThrottlingException' || status === 429) return true;
  if (status !== undefined) return status >= 500;
  return true;
}
