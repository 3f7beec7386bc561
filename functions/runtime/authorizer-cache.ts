/**
 * The authorizer cache flusher of the functions that stop keys (key handlers, secret-scanning
 * reports, the key-expiry worker), built once per instance. Every stage flush is counted, and a
 * flush that failed after its retries is counted apart: its alarm says a stopped key may work on
 * until its cache entry expires.
 */
import { ApiGatewayAuthorizerCache } from '../adapters/authorizer-cache';
import { PLATFORM_METRICS } from '../definition/metrics';
import { apiGateway } from './clients';
import { authorizerCacheConfig, loadConfig } from './config';
import { logger } from './logger';
import { countMetricNow } from './metrics';

/** `afterFailure` decides what a failed flush means to the caller: logged, or thrown so the work is retried. */
export function authorizerCacheWithMetrics(afterFailure: (error: unknown, stageName: string) => void) {
  return new ApiGatewayAuthorizerCache(apiGateway, loadConfig(authorizerCacheConfig).REST_API_ID, {
    onFlushed: (stageName, attempts) => {
      countMetricNow(PLATFORM_METRICS.names.authorizerCacheFlushes);
      if (attempts > 1) logger.warn('Flushing the authorizer cache needed retries', { stageName, attempts });
    },
    onError: (error, stageName) => {
      countMetricNow(PLATFORM_METRICS.names.authorizerCacheFlushFailures);
      afterFailure(error, stageName);
    },
  });
}
