import { authorizerCacheOf } from '../definition/api';
import { keyAuthorizerFromEnvironment } from './key-authorizer-runtime';

export const handler = keyAuthorizerFromEnvironment({
  cachedByGateway: (headerMode) => authorizerCacheOf(headerMode).resultsCacheTtlSeconds > 0,
});
