/**
 * The reusable construct: a platform team drops it into its own stack, attaches it to its own
 * REST API and hands it its API definition. It brings the key store, one function per FUNCTIONS
 * entry with exactly the access that entry needs, the authorizer, the platform's own routes and
 * a method for every route of the team's definition (served by the team's backends, or through
 * the metered proxy when the route costs credits), rotation reminders, and webhooks (the master
 * signing secret, the event and delivery queues and their alarms; the delivery functions run
 * outside any VPC on purpose, see constructs/webhooks.ts).
 *
 * The API's stages must be named as the definition's `stages`: the key-management functions flush
 * the authorizer cache of those stages, and the authorizer tells live keys from test keys by stage name.
 */
import { Aspects, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ACCESS_LOG_FORMAT } from '../functions/definition/access-log';
import type { ApiKeyHeaderMode } from '../functions/definition/api';
import type { ApiDefinition, CompiledApi } from '../functions/definition/api-definition';
import { FUNCTIONS, type FunctionId, type FunctionNeeds } from '../functions/definition/functions';
import { BACKEND_TIMEOUT_SECONDS } from '../functions/definition/metering';
import { ROUTE_FUNCTIONS } from '../functions/definition/platform-routes';
import { QUEUE_URL_VARIABLES, QUEUES } from '../functions/definition/queues';
import { USAGE_INGEST_TIMEOUT_SECONDS, USAGE_ROLLUP_TIMEOUT_SECONDS } from '../functions/definition/usage';
import { intervalMsPerRecipient } from '../functions/domain/reminders/send-pacing';
import { parsePartnerKeys } from '../functions/domain/secret-scanning/partner-signature';
import type { reminderPacingConfig, secretScanningConfig } from '../functions/runtime/config';
import { AlarmActionAspect } from './alarm-actions';
import { usageWindowProblems } from './constructs/access-log-delivery';
import { KeyApi } from './constructs/key-api';
import { KeyExpiry } from './constructs/key-expiry';
import { KeyStore } from './constructs/key-store';
import { Operations, type OperationsAlarmOptions } from './constructs/operations';
import { Reminders, type RemindersOptions } from './constructs/reminders';
import { teamBackendProblems, teamRouteMethods } from './constructs/team-integrations';
import { Usage, type UsageAlarmOptions } from './constructs/usage';
import { UsagePlans } from './constructs/usage-plans';
import { Webhooks } from './constructs/webhooks';
import { hasPrebuiltBundles } from './function-code';
import { createPlatformFunction, findProjectRoot } from './function-defaults';
import { grantNeeds } from './grants';
import {
  consoleSignInEnvironment,
  consoleUrlEnvironment,
  type IdentityOptions,
  identityEnvironment,
  identityProblems,
} from './identity';
import { type ConcurrencyOptions, isolateWorkloads } from './isolation';
import { suppressPlatformFindings } from './nag-suppressions';
import { throttlePublicRoutes } from './public-throttle';
import { platformAccessLogDestinationOf } from './stage-options';

/** What `new ApiKeyPlatform(scope, id, props)` takes: the team's API, its definition and its backends. */
export interface ApiKeyPlatformProps {
  /** The team's own API. Methods added to an imported API need a deployment the team makes. */
  api: apigateway.IRestApi;
  /**
   * The team's API, from `defineApi`: its routes become methods of `api`, and every platform
   * function ships it. The API's stages must carry the definition's stage names.
   */
  definition: ApiDefinition;
  /**
   * The functions behind `{ lambda: name }` backends, by name: each must serve a route. A paid
   * route's function (a `lambda.Function`) may time out after 25 s at most: the metered proxy stops
   * waiting and refunds then, and a longer run would be work done for free. An imported function
   * (`fromFunctionArn`) has no timeout to check: keep it at 25 s or less yourself.
   */
  backends?: Record<string, lambda.IFunction>;
  /** The integrations behind `{ integration: name }` backends, by name: each must serve a route. */
  integrations?: Record<string, apigateway.Integration>;
  /**
   * Where clients send their key, when it should differ from the definition's `apiKeyHeader`:
   * `x-api-key` (cached by API Gateway), `authorization` (`Bearer`, cached) or `either` (both; no
   * gateway cache, at most 1 s in the authorizer).
   */
  apiKeyHeader?: ApiKeyHeaderMode;
  /** How long API Gateway reuses an authorizer answer; defaults to the mode's (300 s, or none for `either`). */
  authorizerCacheTtl?: Duration;
  /** Retention of every function's log group; one month by default. */
  logRetention?: logs.RetentionDays;
  /**
   * For the table, the pepper, the webhook signing secret and the log groups. RETAIN by default:
   * they hold every issued key and every endpoint's signing secret.
   */
  removalPolicy?: RemovalPolicy;
  /** DynamoDB deletion protection of the table (it holds every issued key); on by default. */
  deletionProtection?: boolean;
  /**
   * Only inside the platform's own repository, where the package's prebuilt function bundles are
   * absent: the directory holding `functions/` and `package-lock.json`, found from the working
   * directory by default. The installed package ignores it.
   */
  projectRoot?: string;
  /**
   * Thresholds and the action of the error-rate and throttle alarms (see constructs/usage.ts); the
   * action also receives the webhook DLQ and backlog alarms.
   */
  alarms?: UsageAlarmOptions & OperationsAlarmOptions;
  /**
   * Lambda concurrency set aside and capped per workload (see infra/isolation.ts): the authorizer
   * reserves 300, usage-ingest 5 and usage-rollup 1 by default; 'none' for accounts whose limit
   * cannot spare them.
   */
  concurrency?: ConcurrencyOptions;
  /**
   * X-Ray tracing of the functions: the authorizer and the route handlers record the requests API
   * Gateway sampled (turn tracing on in your stages), the workers continue traces that arrive
   * sampled through their queues. On by default; false turns it off.
   */
  tracing?: boolean;
  /**
   * Rotation reminders: the sender address (and SES region) of reminder emails, the schedule and
   * the DLQ alarm's action. Without it the reminder schedule is off (no sender to send from).
   */
  reminders?: RemindersOptions;
  /**
   * Exact expiry: at most one authorizer cache flush per stage per `flushWindow` when keys expire
   * (KEY_EXPIRY.flushWindowSeconds, 5 s, by default; at most 30 s).
   */
  keyExpiry?: { flushWindow?: Duration };
  /**
   * Secret-scanning partners (GitHub's partner program): their ECDSA P-256 public keys by key id,
   * as PEM. `POST /v1/secret-scanning/reports` accepts reports signed with these only; without
   * any, it refuses every report. Keys are configuration, never fetched at run time: when a
   * partner publishes a new key, add it here and deploy.
   */
  secretScanning?: { partnerPublicKeys: Record<string, string> };
  /**
   * The usage window: how long Firehose buffers the stages' access logs before writing an object
   * (USAGE_WINDOW_SECONDS, 60 s, by default; 60–900). Usage, lastUsedAt and the call log are this
   * much (plus a minute or so of delivery) behind the calls; a longer window means fewer objects,
   * fewer usage-ingest runs and fewer window writes.
   */
  usage?: { windowSeconds?: number };
  /**
   * How people sign in: `oidc`, the team's identity provider (Cognito, Auth0, Okta), whose tokens
   * the management API accepts for the member they map to; `consoleUrl`, where console sign-in
   * links point. Without `oidc`, people sign in with console sessions only.
   */
  identity?: IdentityOptions;
}

/** The authorizer is on every request's path: more memory buys a faster CPU, a short timeout fails fast. */
const SIZING: Partial<Record<FunctionId, { memorySize: number; timeout: Duration }>> = {
  authorizer: { memorySize: 512, timeout: Duration.seconds(5) },
  // On every management call; an OIDC token's first sight may wait on the issuer's JWKS.
  'management-authorizer': { memorySize: 512, timeout: Duration.seconds(10) },
  // Up to 10 access-log objects of a window each (64 MB at most before gzip); off every request's
  // path. The object queue's visibility (QUEUES['access-log-objects'], 720 s) is six times this.
  'usage-ingest': { memorySize: 512, timeout: Duration.seconds(USAGE_INGEST_TIMEOUT_SECONDS) },
  // Every shard's windows of each due hour; after an outage, several hours at once.
  'usage-rollup': { memorySize: 512, timeout: Duration.seconds(USAGE_ROLLUP_TIMEOUT_SECONDS) },
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
  // Waits out at most a flush window plus a second per batch; the queue's visibility (360 s) is six times this.
  'key-expiry-worker': { memorySize: 256, timeout: Duration.minutes(1) },
  // Queries the next quarter hour of the schedule; a backlog after an outage can be larger.
  'key-expiry-sweep': { memorySize: 256, timeout: Duration.minutes(1) },
  // A batch of up to 1,000 matches; API Gateway waits 29 s.
  'secret-scanning-report': { memorySize: 256, timeout: Duration.seconds(29) },
};

/**
 * API-facing functions sample with the request (API Gateway's sampling decision travels with it);
 * workers only continue traces that reach them sampled, so background volume adds no traces of its own.
 */
function tracingOf(functionId: FunctionId): lambda.Tracing {
  const apiFacing = isAuthorizer(functionId) || ROUTE_FUNCTIONS.has(functionId) || callsBackends(functionId);
  return apiFacing ? lambda.Tracing.ACTIVE : lambda.Tracing.PASS_THROUGH;
}

function isAuthorizer(functionId: FunctionId): boolean {
  return functionId === 'authorizer' || functionId === 'management-authorizer';
}

/** The metered proxy: it serves the team's paid routes and calls their backends. */
function callsBackends(functionId: FunctionId): boolean {
  return (FUNCTIONS[functionId].needs as FunctionNeeds).invokeBackends === true;
}

/** API Gateway waits 29 s for a route; the metered proxy waits on the team's backend within that. */
const BACKEND_CALLER_SIZING = { memorySize: 256, timeout: Duration.seconds(29) };

/** How long the metered proxy waits on a Lambda backend (its LambdaClient's requestTimeout, functions/runtime/clients.ts). */
const BACKEND_INVOKE_TIMEOUT = Duration.seconds(BACKEND_TIMEOUT_SECONDS);

/**
 * A paid route's function that may outlive the proxy's wait: the proxy answers 504 and refunds,
 * while the function goes on working, unpaid. Only a `lambda.Function` says its timeout.
 */
function paidBackendTimeoutProblems(
  routes: CompiledApi['routes'],
  backends: Record<string, lambda.IFunction>,
): string[] {
  return routes.flatMap((route) => {
    if (route.credits <= 0 || !('lambda' in route.backend)) return [];
    const backend = backends[route.backend.lambda];
    const timeout = backend instanceof lambda.Function ? backend.timeout : undefined;
    if (!timeout || timeout.isUnresolved() || timeout.toSeconds() <= BACKEND_INVOKE_TIMEOUT.toSeconds()) return [];
    return [
      `${route.method} ${route.path} costs credits and its Lambda backend '${route.backend.lambda}' times out after ${timeout.toSeconds()} s: the metered proxy refunds after ${BACKEND_INVOKE_TIMEOUT.toSeconds()} s, so set its timeout to ${BACKEND_INVOKE_TIMEOUT.toSeconds()} s or less`,
    ];
  });
}

/** Every mistake between the definition and the props, one line each, so a team fixes them in one go. */
export class ApiKeyPlatformPropsError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`ApiKeyPlatform has ${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ApiKeyPlatformPropsError';
  }
}

const SECRET_SCANNING_PUBLIC_KEYS: keyof typeof secretScanningConfig = 'SECRET_SCANNING_PUBLIC_KEYS';
const REMINDER_SEND_INTERVAL_MS: keyof typeof reminderPacingConfig = 'REMINDER_SEND_INTERVAL_MS';

/**
 * API keys for a team's REST API: the key store, the authorizer, key and webhook management
 * routes, usage, and a method for every route of the team's definition, served by its backends.
 *
 * ```ts
 * const platform = new ApiKeyPlatform(this, 'Keys', { api, definition, backends: { rides: ridesFunction } });
 * platform.addUsagePlans(api, [api.deploymentStage, sandboxStage]); // the stages log to the platform from here on
 * platform.grantPublishEvents(ridesFunction);
 * ```
 *
 * Throws ApiKeyPlatformPropsError when the props do not fit the definition.
 */
export class ApiKeyPlatform extends Construct {
  readonly table: dynamodb.Table;
  readonly pepper: secretsmanager.Secret;
  /** The key list cursors are sealed with (functions/domain/cursors.ts); only functions that page read it. */
  readonly cursorKey: secretsmanager.Secret;
  /**
   * The caller signing secret: the authorizer signs the X-Caller-* headers of HTTP backends with it
   * (X-Caller-Signature), and a backend verifies them with its value (`callerFromHeaders` of
   * `api-key-platform/backend`). Grant a backend on AWS read access with `grantCallerSecret`.
   */
  readonly callerSigningSecret: secretsmanager.Secret;
  /** Console session tokens are stored as HMAC-SHA256 under it (functions/domain/sessions). */
  readonly sessionSecret: secretsmanager.Secret;
  readonly functions: Record<FunctionId, lambda.Function>;
  readonly authorizer: apigateway.RequestAuthorizer;
  /** The management routes' authorizer (keys, console sessions, OIDC tokens), uncached. */
  readonly managementAuthorizer: apigateway.RequestAuthorizer;
  readonly methods: apigateway.Method[];
  /** The methods of the team's routes, in the definition's order. */
  readonly teamMethods: apigateway.Method[];
  /** The team's API, as passed in. */
  readonly definition: ApiDefinition;
  /** The definition's stage names: the stages the API must have. */
  readonly stageNames: readonly string[];
  /** Methods without the authorizer or an API key: the secret-scanning partners' endpoint. */
  readonly publicMethods: apigateway.Method[];
  /** The usage bucket, the stages' Firehose stream, the access-log object queue, the rollup schedule and the alarms. */
  readonly usage: Usage;
  /** The reminder queue, its DLQ and alarm, and the schedule. */
  readonly reminders: Reminders;
  /** The webhook master secret, the event and delivery queues, their DLQs and alarms. */
  readonly webhooks: Webhooks;
  /** The key-expiries queue, its DLQ and alarm, and the sweep's schedule. */
  readonly keyExpiry: KeyExpiry;
  /** The alarms on errors, latency, throttles and backlogs, and the platform's dashboard. */
  readonly operations: Operations;

  constructor(scope: Construct, id: string, props: ApiKeyPlatformProps) {
    super(scope, id);
    const definition = props.definition.compiled;
    const backends = props.backends ?? {};
    const problems = teamBackendProblems(definition.routes, { backends, integrations: props.integrations ?? {} });
    problems.push(...stageProblems(props.api, definition.stages));
    problems.push(...paidBackendTimeoutProblems(definition.routes, backends));
    if (props.usage?.windowSeconds !== undefined) problems.push(...usageWindowProblems(props.usage.windowSeconds));
    problems.push(...identityProblems(props.identity));
    if (problems.length > 0) throw new ApiKeyPlatformPropsError(problems);
    this.definition = props.definition;
    this.stageNames = [definition.stages.live, definition.stages.sandbox];
    const apiKeyHeader = props.apiKeyHeader ?? definition.apiKeyHeader;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const projectRoot = props.projectRoot ?? (hasPrebuiltBundles() ? undefined : findProjectRoot());
    // The metered proxy calls these itself: it may invoke exactly them.
    const paidBackends = Object.fromEntries(
      definition.routes.flatMap((route) =>
        route.credits > 0 && 'lambda' in route.backend
          ? [[route.backend.lambda, backends[route.backend.lambda] as lambda.IFunction]]
          : [],
      ),
    );

    const store = new KeyStore(this, 'KeyStore', { removalPolicy });
    this.table = store.table;
    (this.table.node.defaultChild as dynamodb.CfnTable).deletionProtectionEnabled = props.deletionProtection ?? true;
    this.pepper = store.pepper;
    // Generated like the pepper (64 alphanumerics, 48 bytes as base64). It holds nothing lasting:
    // losing or changing it only ends the cursors handed out in the last 24 hours, so it goes with the stack.
    this.cursorKey = new secretsmanager.Secret(this, 'CursorKey', {
      description: 'Seals list cursors (pagination). Changing it makes cursors of the last 24 hours answer 400.',
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Generated like the pepper. Kept like the table: backends outside AWS hold a copy of its value,
    // and a new one would leave them refusing every call until they get it.
    this.callerSigningSecret = new secretsmanager.Secret(this, 'CallerSigningSecret', {
      description:
        'Signs the X-Caller-* headers the gateway sends HTTP backends; backends verify X-Caller-Signature with it.',
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy,
    });
    // Generated like the pepper. Losing or changing it only signs every console session out, so it
    // goes with the stack.
    this.sessionSecret = new secretsmanager.Secret(this, 'SessionSecret', {
      description: 'Console session tokens are stored as its HMAC. Changing it signs every console session out.',
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy: RemovalPolicy.DESTROY,
    });

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
    this.keyExpiry = new KeyExpiry(this, 'KeyExpiry', {
      ...(props.keyExpiry?.flushWindow && { flushWindow: props.keyExpiry.flushWindow }),
      ...(props.alarms?.action && { alarmAction: props.alarms.action }),
    });
    this.usage = new Usage(this, 'Usage', {
      api: props.api,
      stageNames: this.stageNames,
      removalPolicy,
      ...(props.usage?.windowSeconds !== undefined && { windowSeconds: props.usage.windowSeconds }),
      ...(props.alarms && { alarms: props.alarms }),
    });
    const email = props.reminders && {
      senderAddress: props.reminders.senderAddress,
      ...(props.reminders.senderIdentity && { identity: props.reminders.senderIdentity }),
      sesRegion: props.reminders.sesRegion ?? Stack.of(this).region,
    };

    const functionIds = Object.keys(FUNCTIONS) as FunctionId[];
    this.functions = Object.fromEntries(
      functionIds.map((functionId) => {
        const fn = createPlatformFunction(this, functionConstructId(functionId), {
          functionId,
          definition,
          ...(projectRoot && { projectRoot }),
          ...(callsBackends(functionId) ? BACKEND_CALLER_SIZING : SIZING[functionId]),
          logRetention: props.logRetention,
          removalPolicy,
          ...(props.tracing !== false && { tracing: tracingOf(functionId) }),
          // The authorizers throw on every refused key; source-mapping those stacks buys nothing.
          sourceMaps: !isAuthorizer(functionId),
        });
        // The authorizer reads the key from the mode's header; handlers refuse requests with two keys in it.
        fn.addEnvironment('API_KEY_HEADER', apiKeyHeader);
        grantNeeds(fn, FUNCTIONS[functionId].needs, {
          table: this.table,
          pepper: this.pepper,
          cursorKey: this.cursorKey,
          api: props.api,
          stageNames: this.stageNames,
          paidBackends,
          queues: {
            reminders: this.reminders.queue,
            'webhook-events': this.webhooks.eventQueue,
            'team-events': this.webhooks.teamEventQueue,
            'webhook-deliveries': this.webhooks.deliveryQueue,
            'key-expiries': this.keyExpiry.queue,
            'access-log-objects': this.usage.objectQueue,
          },
          usageBucket: this.usage.delivery.bucket,
          webhookSecret: this.webhooks.secret,
          callerSigningSecret: this.callerSigningSecret,
          sessionSecret: this.sessionSecret,
          ...(email && { email }),
        });
        return [functionId, fn];
      }),
    ) as Record<FunctionId, lambda.Function>;

    // Parsed here too, so a key that is not ECDSA P-256 PEM fails synth rather than the function's cold start.
    const partnerKeys = props.secretScanning?.partnerPublicKeys ?? {};
    parsePartnerKeys(JSON.stringify(partnerKeys));
    this.functions['secret-scanning-report'].addEnvironment(SECRET_SCANNING_PUBLIC_KEYS, JSON.stringify(partnerKeys));

    this.reminders.connect(this.functions['reminders-scan'], this.functions['reminders-worker']);
    // At most QUEUES.reminders.maxConcurrency workers, each pacing itself to its share of the SES rate.
    this.functions['reminders-worker'].addEnvironment(
      REMINDER_SEND_INTERVAL_MS,
      String(intervalMsPerRecipient(props.reminders?.sesSendRate ?? 1, QUEUES.reminders.maxConcurrency)),
    );
    this.webhooks.connect(this.functions['webhook-fanout'], this.functions['webhook-delivery']);
    this.keyExpiry.connect(this.functions['key-expiry-sweep'], this.functions['key-expiry-worker']);

    const keyApi = new KeyApi(this, 'Api', {
      api: props.api,
      authorizerFunction: this.functions.authorizer,
      managementAuthorizerFunction: this.functions['management-authorizer'],
      routeFunctions: this.functions,
      teamRoutes: teamRouteMethods(definition.routes, {
        backends,
        integrations: props.integrations ?? {},
        meteredProxy: this.meteredProxy(),
        apiKeyHeader,
      }),
      authorizerCacheTtl: props.authorizerCacheTtl,
      apiKeyHeader,
      keyHint: { ...definition, apiKeyHeader },
    });
    this.authorizer = keyApi.authorizer;
    this.managementAuthorizer = keyApi.managementAuthorizer;
    // The team's identity provider, when people sign in with it (OIDC_*); without it OIDC tokens get 401.
    for (const [name, value] of Object.entries(identityEnvironment(props.identity))) {
      this.functions['management-authorizer'].addEnvironment(name, value);
    }
    // The console's sign-in with the identity provider (OIDC_ISSUER, OIDC_CONSOLE_*); it fetches the
    // issuer's discovery document, a public https GET that needs no grant.
    for (const [name, value] of Object.entries(consoleSignInEnvironment(props.identity))) {
      this.functions.console.addEnvironment(name, value);
    }
    // Where console sign-in links point, when the team hosts the console elsewhere (CONSOLE_URL).
    for (const [name, value] of Object.entries(consoleUrlEnvironment(props.identity))) {
      this.functions['console-sessions'].addEnvironment(name, value);
      // The invitation names the console too.
      this.functions.members.addEnvironment(name, value);
    }
    this.functions['key-expiry-sweep'].addEnvironment(
      'AUTHORIZER_CACHE_TTL_SECONDS',
      String(keyApi.cacheTtl.toSeconds()),
    );
    this.methods = keyApi.methods;
    this.teamMethods = keyApi.teamMethods;
    this.publicMethods = keyApi.publicMethods;

    this.usage.connect({
      ingest: this.functions['usage-ingest'],
      rollup: this.functions['usage-rollup'],
      functions: this.functions,
    });

    isolateWorkloads(this.functions, props.concurrency);
    this.operations = new Operations(this, 'Operations', {
      api: props.api,
      functions: this.functions,
      stageNames: this.stageNames,
      table: this.table,
      reminderQueue: this.reminders.queue,
      deliveryQueue: this.webhooks.deliveryQueue,
      accessLogObjectQueue: this.usage.objectQueue,
      queues: {
        'webhook events': this.webhooks.eventQueue,
        'team events': this.webhooks.teamEventQueue,
        reminders: this.reminders.queue,
        'key expiries': this.keyExpiry.queue,
        'access-log objects': this.usage.objectQueue,
      },
      deadLetterQueues: {
        'webhook events': this.webhooks.eventDeadLetterQueue,
        'team events': this.webhooks.teamEventDeadLetterQueue,
        'webhook deliveries': this.webhooks.deliveryDeadLetterQueue,
        reminders: this.reminders.deadLetterQueue,
        'key expiries': this.keyExpiry.deadLetterQueue,
        'access-log objects': this.usage.objectDeadLetterQueue,
      },
      ...(props.alarms && { alarms: props.alarms }),
    });
    if (props.alarms?.action) Aspects.of(this).add(new AlarmActionAspect(props.alarms.action));

    suppressPlatformFindings(this);
  }

  /**
   * Creates the usage plans of the definition's plans over these stages, and sends each stage's
   * access log to the platform's Firehose stream in ACCESS_LOG_FORMAT (usage statistics and the
   * call log are read from it). Each stage also throttles the public console link exchange
   * (infra/public-throttle.ts), which no usage plan reaches. The API must take API keys from the
   * authorizer (`apiKeySourceType: AUTHORIZER`); for a RestApi defined in the same app, this sets it.
   */
  addUsagePlans(api: apigateway.IRestApi, stages: apigateway.Stage[]): UsagePlans {
    const problems = stages.flatMap((stage) => [
      ...stageNameProblem(stage, this.stageNames),
      ...this.logToPlatform(stage),
    ]);
    if (problems.length > 0) throw new ApiKeyPlatformPropsError(problems);
    for (const stage of stages) throttlePublicRoutes(stage);
    const restApi = api.node.defaultChild;
    if (restApi instanceof apigateway.CfnRestApi) restApi.apiKeySourceType = 'AUTHORIZER';
    return new UsagePlans(this, 'UsagePlans', { api, stages, definition: this.definition.compiled });
  }

  /** The function that charges credits and forwards paid routes (FUNCTIONS `metered-proxy`). */
  private meteredProxy(): lambda.Function {
    const proxy = Object.values(FUNCTIONS).findIndex((entry) => (entry.needs as FunctionNeeds).invokeBackends);
    const functionId = Object.keys(FUNCTIONS)[proxy] as FunctionId | undefined;
    if (!functionId) throw new Error('The platform has no metered proxy (a FUNCTIONS entry with invokeBackends)');
    return this.functions[functionId];
  }

  /**
   * Lets one of the team's backends publish its webhook events for any organization
   * (`eventPublisher` of `api-key-platform/backend`): sqs:SendMessage on the team events queue
   * only. A Lambda function also gets the queue's URL in TEAM_EVENT_QUEUE_URL; any other grantee (an
   * ECS task role, say) reads it from `platform.webhooks.teamEventQueue.queueUrl`. The fan-out
   * delivers the definition's event types from that queue and refuses the platform's own
   * (`api_key.*`), whatever is sent to it.
   */
  grantPublishEvents(grantee: lambda.Function | iam.IGrantable): iam.Grant {
    if (grantee instanceof lambda.Function) {
      grantee.addEnvironment(QUEUE_URL_VARIABLES['team-events'], this.webhooks.teamEventQueue.queueUrl);
    }
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['sqs:SendMessage'],
      resourceArns: [this.webhooks.teamEventQueue.queueArn],
    });
  }

  /**
   * Lets a backend on AWS (an ECS task role, an EC2 instance role, a Lambda function) read the
   * caller signing secret, to verify the X-Caller-* headers with `callerFromHeaders(headers, {
   * signingSecret })`. For ECS, `ecs.Secret.fromSecretsManager(platform.callerSigningSecret)`
   * injects the value as an environment variable instead (and grants the execution role itself).
   */
  grantCallerSecret(grantee: iam.IGrantable): iam.Grant {
    // GetSecretValue only, as the platform's own functions get (grantRead adds DescribeSecret).
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['secretsmanager:GetSecretValue'],
      resourceArns: [this.callerSigningSecret.secretArn],
    });
  }

  /**
   * Points a stage's access log at the platform's stream: a stage made with `platformStageOptions`
   * through its destination, a stage without an access log directly. A stage already logging
   * elsewhere is a problem: API Gateway keeps one access log destination per stage.
   */
  private logToPlatform(stage: apigateway.Stage): string[] {
    const streamArn = this.usage.delivery.stream.attrArn;
    const destination = platformAccessLogDestinationOf(stage);
    if (destination) {
      destination.connect(streamArn);
      return [];
    }
    const resource = stage.node.defaultChild as apigateway.CfnStage;
    if (resource.accessLogSetting !== undefined) {
      return [
        `the stage ${stage.node.path} has an access log destination of its own: usage needs the stage's access log (make the stage with platformStageOptions(stageName))`,
      ];
    }
    resource.accessLogSetting = { destinationArn: streamArn, format: ACCESS_LOG_FORMAT };
    return [];
  }
}

/** The stage the API deploys to must be one of the definition's (a RestApi made in this app says which). */
function stageProblems(api: apigateway.IRestApi, stages: { live: string; sandbox: string }): string[] {
  const stage = api instanceof apigateway.RestApi && api.latestDeployment ? api.deploymentStage : undefined;
  return stage ? stageNameProblem(stage, [stages.live, stages.sandbox]) : [];
}

function stageNameProblem(stage: apigateway.Stage, stageNames: readonly string[]): string[] {
  // Stage.stageName is a reference to the resource; the name itself is on the CloudFormation stage.
  const stageName = (stage.node.defaultChild as apigateway.CfnStage).stageName;
  if (stageName === undefined || Token.isUnresolved(stageName) || stageNames.includes(stageName)) return [];
  return [
    `the stage '${stageName}' is not one of the definition's stages (${stageNames.join(', ')}): keys would not work on it`,
  ];
}

/** `keys-create` -> `KeysCreateFunction`: stable, readable logical ids. */
export function functionConstructId(functionId: FunctionId): string {
  const pascal = functionId
    .split('-')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
  return `${pascal}Function`;
}
