/**
 * The platform's own CloudWatch metrics, as embedded metric format (EMF) lines on stdout: CloudWatch
 * Logs turns them into metrics, so there is no PutMetricData call, no grant and no latency. Each
 * name is one custom metric (one dimension, the service), about $0.30 a month.
 *
 * Outside Lambda (`npm start`, the tests) nothing is written unless POWERTOOLS_METRICS_DISABLED
 * says otherwise: the local stack has no CloudWatch to read the lines.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { PLATFORM_METRICS, type PlatformMetricName } from '../definition/metrics';

if (!process.env.AWS_LAMBDA_FUNCTION_NAME) process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

const metrics = new Metrics({
  namespace: PLATFORM_METRICS.namespace,
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? PLATFORM_METRICS.service,
});

/** Adds to a count; `publishMetrics` writes what was added. */
export function countMetric(name: PlatformMetricName, value = 1): void {
  if (value > 0) metrics.addMetric(name, MetricUnit.Count, value);
}

/** Writes the counts added so far as one EMF line (none if nothing was added). */
export function publishMetrics(): void {
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
}

/** A value measured once per run (a gauge), zero included, written at once. */
export function recordMetricNow(name: PlatformMetricName, value: number): void {
  metrics.addMetric(name, MetricUnit.Count, value);
  publishMetrics();
}

/** For rare events: counts and writes at once, so nothing waits for the end of an invocation. */
export function countMetricNow(name: PlatformMetricName, value = 1): void {
  countMetric(name, value);
  publishMetrics();
}

/**
 * Counts per API stage, as one EMF line with the dimension `Stage` alone (no `service`): the
 * access log's statuses, which the stage alarms read (`Status429`). Written directly, since the
 * Metrics instance above always adds its service dimension. Zero counts are written too, so a
 * stage's metric has data points while it serves.
 */
export function stageMetricsLine(stage: string, counts: Record<string, number>, timestamp: number): string {
  const names = Object.keys(counts);
  return JSON.stringify({
    _aws: {
      Timestamp: timestamp,
      CloudWatchMetrics: [
        {
          Namespace: PLATFORM_METRICS.namespace,
          Dimensions: [['Stage']],
          Metrics: names.map((name) => ({ Name: name, Unit: MetricUnit.Count })),
        },
      ],
    },
    Stage: stage,
    ...counts,
  });
}

export function publishStageMetrics(stage: string, counts: Record<string, number>, timestamp: number): void {
  if (process.env.POWERTOOLS_METRICS_DISABLED === 'true') return;
  process.stdout.write(`${stageMetricsLine(stage, counts, timestamp)}\n`);
}
