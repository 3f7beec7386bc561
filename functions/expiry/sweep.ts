/**
 * key-expiry-sweep: started by the schedule (EventBridge every KEY_EXPIRY.sweepRateMinutes, a timer
 * in `npm start`). Queues a delayed flush message for each key expiring within the next 15 minutes
 * that the key handlers did not queue themselves.
 */
import { AUTHORIZER_CACHE } from '../definition/api';
import { sweepExpiries } from '../domain/key-expiry/schedule';
import { authorizerCacheTtlConfig, loadConfig } from '../runtime/config';
import { expiryScheduleDepsFromEnvironment } from '../runtime/key-expiry';
import { logger } from '../runtime/logger';

const { AUTHORIZER_CACHE_TTL_SECONDS } = loadConfig(authorizerCacheTtlConfig);
const deps = {
  ...expiryScheduleDepsFromEnvironment(),
  // An expiry missed by the handler's own send still matters as long as an answer may be cached.
  lookbackSeconds: Number(AUTHORIZER_CACHE_TTL_SECONDS ?? AUTHORIZER_CACHE.resultsCacheTtlSeconds),
};

export const handler = async () => {
  const result = await sweepExpiries(deps);
  logger.info('Key expiry sweep done', result);
  return result;
};
