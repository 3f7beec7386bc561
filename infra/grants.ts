/**
 * Turns a function's `needs` into its environment and its IAM permissions in one step, so a
 * function never gets a variable without the access behind it, nor access it was not told about.
 */
import { Aws, Names, Stack, Token } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { consumedQueues, type FunctionNeeds, type TablePartitions } from '../functions/definition/functions';
import { QUEUE_URL_VARIABLES, type QueueId } from '../functions/definition/queues';
import type { TableAction } from '../functions/definition/table-access';
import type {
  authorizerCacheConfig,
  callerSigningSecretConfig,
  cursorKeyConfig,
  emailConfig,
  pepperConfig,
  sessionSecretConfig,
  tableConfig,
  usageBucketConfig,
  webhookSecretConfig,
} from '../functions/runtime/config';

// Typed against the runtime's config schemas: renaming a variable there breaks the build here.
const TABLE_NAME: keyof typeof tableConfig = 'TABLE_NAME';
const PEPPER_SECRET_ID: keyof typeof pepperConfig = 'PEPPER_SECRET_ID';
const CURSOR_SECRET_ID: keyof typeof cursorKeyConfig = 'CURSOR_SECRET_ID';
const CALLER_SIGNING_SECRET_ID: keyof typeof callerSigningSecretConfig = 'CALLER_SIGNING_SECRET_ID';
const REST_API_ID: keyof typeof authorizerCacheConfig = 'REST_API_ID';
const EMAIL_SENDER: keyof typeof emailConfig = 'EMAIL_SENDER';
const WEBHOOK_SECRET_ID: keyof typeof webhookSecretConfig = 'WEBHOOK_SECRET_ID';
const SESSION_SECRET_ID: keyof typeof sessionSecretConfig = 'SESSION_SECRET_ID';
const USAGE_BUCKET: keyof typeof usageBucketConfig = 'USAGE_BUCKET';
/** The metered proxy's map of backend name → function ARN (JSON). */
export const BACKEND_FUNCTIONS = 'BACKEND_FUNCTIONS';

/** Where the platform's emails come from: SES send permission is limited to this sender. */
export interface EmailIdentity {
  senderAddress: string;
  /** The SES identity the team verified, if it named one (e.g. a parent domain of the address's). */
  identity?: string;
  sesRegion: string;
}

export interface PlatformResources {
  table: dynamodb.ITable;
  pepper: secretsmanager.ISecret;
  /** The key list cursors are sealed with. */
  cursorKey: secretsmanager.ISecret;
  api: apigateway.IRestApi;
  /** The API's stage names (the definition's stages): the only authorizer caches a function flushes. */
  stageNames: readonly string[];
  queues: Record<QueueId, sqs.IQueue>;
  /** The master secret every webhook endpoint's signing secret is derived from. */
  webhookSecret: secretsmanager.ISecret;
  /** The secret the authorizer signs the caller of HTTP backends with. */
  callerSigningSecret: secretsmanager.ISecret;
  /** The secret console session tokens are hashed with (HMAC-SHA256). */
  sessionSecret: secretsmanager.ISecret;
  /** Without it, functions that send email get no SES permission (and reminders stay off). */
  email?: EmailIdentity;
  /** The team's Lambda backends the metered proxy calls (those of paid routes), by backend name. */
  paidBackends?: Record<string, lambda.IFunction>;
  /** Firehose's access-log objects and the call-log archive (constructs/usage.ts). */
  usageBucket: s3.IBucket;
}

export function grantNeeds(fn: lambda.Function, needs: FunctionNeeds, resources: PlatformResources): void {
  grantTableAccess(fn, needs, resources.table);
  if (needs.pepper) grantPepper(fn, resources.pepper);
  if (needs.cursorKey) grantCursorKey(fn, resources.cursorKey);
  if (needs.callerSigningSecret) grantCallerSigningSecret(fn, resources.callerSigningSecret);
  if (needs.flushAuthorizerCache) grantAuthorizerCacheFlush(fn, resources.api, resources.stageNames);
  if (needs.invokeBackends) grantInvokeBackends(fn, resources.paidBackends ?? {});
  if (needs.sendToQueue) grantSendToQueue(fn, needs.sendToQueue, resources.queues[needs.sendToQueue]);
  // Near expiries go straight to the queue as the key is written; the rest wait for the sweep.
  if (needs.scheduleKeyExpiry) grantSendToQueue(fn, 'key-expiries', resources.queues['key-expiries']);
  for (const queueId of consumedQueues(needs)) {
    const queue = resources.queues[queueId];
    fn.addEnvironment(QUEUE_URL_VARIABLES[queueId], queue.queueUrl);
    grantConsume(fn, queue, needs.hideMessages === true);
  }
  if (needs.sendEmail && resources.email) grantSendEmail(fn, resources.email);
  if (needs.webhookSecret) grantWebhookSecret(fn, resources.webhookSecret);
  if (needs.sessionSecret) grantSessionSecret(fn, resources.sessionSecret);
  if (needs.usageBucket) grantUsageBucket(fn, needs.usageBucket, resources.usageBucket);
  // needs.webhookEgress takes no IAM: posting to receivers is plain internet egress, which the
  // functions have outside a VPC (see the network note in constructs/webhooks.ts).
}

/**
 * ses:SendEmail from the sender address only. SES authorizes a send against the address's own
 * identity when the address is verified, else against its domain's (or a parent domain's, the
 * team's `senderIdentity`): the grant names each of them, so it holds whichever the team verified,
 * and `ses:FromAddress` keeps a domain identity from letting the function send as any other address.
 */
export function grantSendEmail(fn: lambda.Function, email: EmailIdentity): void {
  fn.addEnvironment(EMAIL_SENDER, email.senderAddress);
  fn.addEnvironment('SES_REGION', email.sesRegion);
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['ses:SendEmail'],
      resources: sesIdentitiesOf(email).map(
        (identity) => `arn:${Aws.PARTITION}:ses:${email.sesRegion}:${Aws.ACCOUNT_ID}:identity/${identity}`,
      ),
      conditions: { StringEquals: { 'ses:FromAddress': email.senderAddress } },
    }),
  );
}

/** The address, its domain and the team's identity, each once. */
export function sesIdentitiesOf(email: Pick<EmailIdentity, 'senderAddress' | 'identity'>): string[] {
  const { senderAddress, identity } = email;
  if (Token.isUnresolved(senderAddress)) return [identity ?? senderAddress];
  const domain = /^[^\s<>@"]+@([^\s<>@"]+)$/.exec(senderAddress)?.[1];
  if (!domain) {
    throw new Error(`The sender address must be a plain address such as keys@example.com; got ${senderAddress}.`);
  }
  return [...new Set([senderAddress, domain, ...(identity ? [identity] : [])])];
}

/**
 * Exactly the actions `needs.table` names on the table, and Query on the indexes of
 * `needs.queryIndexes` (named one by one, never `index/*`). With `tablePartitions`, one statement
 * per group of actions held to the same partition key prefixes (a dynamodb:LeadingKeys condition:
 * every item an action touches has a partition key of its prefixes); the indexes take Query's.
 */
export function grantTableAccess(
  fn: lambda.Function,
  needs: Pick<FunctionNeeds, 'table' | 'queryIndexes' | 'tablePartitions'>,
  table: dynamodb.ITable,
): void {
  const indexes = needs.queryIndexes ?? [];
  if (needs.table.length === 0 && indexes.length === 0) return;
  fn.addEnvironment(TABLE_NAME, table.tableName);
  const partitions = needs.tablePartitions;
  for (const { actions, prefixes } of tableStatementsOf(needs.table, partitions)) {
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: actions.map((action) => `dynamodb:${action}`),
        resources: [table.tableArn],
        ...(prefixes && { conditions: leadingKeysCondition(prefixes) }),
      }),
    );
  }
  if (indexes.length > 0) {
    const queryPrefixes = partitions && prefixesOf(partitions, 'Query');
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: indexes.map((index) => `${table.tableArn}/index/${index}`),
        ...(queryPrefixes && { conditions: leadingKeysCondition(queryPrefixes) }),
      }),
    );
  }
}

/**
 * The table statements of `needs.table`: one without a condition when no partitions are given,
 * else one per distinct prefix set, in the order their first action is named.
 */
export function tableStatementsOf(
  actions: readonly TableAction[],
  partitions: TablePartitions | undefined,
): { actions: TableAction[]; prefixes?: readonly string[] }[] {
  const unique = [...new Set(actions)];
  if (unique.length === 0) return [];
  if (!partitions) return [{ actions: unique }];
  const unused = Object.keys(partitions).filter((action) => !unique.includes(action as TableAction));
  if (unused.length > 0) {
    throw new Error(
      `tablePartitions names ${unused.join(', ')}, which its table actions do not: add them or drop them.`,
    );
  }
  const groups = new Map<string, { actions: TableAction[]; prefixes: readonly string[] }>();
  for (const action of unique) {
    const prefixes = [...new Set(prefixesOf(partitions, action))];
    const key = [...prefixes].sort().join('\0');
    const group = groups.get(key) ?? { actions: [], prefixes };
    group.actions.push(action);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** An action's prefixes; an action without them would reach every item, so a definition naming some must name all. */
function prefixesOf(partitions: TablePartitions, action: TableAction): readonly string[] {
  const prefixes = partitions[action];
  if (!prefixes || prefixes.length === 0) {
    throw new Error(
      `tablePartitions names no partition key prefixes for ${action}: give them, or it would reach every item of the table.`,
    );
  }
  return prefixes;
}

function leadingKeysCondition(prefixes: readonly string[]) {
  return { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': prefixes.map((prefix) => `${prefix}*`) } };
}

/** secretsmanager:GetSecretValue, the one call the runtime makes (functions/adapters/pepper.ts), on one secret. */
function grantGetSecretValue(fn: lambda.Function, secret: secretsmanager.ISecret): void {
  fn.addToRolePolicy(
    new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secret.secretArn] }),
  );
}

export function grantPepper(fn: lambda.Function, pepper: secretsmanager.ISecret): void {
  // The full ARN, not the name: GetSecretValue then needs no lookup and the grant matches exactly.
  fn.addEnvironment(PEPPER_SECRET_ID, pepper.secretArn);
  grantGetSecretValue(fn, pepper);
}

/** The key list cursors are sealed with, for the functions that page. */
export function grantCursorKey(fn: lambda.Function, secret: secretsmanager.ISecret): void {
  fn.addEnvironment(CURSOR_SECRET_ID, secret.secretArn);
  grantGetSecretValue(fn, secret);
}

/** The caller signing secret, for the authorizer to sign the X-Caller-* headers with. */
export function grantCallerSigningSecret(fn: lambda.Function, secret: secretsmanager.ISecret): void {
  fn.addEnvironment(CALLER_SIGNING_SECRET_ID, secret.secretArn);
  grantGetSecretValue(fn, secret);
}

/** The webhook master secret: endpoint signing secrets are derived from it, never stored. */
export function grantWebhookSecret(fn: lambda.Function, secret: secretsmanager.ISecret): void {
  fn.addEnvironment(WEBHOOK_SECRET_ID, secret.secretArn);
  grantGetSecretValue(fn, secret);
}

/** The console session secret: session tokens are stored as its HMAC, never in plaintext. */
export function grantSessionSecret(fn: lambda.Function, secret: secretsmanager.ISecret): void {
  fn.addEnvironment(SESSION_SECRET_ID, secret.secretArn);
  grantGetSecretValue(fn, secret);
}

/**
 * USAGE_BUCKET, s3:GetObject on the objects under each `read` prefix and s3:PutObject under each
 * `write` prefix. No s3:ListBucket: a GET of a missing object answers 403 AccessDenied, not 404.
 */
export function grantUsageBucket(
  fn: lambda.Function,
  access: NonNullable<FunctionNeeds['usageBucket']>,
  bucket: s3.IBucket,
): void {
  const read = access.read ?? [];
  const write = access.write ?? [];
  if (read.length === 0 && write.length === 0) return;
  fn.addEnvironment(USAGE_BUCKET, bucket.bucketName);
  for (const [action, prefixes] of [
    ['s3:GetObject', read],
    ['s3:PutObject', write],
  ] as const) {
    if (prefixes.length === 0) continue;
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: [action],
        resources: prefixes.map((prefix) => bucket.arnForObjects(`${prefix}*`)),
      }),
    );
  }
}

/** The queue's URL in the variable its senders read, and the grant to send to it. */
export function grantSendToQueue(fn: lambda.Function, queueId: QueueId, queue: sqs.IQueue): void {
  fn.addEnvironment(QUEUE_URL_VARIABLES[queueId], queue.queueUrl);
  grantSend(fn, queue);
}

/** sqs:SendMessage (SendMessageBatch is authorized as SendMessage), nothing else: queue URLs come from the environment. */
function grantSend(fn: lambda.Function, queue: sqs.IQueue): void {
  fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue.queueArn] }));
}

/**
 * What the Lambda event source mapping polls with, on the function's role: Receive, Delete and
 * GetQueueAttributes (AWSLambdaSQSQueueExecutionRole's three), and ChangeMessageVisibility only
 * for a consumer that hides its own messages.
 */
function grantConsume(fn: lambda.Function, queue: sqs.IQueue, hidesMessages: boolean): void {
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: [
        'sqs:ReceiveMessage',
        'sqs:DeleteMessage',
        'sqs:GetQueueAttributes',
        ...(hidesMessages ? ['sqs:ChangeMessageVisibility'] : []),
      ],
      resources: [queue.queueArn],
    }),
  );
}

/**
 * An SQS event source like CDK's SqsEventSource, without the grant SqsEventSource adds (which
 * also gives GetQueueUrl and ChangeMessageVisibility): a consumer's queue actions come from its
 * `needs` alone. Same options and the same construct id, so templates keep their logical ids.
 */
export class ConsumerEventSource implements lambda.IEventSource {
  constructor(
    private readonly queue: sqs.IQueue,
    private readonly options: Omit<lambda.EventSourceMappingOptions, 'eventSourceArn'> = {},
  ) {}

  bind(target: lambda.IFunction): void {
    target.addEventSourceMapping(`SqsEventSource:${Names.nodeUniqueId(this.queue.node)}`, {
      ...this.options,
      eventSourceArn: this.queue.queueArn,
    });
  }
}

/**
 * FlushStageAuthorizersCache is `DELETE /restapis/{id}/stages/{stage}/cache/authorizers`. The
 * grant names each stage of the definition, the only ones the runtime ever flushes, rather than `stages/*`.
 */
export function grantAuthorizerCacheFlush(
  fn: lambda.Function,
  api: apigateway.IRestApi,
  stageNames: readonly string[],
): void {
  fn.addEnvironment(REST_API_ID, api.restApiId);
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['apigateway:DELETE'],
      resources: stageNames.map((stageName) => authorizerCacheArn(api, stageName)),
    }),
  );
}

/**
 * lambda:InvokeFunction on exactly these functions (the backends of paid routes), and their ARNs by
 * backend name in BACKEND_FUNCTIONS. No function, no statement: an empty resource list is invalid IAM.
 */
export function grantInvokeBackends(fn: lambda.Function, backends: Record<string, lambda.IFunction>): void {
  const entries = Object.entries(backends).sort(([a], [b]) => a.localeCompare(b));
  fn.addEnvironment(
    BACKEND_FUNCTIONS,
    Stack.of(fn).toJsonString(Object.fromEntries(entries.map(([name, backend]) => [name, backend.functionArn]))),
  );
  if (entries.length === 0) return;
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['lambda:InvokeFunction'],
      resources: entries.map(([, backend]) => backend.functionArn),
    }),
  );
}

export function authorizerCacheArn(api: apigateway.IRestApi, stageName: string): string {
  return `arn:${Aws.PARTITION}:apigateway:${Aws.REGION}::/restapis/${api.restApiId}/stages/${stageName}/cache/authorizers`;
}
