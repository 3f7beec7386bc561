/**
 * The platform's own CloudWatch metrics (namespace and names), written by the functions as
 * embedded metric format (functions/runtime/metrics.ts) and read by the alarms and the dashboard
 * (infra/constructs/operations.ts). One dimension, `service`, so each name is one custom metric.
 */
export const PLATFORM_METRICS = {
  namespace: 'ApiKeyPlatform',
  service: 'api-key-platform',
  names: {
    /** A stage's authorizer cache flushed (a stop, an edit, an expiry, a leak). */
    authorizerCacheFlushes: 'AuthorizerCacheFlushes',
    /** A stage's flush failed after its retries: a stopped key works on until the cache entry expires. */
    authorizerCacheFlushFailures: 'AuthorizerCacheFlushFailures',
    /** Webhook delivery attempts made, and those the receiver answered with a 2xx. */
    webhookAttempts: 'WebhookDeliveryAttempts',
    webhookAttemptsSucceeded: 'WebhookDeliveryAttemptsSucceeded',
    /** Rotation reminders handled (emails sent) and those that failed back to the queue. */
    remindersSent: 'RemindersSent',
    reminderFailures: 'ReminderFailures',
    /**
     * Hours of usage windows the hourly rollup has left to fold after its run, on its furthest-behind
     * shard: 0 normally; growing while it fails (day items, anomalies and the call index stay behind).
     */
    usageRollupLagHours: 'UsageRollupLagHours',
  },
} as const;

export type PlatformMetricName = (typeof PLATFORM_METRICS.names)[keyof typeof PLATFORM_METRICS.names];
