/**
 * The reusable construct: a platform team drops it into its own stack and attaches it to its own
 * REST API. It brings the key store, one function per FUNCTIONS entry with exactly the access that
 * entry needs, the authorizer and every route of ROUTES, rotation reminders, and webhooks (the
 * master signing secret, the event and delivery queues and their alarms; the delivery functions
 * run outside any VPC on purpose, see constructs/webhooks.ts).
 *
 * The API's stages must be named as in STAGES: the key-management functions flush the authorizer
 * cache of those stages, and the authorizer tells live keys from test keys by stage name.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { FUNCTIONS, type FunctionId } from '../functions/definition/functions';
import { KeyApi } from './constructs/key-api';
import { KeyStore } from './constructs/key-store';
import { Reminders, type RemindersOptions } from './constructs/reminders';
import { Usage, type UsageAlarmOptions } from './constructs/usage';
import { UsagePlans } from './constructs/usage-plans';
import { Webhooks } from './constructs/webhooks';
import { createPlatformFunction, findProjectRoot } from './function-defaults';
import { grantNeeds } from './grants';
import { suppressPlatformFindings } from './nag-suppressions';

export interface ApiKeyPlatformProps {
  /** The team's own API. Methods added to an imported API need a deployment the team makes. */
  api: apigateway.IRestApi;
  /** How long API Gateway reuses an authorizer answer; defaults to AUTHORIZER_CACHE. */
  authorizerCacheTtl?: Duration;
  /** Retention of every function's log group; one month by default. */
  logRetention?: logs.RetentionDays;
  /**
   * For the table, the pepper, the webhook signing secret and the log groups. RETAIN by default:
   * they hold every issued key and every endpoint's signing secret.
   */
  removalPolicy?: RemovalPolicy;
  /** The directory holding `functions/` and `package-lock.json`; found from the working directory by default. */
  projectRoot?: string;
  /**
   * Thresholds and the action of the error-rate and throttle alarms (see constructs/usage.ts); the
   * action also receives the webhook DLQ and backlog alarms.
   */
  alarms?: UsageAlarmOptions;
  /**
   * Rotation reminders: the sender address (and SES region) of reminder emails, the schedule and
   * the DLQ alarm's action. Without it the reminder schedule is off (no sender to send from).
   */
  reminders?: RemindersOptions;
}

/** The authorizer is on every request's path: more memory buys a faster CPU, a short timeout fails fast. */
const SIZING: Partial<Record<FunctionId, { memorySize: number; timeout: Duration }>> = {
  authorizer: { memorySize: 512, timeout: Duration.seconds(5) },
  // A delivered access log batch can hold thousands of lines; it is off every request's path.
  'usage-ingest': { memorySize: 512, timeout: Duration.minutes(1) },
  // Reads due keys only, but a backlog (the first run, an outage) can be large.
  'reminders-scan': { memorySize: 256, timeout: Duration.minutes(5) },
  // Well under the queue's visibility timeout (QUEUES.reminders), so a message is not handed out twice.
  'reminders-worker': { memorySize: 256, timeout: Duration.minutes(1) },
  // API Gateway waits 29 s; recover may reopen and queue up to 500 deliveries.
  'webhook-deliveries': { memorySize: 256, timeout: Duration.seconds(29) },
  // A batch of 10 deliveries is posted in parallel, each for up to 15 s, plus the recording; the
  // deliveries queue's visibility timeout (QUEUES['webhook-deliveries'], 360 s) is 6x this.
  'webhook-delivery': { memorySize: 512, timeout: Duration.minutes(1) },
  // Reads the subscribed endpoints of a batch of events and queues one delivery each.
  'webhook-fanout': { memorySize: 256, timeout: Duration.seconds(30) },
  // Posts one test event synchronously, for up to 15 s, and answers with the outcome.
  'webhook-test': { memorySize: 256, timeout: Duration.seconds(30) },
};

export class ApiKeyPlatform extends Construct {
  readonly table: dynamodb.Table;
  readonly pepper: secretsmanager.Secret;
  readonly functions: Record<FunctionId, NodejsFunction>;
  readonly authorizer: apigateway.RequestAuthorizer;
  readonly methods: apigateway.Method[];
  /** Usage ingestion from access logs, and the alarms. */
  readonly usage: Usage;
  /** The reminder queue, its DLQ and alarm, and the schedule. */
  readonly reminders: Reminders;
  /** The webhook master secret, the event and delivery queues, their DLQs and alarms. */
  readonly webhooks: Webhooks;

  constructor(scope: Construct, id: string, props: ApiKeyPlatformProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const projectRoot = props.projectRoot ?? findProjectRoot();

    const store = new KeyStore(this, 'KeyStore', { removalPolicy });
    this.table = store.table;
    this.pepper = store.pepper;

    this.reminders = new Reminders(this, 'Reminders', {
      removalPolicy,
      ...(props.reminders && { options: props.reminders }),
      ...((props.reminders?.alarmAction ?? props.alarms?.action) && {
        alarmAction: props.reminders?.alarmAction ?? props.alarms?.action,
      }),
    });
    this.webhooks = new Webhooks(this, 'Webhooks', {
      removalPolicy,
      ...(props.alarms?.action && { alarmAction: props.alarms.action }),
    });
    const email = props.reminders && {
      senderAddress: props.reminders.senderAddress,
      identity: props.reminders.senderIdentity ?? props.reminders.senderAddress,
      sesRegion: props.reminders.sesRegion ?? Stack.of(this).region,
    };

    const functionIds = Object.keys(FUNCTIONS) as FunctionId[];
    this.functions = Object.fromEntries(
      functionIds.map((functionId) => {
        const fn = createPlatformFunction(this, functionConstructId(functionId), {
          functionId,
          projectRoot,
          ...SIZING[functionId],
          logRetention: props.logRetention,
          removalPolicy,
        });
        grantNeeds(fn, FUNCTIONS[functionId].needs, {
          table: this.table,
          pepper: this.pepper,
          api: props.api,
          queues: {
            reminders: this.reminders.queue,
            'webhook-events': this.webhooks.eventQueue,
            'webhook-deliveries': this.webhooks.deliveryQueue,
          },
          webhookSecret: this.webhooks.secret,
          ...(email && { email }),
        });
        return [functionId, fn];
      }),
    ) as Record<FunctionId, NodejsFunction>;

    this.reminders.connect(this.functions['reminders-scan'], this.functions['reminders-worker']);
    this.webhooks.connect(this.functions['webhook-fanout'], this.functions['webhook-delivery']);

    const keyApi = new KeyApi(this, 'Api', {
      api: props.api,
      authorizerFunction: this.functions.authorizer,
      routeFunctions: this.functions,
      authorizerCacheTtl: props.authorizerCacheTtl,
    });
    this.authorizer = keyApi.authorizer;
    this.methods = keyApi.methods;

    this.usage = new Usage(this, 'Usage', {
      api: props.api,
      ingestFunction: this.functions['usage-ingest'],
      functions: this.functions,
      ...(props.alarms && { alarms: props.alarms }),
    });

    suppressPlatformFindings(this);
  }

  /**
   * Creates the usage plans of PLANS over these stages. The API must take API keys from the
   * authorizer (`apiKeySourceType: AUTHORIZER`); for a RestApi defined in the same app, this sets it.
   */
  addUsagePlans(api: apigateway.IRestApi, stages: apigateway.Stage[]): UsagePlans {
    const restApi = api.node.defaultChild;
    if (restApi instanceof apigateway.CfnRestApi) restApi.apiKeySourceType = 'AUTHORIZER';
    return new UsagePlans(this, 'UsagePlans', { api, stages });
  }

  /**
   * Feeds a stage's access log group to usage statistics and the call log. The stage must log in
   * ACCESS_LOG_FORMAT (`apigateway.AccessLogFormat.custom(ACCESS_LOG_FORMAT)`); stages may share a group.
   */
  ingestAccessLogs(logGroup: logs.ILogGroup): logs.SubscriptionFilter {
    return this.usage.ingestAccessLogs(logGroup);
  }
}

/** `keys-create` -> `KeysCreateFunction`: stable, readable logical ids. */
export function functionConstructId(functionId: FunctionId): string {
  const pascal = functionId
    .split('-')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
  return `${pascal}Function`;
}
