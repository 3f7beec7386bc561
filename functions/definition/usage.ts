/**
 * Usage statistics, the call log and the anomaly rule: the figures the ingest function, the usage
 * endpoints, the local pipeline and the docs share.
 */

/** The call log shows a key's calls this long: reads filter older ones out, the usage bucket's lifecycle rule deletes their objects (CALL_LOG_OBJECT_RETENTION_DAYS). */
export const CALL_LOG_RETENTION_DAYS = 7;

/** Daily counters live this long, so a full year back can always be read. */
export const USAGE_RETENTION_DAYS = 400;

/** `GET /v1/usage` reads at most this many days at once (a year, leap day included). */
export const USAGE_MAX_RANGE_DAYS = 366;

/** Without `from`, `GET /v1/usage` covers the 30 days up to `to`. */
export const USAGE_DEFAULT_RANGE_DAYS = 30;

export const USAGE_GRANULARITIES = ['day', 'week', 'month'] as const;
export type UsageGranularity = (typeof USAGE_GRANULARITIES)[number];

/**
 * A key is flagged when its requests today (UTC, so far) exceed `factor` times its daily average
 * over the `baselineDays` days before today, and today's requests are at least `minimumRequests`,
 * so that a key going from 2 calls a day to 11 is not an anomaly. Days without calls count as 0,
 * so a dormant key that suddenly makes `minimumRequests` calls is flagged too.
 */
export const USAGE_ANOMALY = {
  factor: 5,
  baselineDays: 7,
  minimumRequests: 100,
} as const;

/** How often the local stack hands the gateway's access log to the ingest function. */
export const LOCAL_ACCESS_LOG_FLUSH_MS = 1000;

/**
 * The usage window: how long Firehose buffers a stage's access log before it writes one S3 object,
 * which usage-ingest turns into one window of counters, last-used times and call-log sections.
 * Usage, lastUsedAt and the call log are this much (plus delivery) behind the calls.
 */
export const USAGE_WINDOW_SECONDS = 60;

/**
 * Partitions the recent windows are written across, by organization (`USAGE#RECENT#0` … `#15`).
 * Never change it for a deployed stack: each organization's shard, and so which marker and which
 * day items' rolledUpTo watermark its windows are checked against, depend on it (windows would be
 * counted twice or lost).
 */
export const USAGE_RECENT_SHARDS = 16;

/** Recent windows live this long: the hourly rollup folds them into day items long before. */
export const USAGE_RECENT_RETENTION_HOURS = 48;

/**
 * The rollup folds an hour's windows into day items this long after the hour ends: longer than
 * usage-ingest's timeout, so no window of that hour is still being written.
 */
export const USAGE_ROLLUP_GRACE_SECONDS = 300;

/**
 * usage-ingest's timeout (infra sets the function's from it). An object ingested later than the
 * grace period minus this after its hour's end might race that hour's rollup, so it is filed under
 * an hour the rollup cannot be reading.
 */
export const USAGE_INGEST_TIMEOUT_SECONDS = 120;

/** usage-rollup's timeout: a run folds every shard's due hours in one invocation. */
export const USAGE_ROLLUP_TIMEOUT_SECONDS = 300;

/**
 * An object ingested this long or more after its hour ended is late (filed under an hour the
 * rollup cannot be reading): the grace period less usage-ingest's timeout, less a minute for the
 * clocks of Lambda and the scheduler and the rollup's own first reads.
 */
export const USAGE_LATE_AFTER_SECONDS = USAGE_ROLLUP_GRACE_SECONDS - USAGE_INGEST_TIMEOUT_SECONDS - 60;

/**
 * usage-ingest refuses an object created longer ago than this: its window items and late claims
 * (kept USAGE_RECENT_RETENTION_HOURS from its first ingest, which came after its creation) may be
 * gone, so it could no longer tell whether the object was counted already. A notification
 * redriven from the DLQ within this time is counted exactly once; later, it is logged and dropped.
 * 6 hours below the retention, for a first ingest that came late and for the clocks.
 */
export const USAGE_INGEST_MAX_AGE_HOURS = USAGE_RECENT_RETENTION_HOURS - 6;

/** Where Firehose writes the raw access log, and where usage-ingest writes the call-log archive. */
export const ACCESS_LOG_OBJECT_PREFIX = 'access-logs/';
export const CALL_LOG_OBJECT_PREFIX = 'call-log/';

/** Raw access-log objects are kept this long for replays; call-log objects as long as the call log, plus a day. */
export const ACCESS_LOG_OBJECT_RETENTION_DAYS = 3;
export const CALL_LOG_OBJECT_RETENTION_DAYS = CALL_LOG_RETENTION_DAYS + 1;
