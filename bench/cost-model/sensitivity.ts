/**
 * Lines printed beside the default model's share: the same size with one thing changed, to inform
 * choices the team has not made. The defaults (the construct's cache TTL, the Firehose transport)
 * stay as they are.
 */
import { ACCESS_LOG_FIELDS, type AccessLogRecord } from '../../functions/definition/access-log';
import { renderAccessLogLine } from '../../functions/domain/usage/access-call';
import { GB, PRICES } from '../prices';
import { type CostLine, type FunctionMeasure, priceSize, type SizeMeasures } from './costs';

export interface Sensitivity {
  /** What changed, and whether the variant was run (measured) or only computed (modelled). */
  label: string;
  lines: CostLine[];
}

/** API Gateway's longest authorizer cache TTL, the construct's `authorizerCacheTtl` at its maximum. */
export const SENSITIVITY_CACHE_TTL_SECONDS = 3600;

/** The size priced with the authorizer run again behind a longer gateway cache. */
export function longerCacheTtl(measures: SizeMeasures, authorizer: FunctionMeasure): Sensitivity {
  const functions = measures.functions.map((measure) => (measure.functionId === 'authorizer' ? authorizer : measure));
  const perThousand = (invocations: number) => ((invocations * 1000) / measures.authorizedCalls).toFixed(0);
  const before = measures.functions.find((measure) => measure.functionId === 'authorizer')?.invocations ?? 0;
  return {
    label: `authorizerCacheTtl ${SENSITIVITY_CACHE_TTL_SECONDS} s (measured: the authorizer run again behind that cache, ${perThousand(authorizer.invocations)} invocations per 1,000 calls instead of ${perThousand(before)})`,
    lines: priceSize({ ...measures, functions }),
  };
}

/**
 * Bytes a line of the access log loses in a compact format with the same fields (their values
 * tab-separated in ACCESS_LOG_FIELDS order, `$context.requestId\t$context.requestTimeEpoch…`):
 * the field names and JSON's quotes, the same for every line whose values JSON does not escape.
 */
export function compactFormatSavingsPerLine(): number {
  const blank = Object.fromEntries(Object.keys(ACCESS_LOG_FIELDS).map((name) => [name, ''])) as AccessLogRecord;
  const jsonBytes = Buffer.byteLength(renderAccessLogLine(blank));
  const compactBytes = Object.values(blank)
    .map((value) => value || '-')
    .join('\t').length;
  return jsonBytes - compactBytes;
}

/**
 * Modelled, not run: the stages log to a CloudWatch Logs group in the compact format, and a
 * subscription filter sends it to Firehose. CloudWatch Logs bills each line's bytes plus 26 B;
 * Firehose bills the subscription's records, gzipped batches of lines, each rounded up to 5 KB,
 * assumed one record per stage per second (at 38.6 calls a second a batch is a few KB gzipped).
 */
export function cloudWatchLogsToFirehose(
  measures: SizeMeasures,
  pipeline: { calls: number; accessLogBytes: number; seconds: number; stages: number },
): Sensitivity {
  const lineBytes = pipeline.accessLogBytes - pipeline.calls * compactFormatSavingsPerLine();
  const ingestedBytes = lineBytes + pipeline.calls * PRICES.cloudWatchLogs.eventOverheadBytes;
  const firehoseBytes = pipeline.stages * pipeline.seconds * PRICES.firehose.recordRoundingBytes;
  const perMillion = 1_000_000 / measures.authorizedCalls;
  const lines = priceSize(measures).filter((line) => !line.component.startsWith('access-log transport'));
  lines.push(
    {
      component: `access-log transport (CloudWatch Logs, compact format, ${(ingestedBytes / pipeline.calls).toFixed(0)} B a line)`,
      dollarsPerMillion: (ingestedBytes / GB) * PRICES.cloudWatchLogs.perGbIngested * perMillion,
    },
    {
      component: 'Firehose, the subscription’s batched records',
      dollarsPerMillion: (firehoseBytes / GB) * PRICES.firehose.perGb * perMillion,
    },
  );
  return {
    label: 'access log through CloudWatch Logs, compact format, subscribed to Firehose (modelled, not run)',
    lines,
  };
}
