/**
 * Where the stages' access logs go: a Firehose stream (DirectPut, named `amazon-apigateway-…` as
 * API Gateway requires) that buffers them for a usage window and writes one gzipped,
 * newline-delimited object per window under ACCESS_LOG_OBJECT_PREFIX of the usage bucket, which
 * also holds the call-log archive. API Gateway puts records with its service-linked role
 * (AWSServiceRoleForAPIGateway, created by API Gateway itself when a stage first logs to Firehose).
 *
 * Cost, per 1M calls: Firehose bills each record rounded up to 5 KB, 5 GB per 1M calls at $0.029 a
 * GB ≈ $0.15; S3 a PUT per object and window, nothing per call.
 */
import { Duration, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  ACCESS_LOG_OBJECT_PREFIX,
  ACCESS_LOG_OBJECT_RETENTION_DAYS,
  CALL_LOG_OBJECT_PREFIX,
  CALL_LOG_OBJECT_RETENTION_DAYS,
  USAGE_WINDOW_SECONDS,
} from '../../functions/definition/usage';

/** API Gateway logs only to streams named so. */
export const ACCESS_LOG_STREAM_NAME_PREFIX = 'amazon-apigateway-';
/** Records Firehose could not deliver; outside ACCESS_LOG_OBJECT_PREFIX, so no notification fires for them. */
export const ACCESS_LOG_ERROR_PREFIX = 'access-log-errors/';
/** Firehose writes an object at the end of the window or at this size, whichever comes first. */
export const ACCESS_LOG_BUFFER_MB = 64;
/** The window Firehose can buffer for: its own limits are 0–900 s; under 60 s the objects only get smaller. */
export const USAGE_WINDOW_RANGE = { min: 60, max: 900 } as const;

export interface AccessLogDeliveryProps {
  /** How long Firehose buffers before it writes an object: the usage window (USAGE_WINDOW_SECONDS by default). */
  windowSeconds?: number;
  /** Of the bucket: the table's. */
  removalPolicy?: RemovalPolicy;
}

/** Why a window length cannot be used, if it cannot. */
export function usageWindowProblems(windowSeconds: number): string[] {
  const { min, max } = USAGE_WINDOW_RANGE;
  if (Number.isInteger(windowSeconds) && windowSeconds >= min && windowSeconds <= max) return [];
  return [`usage.windowSeconds must be a whole number of seconds from ${min} to ${max} (got ${windowSeconds})`];
}

export class AccessLogDelivery extends Construct {
  /** `access-logs/` (raw, kept for replays) and `call-log/` (the call-log archive). */
  readonly bucket: s3.Bucket;
  readonly stream: firehose.CfnDeliveryStream;
  /** The role Firehose writes with: objects under its two prefixes only. */
  readonly role: iam.Role;
  readonly windowSeconds: number;
  /** The prefixes Firehose writes under: the access log, and records it could not deliver. */
  readonly writtenPrefixes = [ACCESS_LOG_OBJECT_PREFIX, ACCESS_LOG_ERROR_PREFIX] as const;

  constructor(scope: Construct, id: string, props: AccessLogDeliveryProps = {}) {
    super(scope, id);
    this.windowSeconds = props.windowSeconds ?? USAGE_WINDOW_SECONDS;
    const problems = usageWindowProblems(this.windowSeconds);
    if (problems.length > 0) throw new Error(problems.join('; '));
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      removalPolicy,
      // A throwaway stack takes its objects along; otherwise CloudFormation cannot delete the bucket.
      autoDeleteObjects: removalPolicy === RemovalPolicy.DESTROY,
      lifecycleRules: [
        { id: 'access-logs', prefix: ACCESS_LOG_OBJECT_PREFIX, expiration: days(ACCESS_LOG_OBJECT_RETENTION_DAYS) },
        { id: 'access-log-errors', prefix: ACCESS_LOG_ERROR_PREFIX, expiration: days(14) },
        { id: 'call-log', prefix: CALL_LOG_OBJECT_PREFIX, expiration: days(CALL_LOG_OBJECT_RETENTION_DAYS) },
        { id: 'incomplete-uploads', abortIncompleteMultipartUploadAfter: days(1) },
      ],
    });

    this.role = new iam.Role(this, 'Role', {
      description: "Firehose writes the stages' access-log objects into the usage bucket with it",
      assumedBy: new iam.ServicePrincipal('firehose.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    });
    // The S3 destination's documented actions, less GetObject (Firehose only writes): objects under
    // its own prefixes, and the bucket-level checks it makes before writing.
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
        resources: this.writtenPrefixes.map((prefix) => this.bucket.arnForObjects(`${prefix}*`)),
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'],
        resources: [this.bucket.bucketArn],
      }),
    );

    this.stream = new firehose.CfnDeliveryStream(this, 'Stream', {
      deliveryStreamName: `${ACCESS_LOG_STREAM_NAME_PREFIX}${Names.uniqueResourceName(this, {
        maxLength: 64 - ACCESS_LOG_STREAM_NAME_PREFIX.length,
        separator: '-',
      })}`,
      deliveryStreamType: 'DirectPut',
      // AWS-owned key: free, and nothing for API Gateway's role to be granted.
      deliveryStreamEncryptionConfigurationInput: { keyType: 'AWS_OWNED_CMK' },
      extendedS3DestinationConfiguration: {
        bucketArn: this.bucket.bucketArn,
        roleArn: this.role.roleArn,
        // Firehose adds YYYY/MM/DD/HH/ (UTC, the hour the window started) after it.
        prefix: ACCESS_LOG_OBJECT_PREFIX,
        errorOutputPrefix: `${ACCESS_LOG_ERROR_PREFIX}!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd/HH}/`,
        bufferingHints: { intervalInSeconds: this.windowSeconds, sizeInMBs: ACCESS_LOG_BUFFER_MB },
        compressionFormat: 'GZIP',
        // One access-log line per record, each ended by a newline: usage-ingest splits on `\n`.
        processingConfiguration: { enabled: true, processors: [{ type: 'AppendDelimiterToRecord' }] },
      },
    });
    // Firehose checks its access to the bucket when the stream is made.
    this.stream.node.addDependency(this.role);
  }

  /** S3 notifies `queue` of every object under ACCESS_LOG_OBJECT_PREFIX, with a queue policy for this bucket only. */
  notify(queue: sqs.Queue): void {
    this.bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new QueueOfThisBucket(queue), {
      prefix: ACCESS_LOG_OBJECT_PREFIX,
    });
  }
}

const days = (count: number) => Duration.days(count);

/**
 * Like aws-s3-notifications' SqsDestination, with a narrower queue policy: sqs:SendMessage only
 * (not GetQueueUrl and GetQueueAttributes), from s3.amazonaws.com on behalf of this bucket in this
 * account. SQS-managed encryption needs no key policy for S3 (a KMS key would).
 */
class QueueOfThisBucket implements s3.IBucketNotificationDestination {
  constructor(private readonly queue: sqs.Queue) {}

  bind(_scope: Construct, bucket: s3.IBucketRef): s3.BucketNotificationDestinationConfig {
    const { policyDependable } = this.queue.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('s3.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [this.queue.queueArn],
        conditions: {
          ArnEquals: { 'aws:SourceArn': bucket.bucketRef.bucketArn },
          StringEquals: { 'aws:SourceAccount': Stack.of(this.queue).account },
        },
      }),
    );
    // S3 sends a test event when the notification is set: the policy must be there first.
    return {
      arn: this.queue.queueArn,
      type: s3.BucketNotificationDestinationType.QUEUE,
      dependencies: [this.queue, ...(policyDependable ? [policyDependable] : [])],
    };
  }
}
