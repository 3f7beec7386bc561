/**
 * API Gateway's authorizer result cache: keyed by the identity-source values per stage, kept for
 * the TTL, emptied for a whole stage by FlushStageAuthorizersCache.
 */
import type { APIGatewayAuthorizerResult } from 'aws-lambda';

export class AuthorizerResultCache {
  private readonly entries = new Map<string, { result: APIGatewayAuthorizerResult; expires: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(stage: string, identity: string[]): APIGatewayAuthorizerResult | undefined {
    const entry = this.entries.get(cacheKey(stage, identity));
    if (!entry) return undefined;
    if (entry.expires > this.now()) return entry.result;
    this.entries.delete(cacheKey(stage, identity));
    return undefined;
  }

  set(stage: string, identity: string[], result: APIGatewayAuthorizerResult): void {
    if (this.ttlMs > 0) this.entries.set(cacheKey(stage, identity), { result, expires: this.now() + this.ttlMs });
  }

  flush(stage: string): void {
    for (const key of this.entries.keys()) if (key.startsWith(`${stage}\n`)) this.entries.delete(key);
  }
}

const cacheKey = (stage: string, identity: string[]) => `${stage}\n${identity.join('\n')}`;
