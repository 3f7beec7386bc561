/** What every stage of an API behind the platform needs: its access log in the platform's format. */
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { ACCESS_LOG_FORMAT } from '../functions/definition/access-log';

/**
 * Stage options for one stage of the team's API: access logs to `accessLogs` in the platform's
 * format (usage statistics and the call log are read from them, see `ingestAccessLogs`) and no
 * request data in execution logs, since requests carry API keys. `overrides` add or replace options
 * (logging level, tracing, metrics).
 */
export function platformStageOptions(
  accessLogs: logs.ILogGroup,
  stageName: string,
  overrides: Partial<apigateway.StageOptions> = {},
): apigateway.StageOptions {
  return {
    stageName,
    accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
    accessLogFormat: apigateway.AccessLogFormat.custom(ACCESS_LOG_FORMAT),
    dataTraceEnabled: false,
    ...overrides,
  };
}
