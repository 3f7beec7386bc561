import { authorizerCacheOf } from '../definition/api';
import { keyAuthorizerFromEnvironment } from './key-authorizer-runtime';

// Without API Gateway's cache (`either` mode) key records are kept a second, so a hot key costs one read per second.
export const handler = keyAuthorizerFromEnvironment({
  keepKeyRecords: (headerMode) => authorizerCacheOf(headerMode).resultsCacheTtlSeconds === 0,
});
