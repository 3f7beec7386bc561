/** Flushes API Gateway's authorizer cache of the stage that serves a key's environment. */
import { type APIGatewayClient, FlushStageAuthorizersCacheCommand } from '@aws-sdk/client-api-gateway';
import { STAGES } from '../definition/api';
import type { AuthorizerCacheFlusher } from '../domain/keys/key-service';
import type { KeyEnvironment } from '../domain/keys/key-token';

export class ApiGatewayAuthorizerCache implements AuthorizerCacheFlusher {
  constructor(
    private readonly client: APIGatewayClient,
    private readonly restApiId: string,
    private readonly onError: (error: unknown, stageName: string) => void,
  ) {}

  async flush(environment: KeyEnvironment): Promise<void> {
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
