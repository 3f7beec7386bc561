/**
 * API Gateway's access log, one JSON line per request, answered or refused: the source of usage
 * statistics and the call log. CDK sets this format on each stage; the local gateway writes the same
 * records. Every value is a string, as API Gateway writes them; a value it does not have is `-`.
 *
 * API Gateway does not escape the values it substitutes, so a `"` in a user agent or path breaks
 * the line's JSON. The fields a client controls (`path`, `userAgent`) therefore come last: a
 * reader that falls back to reading fields in this order (see parseAccessLogLine) gets every
 * other field, the key and organization included, from text no client wrote.
 */
export const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  requestTimeEpoch: '$context.requestTimeEpoch',
  stage: '$context.stage',
  httpMethod: '$context.httpMethod',
  resourcePath: '$context.resourcePath',
  status: '$context.status',
  responseLatency: '$context.responseLatency',
  sourceIp: '$context.identity.sourceIp',
  keyId: '$context.authorizer.keyId',
  organizationId: '$context.authorizer.organizationId',
  errorType: '$context.error.responseType',
  path: '$context.path',
  userAgent: '$context.identity.userAgent',
} as const;

export type AccessLogRecord = Record<keyof typeof ACCESS_LOG_FIELDS, string>;

/** The format string for the stage's access log settings. */
export const ACCESS_LOG_FORMAT = JSON.stringify(ACCESS_LOG_FIELDS);
