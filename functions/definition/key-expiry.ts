/**
 * Exact key expiry under API Gateway's authorizer cache: when a key's `expiresAt` (or the end of a
 * rotation's grace period) passes, the stage's cache is flushed, as a manual stop does. One
 * definition for the CDK construct, the functions and `npm start`.
 */
export const KEY_EXPIRY = {
  /**
   * Expiries at most this far ahead travel as delayed SQS messages (DelaySeconds is at most 900);
   * the key handlers queue them as they write the key, the sweep queues the rest as they come near.
   */
  horizonSeconds: 900,
  /**
   * How often the sweep runs. Well under the horizon, so every expiry is queued ten minutes or more
   * ahead, and a run that is late or fails is caught up by the next one.
   */
  sweepRateMinutes: 5,
  /**
   * At most one expiry flush per stage in this many seconds: a burst of expiries empties the cache
   * once per window, not once per key. EXPIRY_FLUSH_WINDOW_SECONDS overrides it (1 locally).
   */
  flushWindowSeconds: 5,
  /** The largest window accepted: the worker waits out the window inside its invocation. */
  maxFlushWindowSeconds: 30,
} as const;
