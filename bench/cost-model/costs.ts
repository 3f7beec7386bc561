/**
 * Prices what one size of the model measured: dollars per 1M authorized calls by component, and
 * AWS requests per 1,000 calls by service and operation. Pure arithmetic on the counts.
 */
import { FUNCTIONS, type FunctionId } from '../../functions/definition/functions';
import { PLATFORM_METRICS } from '../../functions/definition/metrics';
import { STAGE_STATUS_METRICS } from '../../functions/domain/usage/ingest';
import { functionLoggingOf, systemLogLinesPerInvocation } from '../../infra/function-logging';
import { GB, PRICES } from '../prices';
import { type FunctionUsage, newUsage } from './aws-requests';
import type { Sensitivity } from './sensitivity';

/** Memory of each function (infra/api-key-platform.ts SIZING; 256 MB for the others). */
export const MEMORY_MB: Record<string, number> = { authorizer: 512, 'usage-ingest': 512 };
const memoryGb = (functionId: string) => (MEMORY_MB[functionId] ?? 256) / 1024;
/**
 * One of Lambda's own START, END and REPORT lines in the function's log group (text format): the
 * three are about 260 bytes, plus CloudWatch Logs' 26 bytes per event. Modelled, not measured; how
 * many a function writes per invocation comes from its logging config (infra/function-logging.ts).
 */
const LAMBDA_SYSTEM_LINE_BYTES = 260 / 3 + PRICES.cloudWatchLogs.eventOverheadBytes;
const systemLogBytesPerInvocation = (functionId: string) =>
  functionId in FUNCTIONS
    ? systemLogLinesPerInvocation(functionLoggingOf(functionId as FunctionId)) * LAMBDA_SYSTEM_LINE_BYTES
    : 0;

/** What one function did while the model ran, scaled to `per` of its invocations. */
export interface FunctionMeasure {
  functionId: string;
  usage: FunctionUsage;
  invocations: number;
  billedMs: number;
  /** Requests made by a service on the platform's behalf (Firehose's S3 writes), not by a function. */
  service?: true;
}

export interface SizeMeasures {
  keys: number;
  monthlyCalls: number;
  /** Authorized calls the measures below are for. */
  authorizedCalls: number;
  functions: FunctionMeasure[];
  /** Bytes the access log transport bills: CloudWatch Logs ingestion or Firehose's 5 KB records. */
  transport: { kind: 'CloudWatch Logs' | 'Firehose'; billedBytes: number };
  /** Custom metrics per month (metric filters and EMF names × dimensions). */
  customMetrics: number;
  /** Requests not made through the handlers' clients, priced by service (e.g. SQS polling), per `authorizedCalls`. */
  modelledRequests?: Map<string, number>;
  /** GB-months of S3 storage for these calls (bytes × retention). */
  s3GbMonths?: number;
  /** The same size with one thing changed, priced beside it (the default model only). */
  sensitivities?: Sensitivity[];
  /** How this size was run: what was sampled and scaled, printed under the tables. */
  howMeasured?: string;
}

export interface CostLine {
  component: string;
  dollarsPerMillion: number;
}

/** Scales one function's measure: counts per sampled invocation × modelled invocations. */
export function scaled(measure: FunctionMeasure, factor: number): FunctionMeasure {
  const usage = newUsage();
  for (const [name, count] of measure.usage.requests) usage.requests.set(name, count * factor);
  for (const [name, bytes] of measure.usage.s3PutBytes) usage.s3PutBytes.set(name, bytes * factor);
  usage.readUnits = measure.usage.readUnits * factor;
  usage.writeUnits = measure.usage.writeUnits * factor;
  usage.indexWriteUnits = measure.usage.indexWriteUnits * factor;
  usage.failedConditionalWrites = measure.usage.failedConditionalWrites * factor;
  return { ...measure, usage, invocations: measure.invocations * factor, billedMs: measure.billedMs * factor };
}

export function priceSize(measures: SizeMeasures): CostLine[] {
  const perMillion = 1_000_000 / measures.authorizedCalls;
  const lines: CostLine[] = [];
  const add = (component: string, dollars: number) =>
    lines.push({ component, dollarsPerMillion: dollars * perMillion });
  let secretCalls = 0;
  let s3PutList = 0;
  let s3Get = 0;
  let sqsRequests = 0;
  let systemLogBytes = 0;
  for (const measure of measures.functions) {
    const label = measure.functionId;
    const { usage } = measure;
    if (!measure.service) {
      add(
        `${label} Lambda`,
        (measure.invocations / 1e6) * PRICES.lambda.perMillionRequests +
          (measure.billedMs / 1000) * memoryGb(measure.functionId) * PRICES.lambda.perGbSecondArm64,
      );
      add(`${label} DynamoDB writes`, (usage.writeUnits / 1e6) * PRICES.dynamoDb.perMillionWriteUnits);
      add(`${label} DynamoDB reads`, (usage.readUnits / 1e6) * PRICES.dynamoDb.perMillionReadUnits);
      systemLogBytes += measure.invocations * systemLogBytesPerInvocation(measure.functionId);
    }
    for (const [name, count] of usage.requests) {
      const [service, operation] = name.split(' ');
      if (service === 'secretsManager') secretCalls += count;
      if (service === 'sqs') sqsRequests += count;
      if (service === 's3') {
        if (operation === 'GetObject' || operation === 'HeadObject') s3Get += count;
        else s3PutList += count;
      }
    }
  }
  for (const [name, count] of measures.modelledRequests ?? []) {
    if (name.startsWith('sqs ')) sqsRequests += count;
    if (name.startsWith('s3 ')) s3PutList += count;
  }
  add('Secrets Manager', (secretCalls / 10_000) * PRICES.secretsManager.per10kCalls);
  add(
    `access-log transport (${measures.transport.kind})`,
    (measures.transport.billedBytes / GB) *
      (measures.transport.kind === 'Firehose' ? PRICES.firehose.perGb : PRICES.cloudWatchLogs.perGbIngested),
  );
  add(
    'S3 requests and storage',
    (s3PutList / 1000) * PRICES.s3.perThousandPutListRequests +
      (s3Get / 1000) * PRICES.s3.perThousandGetRequests +
      (measures.s3GbMonths ?? 0) * PRICES.s3.standardPerGbMonth,
  );
  add('SQS', (sqsRequests / 1e6) * PRICES.sqs.perMillionRequests);
  add('Lambda START/END/REPORT log lines', (systemLogBytes / GB) * PRICES.cloudWatchLogs.perGbIngested);
  // A month's metrics over a month's calls.
  const callsPerMonthShare = measures.authorizedCalls / measures.monthlyCalls;
  add('custom metrics', measures.customMetrics * PRICES.cloudWatchMetrics.perMetricMonth * callsPerMonthShare);
  return lines;
}

export const totalOf = (lines: readonly CostLine[]) => lines.reduce((sum, line) => sum + line.dollarsPerMillion, 0);

/** AWS requests per 1,000 authorized calls, `<function>: <service> <operation>` → count. */
export function requestsPer1000(measures: SizeMeasures): Map<string, number> {
  const per1000 = 1000 / measures.authorizedCalls;
  const table = new Map<string, number>();
  const add = (name: string, count: number) => table.set(name, (table.get(name) ?? 0) + count * per1000);
  for (const measure of measures.functions) {
    if (!measure.service) add(`${measure.functionId}: lambda Invoke`, measure.invocations);
    for (const [name, count] of measure.usage.requests) add(`${measure.functionId}: ${name}`, count);
    const { writeUnits, indexWriteUnits, readUnits, failedConditionalWrites } = measure.usage;
    if (writeUnits > 0) add(`${measure.functionId}: DynamoDB write units (index copies included)`, writeUnits);
    if (indexWriteUnits > 0) add(`${measure.functionId}: DynamoDB write units, of them index copies`, indexWriteUnits);
    if (failedConditionalWrites > 0)
      add(`${measure.functionId}: DynamoDB failed conditional writes`, failedConditionalWrites);
    if (readUnits > 0) add(`${measure.functionId}: DynamoDB read units`, readUnits);
  }
  for (const [name, count] of measures.modelledRequests ?? []) add(`${name} (modelled)`, count);
  return new Map([...table].sort(([a], [b]) => a.localeCompare(b)));
}

/** The metrics the code declares: the platform's names (one dimension each) and usage-ingest's per stage. */
export function customMetricCount(stages: number): number {
  return Object.keys(PLATFORM_METRICS.names).length + STAGE_STATUS_METRICS.length * stages;
}
