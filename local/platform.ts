/**
 * The whole platform on one machine: emulators that speak the AWS wire protocols, the real
 * handlers behind a local API Gateway, all in this process on loopback. `npm start` and the
 * integration tests both start it from here.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SQSClient } from '@aws-sdk/client-sqs';
import { buildConsoleIfStale } from '../console/build';
import { API_DEFINITION_FILE_NAME, useApi } from '../functions/definition/active-api';
import { type ApiKeyHeaderMode, authorizerCacheOf } from '../functions/definition/api';
import type { ApiDefinition } from '../functions/definition/api-definition';
import { FUNCTIONS, type FunctionId } from '../functions/definition/functions';
import { KEY_EXPIRY } from '../functions/definition/key-expiry';
import { QUEUE_URL_VARIABLES, type QueueId, REMINDER_SCAN_RATE_MINUTES } from '../functions/definition/queues';
import {
  ACCESS_LOG_OBJECT_PREFIX,
  ACCESS_LOG_OBJECT_RETENTION_DAYS,
  CALL_LOG_OBJECT_PREFIX,
  CALL_LOG_OBJECT_RETENTION_DAYS,
} from '../functions/definition/usage';
import {
  createBucket,
  createDemoConsoleUrl,
  createPepper,
  createQueues,
  createTable,
  type DemoOrganization,
  ensureDemoOrganization,
  LOCAL_CREDENTIALS,
  LOCAL_REST_API_ID,
  type LocalEndpoints,
  localClients,
  localS3Client,
} from './bootstrap';
import { protectDataDir } from './data-dir';
import { startDynamoDb } from './emulators/dynamodb';
import { startLambda } from './emulators/lambda';
import { startSecretsManager } from './emulators/secrets-manager';
import { startSes } from './emulators/ses';
import { startSqs } from './emulators/sqs';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from './gateway/events';
import { type AuthorizerHandler, type ProxyHandler, startLocalGateway } from './gateway/gateway';
import { localUsagePlanIds } from './gateway/usage-plans';
import { type LocalIamOptions, localSecretArns, startLocalIam } from './iam/local-iam';
import { LOCAL_OIDC_CLIENT_ID, LOCAL_OIDC_STATE_FILE_NAME, startDemoOidcProvider } from './oidc/local-oidc-provider';
import { repoRoot } from './paths';
import { localPartnerKeysJson } from './secret-scanning-partner';
import type { SqsHandler } from './sqs-event-source';
import { type RollupHandler, startUsagePipeline } from './usage-pipeline';
import { startWorkers } from './workers';

/**
 * A team's app on the local platform: its API definition and in-process stand-ins for what serves
 * its routes on AWS. Each example exports one from `examples/<name>/local.ts`.
 */
export interface LocalApp {
  definition: ApiDefinition;
  /** The handler of each `{ lambda: name }` backend, as the construct's `backends` names the functions. */
  backends?: Record<string, ProxyHandler>;
  /** Stand-ins for `{ integration: name }` backends; the local gateway answers 501 for the others. */
  integrations?: Record<string, ProxyHandler>;
  /**
   * Runs once the platform serves and the demo organization exists, before startPlatform returns:
   * the app creates its tables, service keys or servers here.
   */
  setup?: (context: LocalAppContext) => Promise<void>;
}

export interface LocalAppContext {
  endpoints: LocalEndpoints;
  queueUrls: Record<QueueId, string>;
  /** The gateway without a stage: `${gatewayUrl}/<stage>/v1/…`. */
  gatewayUrl: string;
  /** The demo organization, its admin keys and the stage URLs. */
  bootstrap: Bootstrap;
  /** Where the platform keeps its state; undefined in memory (tests). */
  dataDir?: string;
  /** Registers what the platform's close stops (servers the setup started); run before the platform's own. */
  onClose: (closer: () => Promise<void>) => void;
}

export interface PlatformOptions {
  /** The API served and what serves its routes. */
  app: LocalApp;
  /** Gateway port; 0 picks a free one. */
  port: number;
  /** Where state lives; without it everything is in memory (tests). */
  dataDir?: string;
  /**
   * Run the queue consumers (reminders, webhook fan-out and delivery) and the reminder schedule.
   * The queues and the SES inbox exist either way, so handlers can publish.
   */
  messaging?: boolean;
  /**
   * Where clients send their key, the definition's `apiKeyHeader` unless given (API_KEY_HEADER);
   * it sets the gateway cache as the construct does.
   */
  apiKeyHeader?: ApiKeyHeaderMode;
  /** Overrides the mode's authorizer cache TTL, e.g. 0 to see every call reach the authorizer. */
  authorizerCacheTtlSeconds?: number;
  logLevel?: string;
  /** The local gateway's clock (usage-plan buckets, authorizer cache); tests pin it. */
  gatewayClock?: () => number;
  /** How often usage-rollup runs (every minute by default; 0: only through `rollUpUsage`). */
  usageRollupIntervalMs?: number;
  onRequest?: Parameters<typeof startLocalGateway>[0]['onRequest'];
  /**
   * With messaging: how often the local schedule runs the reminder scan (default
   * REMINDER_SCAN_RATE_MINUTES; 0 turns the schedule off), and whether the queue consumers poll in
   * the background (default) or only when a test drains them.
   */
  reminderScanIntervalMs?: number;
  /** With messaging: how often the key expiry sweep runs (default KEY_EXPIRY.sweepRateMinutes; 0: off). */
  expirySweepIntervalMs?: number;
  /** EXPIRY_FLUSH_WINDOW_SECONDS: at most one expiry flush per stage per window; 1 locally. */
  expiryFlushWindowSeconds?: number;
  workers?: 'background' | 'manual';
  /** Parallel pollers of the webhook delivery queue (Lambda runs several batches at once). */
  deliveryConcurrency?: number;
  /**
   * WEBHOOK_ALLOW_LOOPBACK: sandbox endpoints may use http and loopback addresses, so the demo
   * receiver on localhost works. Live endpoints never may. On by default locally.
   */
  webhookAllowLoopback?: boolean;
  /** WEBHOOK_RETRY_SCHEDULE: seconds before each attempt; the tests shorten the standard one. */
  webhookRetrySchedule?: readonly number[];
  /**
   * IAM enforcement: each function's AWS calls are checked against the policy CDK synthesizes for
   * its role (on unless LOCAL_IAM=off); tests may replace the policies.
   */
  iam?: LocalIamOptions;
  /**
   * The development OIDC identity provider (local/oidc) for the demo organization's people, its
   * issuer given to the management authorizer (OIDC_ISSUER, OIDC_AUDIENCE). npm start runs it.
   */
  oidcProvider?: boolean;
}

/** The sender identity of reminder emails locally (aws-ses-v2-local accepts any). */
export const LOCAL_EMAIL_SENDER = 'reminders@api-key-platform.local';

type ScanHandler = (event: { now?: string }) => Promise<{ read: number; queued: number }>;
type SweepHandler = () => Promise<{ read: number; queued: number; messages: number }>;

export interface Bootstrap extends DemoOrganization {
  liveUrl: string;
  sandboxUrl: string;
  tableName: string;
  pepperSecretId: string;
  endpoints: LocalEndpoints;
  /** The local SES inbox (a web page; `/store` lists sent emails as JSON). */
  emailInboxUrl: string;
  queueUrls: Record<QueueId, string>;
  /** The master secret webhook signing secrets are derived from. */
  webhookSecretId: string;
  /**
   * The secret the authorizer signs the X-Caller-* headers with: an HTTP backend of the app reads
   * its value from the local Secrets Manager (endpoints.secretsManager) to verify them.
   */
  callerSigningSecretId: string;
  /** The served API's name (its definition's `name`). */
  apiName: string;
  /** The local OIDC provider's issuer (development login form, no password), when it runs. */
  oidcIssuer?: string;
  /** A one-time console sign-in link for the demo owner (a 7-day session), new on every start. */
  consoleUrl: string;
  /** The compiled definition the functions read (API_DEFINITION_FILE); the CLI loads it too. */
  apiDefinitionFile: string;
}

const TABLE_NAME = 'api-key-platform';
const PEPPER_SECRET_ID = 'api-key-platform/pepper';
const WEBHOOK_SECRET_ID = 'api-key-platform/webhook-signing';
const CURSOR_SECRET_ID = 'api-key-platform/cursor-key';
const CALLER_SIGNING_SECRET_ID = 'api-key-platform/caller-signing';
/** Console session tokens are stored as HMACs under it. */
const SESSION_SECRET_ID = 'api-key-platform/session-secret';
/** USAGE_BUCKET locally: Firehose's access-log objects and the call-log archive. */
const USAGE_BUCKET = 'api-key-platform-usage';
const USAGE_BUCKET_LIFECYCLE = [
  { prefix: ACCESS_LOG_OBJECT_PREFIX, expirationDays: ACCESS_LOG_OBJECT_RETENTION_DAYS },
  { prefix: CALL_LOG_OBJECT_PREFIX, expirationDays: CALL_LOG_OBJECT_RETENTION_DAYS },
];

export async function startPlatform(options: PlatformOptions) {
  assertBackendsServed(options.app);
  const root = repoRoot();
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch(() => {});
  };
  let abandonIam = () => {};
  try {
    if (options.dataDir) {
      const restoreUmask = protectDataDir(options.dataDir);
      closers.push(async () => restoreUmask());
    }
    const { app } = options;
    // Before any handler loads: the functions read the definition through activeApi(), as in their
    // bundles, and local IAM synthesizes the construct with it.
    const definitionDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'api-definition-'));
    if (!options.dataDir) closers.push(async () => rmSync(definitionDir, { recursive: true, force: true }));
    const definitionFile = join(definitionDir, API_DEFINITION_FILE_NAME);
    writeFileSync(definitionFile, `${JSON.stringify(app.definition.compiled, null, 2)}\n`);
    process.env.API_DEFINITION_FILE = definitionFile;
    // The console function serves console/dist, rebuilt here when a source is newer (about 0.1 s).
    const consoleDist = join(root, 'console', 'dist');
    buildConsoleIfStale(consoleDist, join(root, 'console'));
    process.env.CONSOLE_ASSETS_DIR = consoleDist;
    const api = useApi(app.definition.compiled);
    const iam = startLocalIam({ root, reminderSender: LOCAL_EMAIL_SENDER, definitionFile, ...options.iam });
    abandonIam = () => iam.abandon();
    const dynamodb = await startDynamoDb(options.dataDir ? { path: join(options.dataDir, 'dynamodb') } : {});
    closers.push(dynamodb.close);
    const secrets = await startSecretsManager(options.dataDir ? { file: join(options.dataDir, 'secrets.json') } : {});
    closers.push(secrets.close);
    // fauxqs serves S3 too; its objects (the call-log archive) are kept beside the table, and expire
    // at start by the usage bucket's lifecycle rules.
    const sqs = await startSqs(
      options.dataDir ? { s3Dir: join(options.dataDir, 's3'), s3Lifecycle: USAGE_BUCKET_LIFECYCLE } : {},
    );
    closers.push(sqs.close);
    const ses = await startSes({});
    closers.push(ses.close);
    // The app's Lambda backends behind Lambda's Invoke API, for the metered proxy's LambdaClient.
    const lambda = await startLambda({ functions: app.backends ?? {} });
    closers.push(lambda.close);

    const handlers = new Map<FunctionId, Promise<ProxyHandler>>();
    const load = <T>(functionId: FunctionId) =>
      import(join(root, FUNCTIONS[functionId].entry)).then((module: { handler: T }) =>
        iam.wrap(functionId, module.handler),
      );
    let authorizer: AuthorizerHandler | undefined;
    let managementAuthorizer: AuthorizerHandler | undefined;
    // Access logs to usage-ingest through the usage bucket, as Firehose, the bucket's notification
    // and the SQS event source do; closed after the gateway.
    const s3Client = localS3Client(sqs.endpoint);
    closers.push(async () => s3Client.destroy());
    await createBucket(s3Client, USAGE_BUCKET);
    const usage = startUsagePipeline({
      s3: s3Client,
      bucket: USAGE_BUCKET,
      ingest: () => load<SqsHandler>('usage-ingest'),
      // Hourly on AWS; every minute here, so an hour is rolled up soon after its grace period.
      rollup: () => load<RollupHandler>('usage-rollup'),
      ...(options.usageRollupIntervalMs !== undefined && { rollupIntervalMs: options.usageRollupIntervalMs }),
    });
    closers.push(usage.close);

    // The queues of QUEUES, their consumers behind local SQS event sources, and the reminder schedule.
    const sqsClient = new SQSClient({
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      useQueueUrlAsEndpoint: false,
      endpoint: sqs.endpoint,
    });
    closers.push(async () => sqsClient.destroy());
    // The event sources poll with it, as their consumer's role (the test harness's own calls stay unchecked).
    iam.enforceOn([sqsClient]);
    const queueUrls = await createQueues(sqsClient);
    const workers = options.messaging
      ? startWorkers({
          client: sqsClient,
          queueUrls,
          load: (functionId) => load<SqsHandler>(functionId),
          background: (options.workers ?? 'background') === 'background',
          concurrency: { 'webhook-deliveries': options.deliveryConcurrency ?? 4 },
          asConsumer: iam.runAs,
        })
      : undefined;
    if (workers) {
      for (const source of Object.values(workers)) closers.push(source.close);
      const intervalMs = options.reminderScanIntervalMs ?? REMINDER_SCAN_RATE_MINUTES * 60_000;
      if (intervalMs > 0) {
        const timer = setInterval(() => {
          load<ScanHandler>('reminders-scan')
            .then((scan) => scan({}))
            .catch((error: unknown) => console.error('Scheduled reminder scan failed:', error));
        }, intervalMs);
        timer.unref();
        closers.push(async () => clearInterval(timer));
      }
      const sweepIntervalMs = options.expirySweepIntervalMs ?? KEY_EXPIRY.sweepRateMinutes * 60_000;
      if (sweepIntervalMs > 0) {
        const sweep = setInterval(() => {
          load<SweepHandler>('key-expiry-sweep')
            .then((run) => run())
            .catch((error: unknown) => console.error('Scheduled key expiry sweep failed:', error));
        }, sweepIntervalMs);
        sweep.unref();
        closers.push(async () => clearInterval(sweep));
      }
    }
    const apiKeyHeader = options.apiKeyHeader ?? api.compiled.apiKeyHeader;
    const authorizerCache = authorizerCacheOf(apiKeyHeader);
    const gatewayCacheTtlSeconds = options.authorizerCacheTtlSeconds ?? authorizerCache.resultsCacheTtlSeconds;
    const gateway = await startLocalGateway({
      port: options.port,
      restApiId: LOCAL_REST_API_ID,
      authorizer: async (event) => {
        authorizer ??= await load<AuthorizerHandler>('authorizer');
        return authorizer(event);
      },
      // Keys, console sessions and OIDC tokens on the management routes, uncached (OIDC_* as set below).
      managementAuthorizer: async (event) => {
        managementAuthorizer ??= await load<AuthorizerHandler>('management-authorizer');
        return managementAuthorizer(event);
      },
      handlerOf: (functionId) => {
        if (!handlers.has(functionId)) handlers.set(functionId, load<ProxyHandler>(functionId));
        return handlers.get(functionId) as Promise<ProxyHandler>;
      },
      backends: app.backends ?? {},
      integrations: app.integrations ?? {},
      cacheTtlSeconds: gatewayCacheTtlSeconds,
      identitySources: authorizerCache.identitySources,
      apiKeyHeader,
      ...(options.dataDir && { usagePlansFile: join(options.dataDir, 'apigateway.json') }),
      ...(options.onRequest && { onRequest: options.onRequest }),
      onAccessLog: (record) => usage.push(record),
      ...(options.gatewayClock && { now: options.gatewayClock }),
    });
    closers.push(gateway.close);
    const endpoints: LocalEndpoints = {
      dynamodb: dynamodb.endpoint,
      secretsManager: secrets.endpoint,
      // The control plane, whose URL holds its token; the public gateway port does not serve it.
      apiGateway: gateway.controlPlaneUrl,
      sqs: sqs.endpoint,
      s3: sqs.endpoint,
      ses: ses.endpoint,
      lambda: lambda.endpoint,
    };

    // What the CDK construct sets per function, set here once for all handlers of this process.
    Object.assign(process.env, {
      AWS_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoints.secretsManager,
      AWS_ENDPOINT_URL_API_GATEWAY: endpoints.apiGateway,
      AWS_ENDPOINT_URL_SQS: endpoints.sqs,
      AWS_ENDPOINT_URL_S3: endpoints.s3,
      AWS_ENDPOINT_URL_SESV2: endpoints.ses,
      AWS_ENDPOINT_URL_LAMBDA: endpoints.lambda,
      BACKEND_FUNCTIONS: JSON.stringify(lambda.functionArns),
      // Every queue's URL under the variable the construct sets (TEAM_EVENT_QUEUE_URL is also what
      // grantPublishEvents gives a team's backend; the example's setup sets it too).
      ...Object.fromEntries(
        (Object.keys(QUEUE_URL_VARIABLES) as QueueId[]).map((queueId) => [
          QUEUE_URL_VARIABLES[queueId],
          queueUrls[queueId],
        ]),
      ),
      EXPIRY_FLUSH_WINDOW_SECONDS: String(options.expiryFlushWindowSeconds ?? 1),
      EMAIL_SENDER: LOCAL_EMAIL_SENDER,
      WEBHOOK_SECRET_ID,
      // The simulated partner's public key (a test fixture): `npm run cli -- leaks report` signs with it.
      SECRET_SCANNING_PUBLIC_KEYS: localPartnerKeysJson(),
      WEBHOOK_ALLOW_LOOPBACK: String(options.webhookAllowLoopback ?? true),
      ...(options.webhookRetrySchedule && { WEBHOOK_RETRY_SCHEDULE: options.webhookRetrySchedule.join(',') }),
      TABLE_NAME,
      USAGE_BUCKET,
      PEPPER_SECRET_ID,
      CURSOR_SECRET_ID,
      CALLER_SIGNING_SECRET_ID,
      SESSION_SECRET_ID,
      REST_API_ID: LOCAL_REST_API_ID,
      USAGE_PLAN_IDS: JSON.stringify(localUsagePlanIds()),
      POWERTOOLS_LOG_LEVEL: options.logLevel ?? 'WARN',
      API_KEY_HEADER: apiKeyHeader,
      AUTHORIZER_CACHE_TTL_SECONDS: String(gatewayCacheTtlSeconds),
    });

    const clients = localClients(endpoints);
    await createTable(clients.dynamoDb, TABLE_NAME);
    await createPepper(clients.secretsManager, PEPPER_SECRET_ID);
    await createPepper(clients.secretsManager, WEBHOOK_SECRET_ID);
    await createPepper(clients.secretsManager, CURSOR_SECRET_ID);
    await createPepper(clients.secretsManager, CALLER_SIGNING_SECRET_ID);
    await createPepper(clients.secretsManager, SESSION_SECRET_ID);
    await iam.start({
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT_ID,
      variables: { ...process.env },
      secretArns: await localSecretArns(clients.secretsManager, [
        PEPPER_SECRET_ID,
        WEBHOOK_SECRET_ID,
        CURSOR_SECRET_ID,
        CALLER_SIGNING_SECRET_ID,
        SESSION_SECRET_ID,
      ]),
      usagePlanIds: localUsagePlanIds(),
    });
    const bootstrapFile = options.dataDir ? join(options.dataDir, 'bootstrap.json') : '';
    const demo = await ensureDemoOrganization(clients, {
      tableName: TABLE_NAME,
      pepperSecretId: PEPPER_SECRET_ID,
      bootstrapFile,
    });
    const gatewayUrl = gateway.url.replace('127.0.0.1', 'localhost');
    const oidc = options.oidcProvider
      ? await startDemoOidcProvider({
          endpoints,
          tableName: TABLE_NAME,
          organizationId: demo.organizationId,
          consoleRedirectUris: [api.compiled.stages.live, api.compiled.stages.sandbox].map(
            (stage) => `${gatewayUrl}/${stage}/console/sign-in`,
          ),
          // Beside the definition: in dataDir its signing key outlives a restart, and so do its tokens.
          stateFile: join(definitionDir, LOCAL_OIDC_STATE_FILE_NAME),
        })
      : undefined;
    if (oidc) {
      closers.push(oidc.close);
      // Read by the management authorizer and the console when they first load, after startPlatform
      // returns: the console's sign-in button uses the provider's public client.
      Object.assign(process.env, {
        OIDC_ISSUER: oidc.issuer,
        OIDC_AUDIENCE: oidc.audience,
        OIDC_CONSOLE_CLIENT_ID: LOCAL_OIDC_CLIENT_ID,
      });
    }
    const bootstrap: Bootstrap = {
      // First: an earlier start's bootstrap.json comes back whole, its URLs with its ports.
      ...demo,
      liveUrl: `${gatewayUrl}/${api.compiled.stages.live}`,
      sandboxUrl: `${gatewayUrl}/${api.compiled.stages.sandbox}`,
      tableName: TABLE_NAME,
      pepperSecretId: PEPPER_SECRET_ID,
      endpoints,
      emailInboxUrl: ses.endpoint.replace('127.0.0.1', 'localhost'),
      queueUrls,
      webhookSecretId: WEBHOOK_SECRET_ID,
      callerSigningSecretId: CALLER_SIGNING_SECRET_ID,
      apiName: api.compiled.name,
      ...(oidc && { oidcIssuer: oidc.issuer }),
      apiDefinitionFile: definitionFile,
      consoleUrl: await createDemoConsoleUrl(
        clients,
        {
          tableName: TABLE_NAME,
          sessionSecretId: SESSION_SECRET_ID,
          consoleBaseUrl: `${gatewayUrl}/${api.compiled.stages.live}/console`,
        },
        demo,
      ),
    };
    const appClosers: (() => Promise<void>)[] = [];
    // The app's servers stop before the platform they call.
    closers.push(async () => {
      for (const closer of appClosers.reverse()) await closer().catch(() => {});
    });
    await app.setup?.({
      endpoints,
      queueUrls,
      gatewayUrl,
      bootstrap,
      ...(options.dataDir && { dataDir: options.dataDir }),
      onClose: (closer) => appClosers.push(closer),
    });
    if (options.dataDir) {
      mkdirSync(options.dataDir, { recursive: true });
      writeFileSync(bootstrapFile, `${JSON.stringify(bootstrap, null, 2)}\n`, { mode: 0o600 });
    }
    for (const client of Object.values(clients)) client.destroy();
    /**
     * Writes the pending access log to the usage bucket now and waits for usage-ingest to take the
     * object (it also runs every second).
     */
    const flushUsage = () => usage.flush();
    /** Runs usage-rollup once, as its schedule does at `at` (default: now). */
    const rollUpUsage = (at?: Date) => usage.rollup(at);
    /** With messaging: runs the scan once (as the schedule does, at `now` if given) and delivers the queue. */
    const reminders = workers && {
      scan: async (now?: Date) => (await load<ScanHandler>('reminders-scan'))(now ? { now: now.toISOString() } : {}),
      deliver: workers.reminders.drain,
      eventSource: workers.reminders,
    };
    /** With messaging: fans out every queued event, then makes every delivery that is due. */
    const webhooks = workers && {
      deliver: async () => {
        await workers['webhook-events'].drain();
        await workers['team-events'].drain();
        await workers['webhook-deliveries'].drain();
      },
      fanOut: workers['webhook-events'],
      /** The fan-out of the team's events queue (what its Lambda backends send to). */
      teamFanOut: workers['team-events'],
      delivery: workers['webhook-deliveries'],
    };
    /** With messaging: runs the expiry sweep once; the worker's event source flushes after each expiry. */
    const keyExpiry = workers && {
      sweep: async () => (await load<SweepHandler>('key-expiry-sweep'))(),
      worker: workers['key-expiries'],
    };
    return {
      bootstrap,
      gateway,
      close,
      flushUsage,
      rollUpUsage,
      usagePipeline: usage,
      reminders,
      webhooks,
      keyExpiry,
      sqsClient,
      iam,
    };
  } catch (error) {
    abandonIam();
    await close();
    throw error;
  }
}

/** Each `{ lambda }` backend needs a handler: a missing one would only show as a 502 on its first call. */
function assertBackendsServed(app: LocalApp) {
  const named = app.definition.compiled.routes.flatMap((route) =>
    'lambda' in route.backend ? [route.backend.lambda] : [],
  );
  const missing = [...new Set(named)].filter((name) => !Object.hasOwn(app.backends ?? {}, name));
  if (missing.length > 0) {
    throw new Error(
      `The app's definition names lambda backends it passes no handler for: ${missing.join(', ')}. Add them to the LocalApp's backends.`,
    );
  }
}
