/**
 * Every AWS list price the cost model uses (bench/cost-model/), in one place: us-east-1, on-demand,
 * first tier, as published on 2026-12-01. Check the date before quoting a figure; prices change.
 */
export const PRICES_DATE = '2026-12-01';
export const PRICES_REGION = 'us-east-1';

const source = (service: string) => `https://aws.amazon.com/${service}/pricing/`;

export const PRICES = {
  /** REST API requests: shown beside the platform's share for reference, never inside it. */
  apiGateway: { perMillionRequests: 3.5, source: source('api-gateway') },
  lambda: { perMillionRequests: 0.2, perGbSecondArm64: 0.000_013_333_4, source: source('lambda') },
  /** On-demand request units; every index copy of a write is billed as a write too. */
  dynamoDb: { perMillionWriteUnits: 0.625, perMillionReadUnits: 0.125, source: source('dynamodb') },
  /** A request carries up to 10 messages and is billed per 64 KB chunk of its payload. */
  sqs: { perMillionRequests: 0.4, chunkBytes: 64 * 1024, source: source('sqs') },
  secretsManager: { per10kCalls: 0.05, source: source('secrets-manager') },
  /** Direct PUT ingestion; each record is billed rounded up to the next 5 KB. */
  firehose: { perGb: 0.029, recordRoundingBytes: 5 * 1024, source: source('kinesis/data-firehose') },
  /** Standard log class ingestion; each event is billed with 26 bytes of overhead. */
  cloudWatchLogs: { perGbIngested: 0.5, eventOverheadBytes: 26, source: source('cloudwatch') },
  /** A custom metric per name and dimension set, per month (EMF and metric filters alike). */
  cloudWatchMetrics: { perMetricMonth: 0.3, source: source('cloudwatch') },
  s3: {
    perThousandPutListRequests: 0.005,
    perThousandGetRequests: 0.0004,
    standardPerGbMonth: 0.023,
    source: source('s3'),
  },
  /** Scheduled rules (the hourly rollup's schedule) are free; only custom events are billed. */
  eventBridge: { scheduledInvocations: 0, source: source('eventbridge') },
} as const;

/** 1 GB as AWS bills it: 2^30 bytes. */
export const GB = 1024 ** 3;
