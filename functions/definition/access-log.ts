/**
 * API Gateway's access log, one JSON line per request, answered or refused: the source of usage
 * statistics and the call log. CDK sets this format on each stage; the local gateway writes the same
 * records. Every value is a string, as API Gateway writes them.
 */
export const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  requestTimeEpoch: '$context.requestTimeEpoch',
  stage: '$context.stage',
  httpMethod: '$context.httpMethod',
  resourcePath: '$context.resourcePath',
  path: '$context.path',
  status: '$context.status',
  responseLatency: '$context.responseLatency',
  sourceIp: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  keyId: '$context.authorizer.keyId',
  organizationId: '$context.authorizer.organizationId',
  errorType: '$context.error.responseType',
} as const;

export type AccessLogRecord = Record<keyof typeof ACCESS_LOG_FIELDS, string>;

/** The format string for the stage's access log settings. */
export const ACCESS_LOG_FORMAT = JSON.stringify(ACCESS_LOG_FIELDS);
