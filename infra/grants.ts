/**
 * Turns a function's `needs` into its environment and its IAM permissions in one step, so a
 * function never gets a variable without the access behind it, nor access it was not told about.
 */
import { Aws } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { STAGES } from '../functions/definition/api';
import type { FunctionNeeds, TableAccess } from '../functions/definition/functions';
import type { QueueId } from '../functions/definition/queues';
import type {
  authorizerCacheConfig,
  cursorKeyConfig,
  emailConfig,
  keyExpiryQueueConfig,
  pepperConfig,
  reminderQueueConfig,
  tableConfig,
  webhookDeliveryQueueConfig,
  webhookEventQueueConfig,
  webhookSecretConfig,
} from '../functions/runtime/config';

// Typed against the runtime's config schemas: renaming a variable there breaks the build here.
const TABLE_NAME: keyof typeof tableConfig = 'TABLE_NAME';
const PEPPER_SECRET_ID: keyof typeof pepperConfig = 'PEPPER_SECRET_ID';
const CURSOR_SECRET_ID: keyof typeof cursorKeyConfig = 'CURSOR_SECRET_ID';
const REST_API_ID: keyof typeof authorizerCacheConfig = 'REST_API_ID';
const EMAIL_SENDER: keyof typeof emailConfig = 'EMAIL_SENDER';
const WEBHOOK_SECRET_ID: keyof typeof webhookSecretConfig = 'WEBHOOK_SECRET_ID';
/**
 * The variable that carries each queue's URL to the functions that send to it, and to its
 * consumer (the delivery worker hides its own messages with ChangeMessageVisibility to retry).
 */
const QUEUE_URL_VARIABLES: {
  reminders: keyof typeof reminderQueueConfig;
  'webhook-events': keyof typeof webhookEventQueueConfig;
  'webhook-deliveries': keyof typeof webhookDeliveryQueueConfig;
  'key-expiries': keyof typeof keyExpiryQueueConfig;
} = {
  reminders: 'REMINDER_QUEUE_URL',
  'webhook-events': 'WEBHOOK_EVENT_QUEUE_URL',
  'webhook-deliveries': 'WEBHOOK_DELIVERY_QUEUE_URL',
  'key-expiries': 'KEY_EXPIRY_QUEUE_URL',
};

/** Where reminder emails come from: SES send permission is limited to this identity. */
export interface EmailIdentity {
  senderAddress: string;
  /** The SES identity (the address or its domain) in `sesRegion`; the address by default. */
  identity: string;
  sesRegion: string;
}

export interface PlatformResources {
  table: dynamodb.ITable;
  pepper: secretsmanager.ISecret;
  /** The key list cursors are sealed with. */
  cursorKey: secretsmanager.ISecret;
  api: apigateway.IRestApi;
  queues: Record<QueueId, sqs.IQueue>;
  /** The master secret every webhook endpoint's signing secret is derived from. */
  webhookSecret: secretsmanager.ISecret;
  /** Without it, functions that send email get no SES permission (and reminders stay off). */
  email?: EmailIdentity;
}

export function grantNeeds(fn: lambda.Function, needs: FunctionNeeds, resources: PlatformResources): void {
  grantTableAccess(fn, needs.table, resources.table);
  if (needs.pepper) grantPepper(fn, resources.pepper);
  if (needs.cursorKey) grantCursorKey(fn, resources.cursorKey);
  if (needs.flushAuthorizerCache) grantAuthorizerCacheFlush(fn, resources.api);
  if (needs.sendToQueue) {
    const queue = resources.queues[needs.sendToQueue];
    fn.addEnvironment(QUEUE_URL_VARIABLES[needs.sendToQueue], queue.queueUrl);
    queue.grantSendMessages(fn);
  }
  if (needs.scheduleKeyExpiry) {
    // Near expiries go straight to the queue as the key is written; the rest wait for the sweep.
    const queue = resources.queues['key-expiries'];
    fn.addEnvironment(QUEUE_URL_VARIABLES['key-expiries'], queue.queueUrl);
    queue.grantSendMessages(fn);
  }
  if (needs.consumeQueue) {
    // Receive, Delete and ChangeMessageVisibility: the consumer may reschedule its own messages.
    const queue = resources.queues[needs.consumeQueue];
    fn.addEnvironment(QUEUE_URL_VARIABLES[needs.consumeQueue], queue.queueUrl);
    queue.grantConsumeMessages(fn);
  }
  if (needs.sendEmail && resources.email) grantSendEmail(fn, resources.email);
  if (needs.webhookSecret) grantWebhookSecret(fn, resources.webhookSecret);
  // needs.webhookEgress takes no IAM: posting to receivers is plain internet egress, which the
  // functions have outside a VPC (see the network note in constructs/webhooks.ts).
}

/** ses:SendEmail from the one sender identity, nothing else. */
export function grantSendEmail(fn: lambda.Function, email: EmailIdentity): void {
  fn.addEnvironment(EMAIL_SENDER, email.senderAddress);
  fn.addEnvironment('SES_REGION', email.sesRegion);
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['ses:SendEmail'],
      resources: [`arn:${Aws.PARTITION}:ses:${email.sesRegion}:${Aws.ACCOUNT_ID}:identity/${email.identity}`],
    }),
  );
}

export function grantTableAccess(fn: lambda.Function, access: TableAccess, table: dynamodb.ITable): void {
  if (access === 'none') return;
  fn.addEnvironment(TABLE_NAME, table.tableName);
  if (access === 'read') table.grantReadData(fn);
  else table.grantReadWriteData(fn);
}

export function grantPepper(fn: lambda.Function, pepper: secretsmanager.ISecret): void {
  // The full ARN, not the name: GetSecretValue then needs no lookup and the grant matches exactly.
  fn.addEnvironment(PEPPER_SECRET_ID, pepper.secretArn);
  pepper.grantRead(fn);
}

/** The key list cursors are sealed with, for the functions that page. */
export function grantCursorKey(fn: lambda.Function, secret: secretsmanager.ISecret): void {
  fn.addEnvironment(CURSOR_SECRET_ID, secret.secretArn);
  secret.grantRead(fn);
}

/** The webhook master secret: endpoint signing secrets are derived from it, never stored. */
export function grantWebhookSecret(fn: lambda.Function, secret: secretsmanager.ISecret): void {
  fn.addEnvironment(WEBHOOK_SECRET_ID, secret.secretArn);
  secret.grantRead(fn);
}

/**
 * FlushStageAuthorizersCache is `DELETE /restapis/{id}/stages/{stage}/cache/authorizers`. The
 * grant names each stage of STAGES, the only ones the runtime ever flushes, rather than `stages/*`.
 */
export function grantAuthorizerCacheFlush(fn: lambda.Function, api: apigateway.IRestApi): void {
  fn.addEnvironment(REST_API_ID, api.restApiId);
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['apigateway:DELETE'],
      resources: Object.keys(STAGES).map((stageName) => authorizerCacheArn(api, stageName)),
    }),
  );
}

export function authorizerCacheArn(api: apigateway.IRestApi, stageName: string): string {
  return `arn:${Aws.PARTITION}:apigateway:${Aws.REGION}::/restapis/${api.restApiId}/stages/${stageName}/cache/authorizers`;
}
