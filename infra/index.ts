/**
 * `api-key-platform`: the construct a team adds to its CDK stack, and the API definition it takes.
 *
 * ```ts
 * import { ApiKeyPlatform, defineApi } from 'api-key-platform';
 *
 * const api = defineApi({ name: 'Rides API', resources: { rides: ['read'] }, routes: [...], plans: {...}, defaultPlan: 'starter' });
 * const platform = new ApiKeyPlatform(this, 'Keys', { api: restApi, definition: api, backends: { rides: ridesFunction } });
 * platform.addUsagePlans(restApi, [liveStage, sandboxStage]);
 * ```
 *
 * The package carries every platform function prebuilt; a consumer needs aws-cdk-lib and
 * constructs (peer dependencies) and nothing else.
 *
 * @packageDocumentation
 */

export { ACCESS_LOG_FORMAT } from '../functions/definition/access-log';
export * from '../functions/definition/public';
export { ApiKeyPlatform, type ApiKeyPlatformProps, ApiKeyPlatformPropsError } from './api-key-platform';
export type { OperationsAlarmOptions } from './constructs/operations';
export type { RemindersOptions } from './constructs/reminders';
export type { UsageAlarmOptions } from './constructs/usage';
export type { UsagePlans } from './constructs/usage-plans';
export type { IdentityOptions, OidcOptions } from './identity';
export type { ConcurrencyOptions } from './isolation';
export { platformStageOptions } from './stage-options';

/** The package's version (semver): breaking changes to these exports raise the major number. */
export const VERSION = '0.4.0';
