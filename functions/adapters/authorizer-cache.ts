/**
 * Flushes API Gateway's authorizer cache of the stages that serve a key's environment, twice: a
 * verification that read the key just before the change could otherwise put its stale answer back
 * into the cache right after the first flush (the "delayed double delete" of cache invalidation).
 */
import { setTimeout as delay } from 'node:timers/promises';
import { type APIGatewayClient, FlushStageAuthorizersCacheCommand } from '@aws-sdk/client-api-gateway';
import { STAGES } from '../definition/api';
import type { AuthorizerCacheFlusher } from '../domain/keys/key-service';
import type { KeyEnvironment } from '../domain/keys/key-token';

export class ApiGatewayAuthorizerCache implements AuthorizerCacheFlusher {
  constructor(
    private readonly client: APIGatewayClient,
    private readonly restApiId: string,
    private readonly onError: (error: unknown, stageName: string) => void,
    /** Longer than a verification's read-to-answer time. */
    private readonly reflushAfterMs = 300,
  ) {}

  async flush(environment: KeyEnvironment): Promise<void> {
    await this.flushOnce(environment);
    await delay(this.reflushAfterMs);
    await this.flushOnce(environment);
  }

  private async flushOnce(environment: KeyEnvironment): Promise<void> {
    const stages = Object.entries(STAGES).filter(([, stage]) => stage.environment === environment);
    await Promise.all(
      stages.map(async ([stageName]) => {
        try {
          await this.client.send(new FlushStageAuthorizersCacheCommand({ restApiId: this.restApiId, stageName }));
        } catch (error) {
          // The change is already stored; without the flush it takes effect when the cache entry expires.
          this.onError(error, stageName);
        }
      }),
    );
  }
}
