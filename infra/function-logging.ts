/**
 * How each platform function logs (Lambda's logging config), apart from CDK so the cost model
 * (bench/cost-model/) prices the log lines the deployed functions really write.
 */
import { FUNCTIONS, type FunctionId, type FunctionNeeds } from '../functions/definition/functions';

/** Lambda's LoggingConfig, in CloudFormation's values. */
export interface FunctionLogging {
  format: 'Text' | 'JSON';
  /** Only with JSON: the least severe of Lambda's own lines kept (START/END/REPORT are INFO). */
  systemLogLevel?: 'DEBUG' | 'INFO' | 'WARN';
  /** Only with JSON: the least severe application line kept. */
  applicationLogLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
}

/**
 * Functions invoked once per product call: the authorizer (once per key, address and cache TTL)
 * and the metered proxy (every paid call).
 */
export function runsPerCall(functionId: FunctionId): boolean {
  return functionId === 'authorizer' || (FUNCTIONS[functionId].needs as FunctionNeeds).invokeBackends === true;
}

/** The management authorizer runs on every management call (API Gateway does not cache it). */
function runsPerManagementCall(functionId: FunctionId): boolean {
  return functionId === 'management-authorizer';
}

/**
 * The per-call functions log as JSON with Lambda's own lines at WARN: their START, END and REPORT
 * lines were CloudWatch Logs ingestion on every invocation ($0.04 per 1M calls at 10,000 keys),
 * and what a REPORT line says per invocation, Lambda's metrics say per minute (Duration,
 * Errors, Throttles, ConcurrentExecutions), which the alarms and the dashboard read. The other
 * functions run per minute or per management call: their REPORT lines cost nothing worth saving
 * and are where an operator reads memory used and init duration when sizing them (usage-ingest
 * reads objects of up to 64 MB), so they keep the text format.
 *
 * The application level is INFO, Powertools' default (no LOG_LEVEL or POWERTOOLS_LOG_LEVEL is set
 * on AWS), and Powertools takes Lambda's level (AWS_LAMBDA_LOG_LEVEL) over its own. It must not go
 * above INFO: an embedded-metric-format line has no `level`, so Lambda files it as INFO, and a WARN
 * application level would drop the platform's metrics with it.
 */
export function functionLoggingOf(functionId: FunctionId): FunctionLogging {
  return runsPerCall(functionId) || runsPerManagementCall(functionId)
    ? { format: 'JSON', systemLogLevel: 'WARN', applicationLogLevel: 'INFO' }
    : { format: 'Text' };
}

/** Lambda's own lines per invocation (START, END, REPORT) that reach CloudWatch Logs. */
export function systemLogLinesPerInvocation(logging: FunctionLogging): number {
  return logging.format === 'JSON' && logging.systemLogLevel === 'WARN' ? 0 : 3;
}
