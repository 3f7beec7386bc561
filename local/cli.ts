/**
 * The operator CLI for the platform team. It talks to the running local stack by default (read
 * from .local/bootstrap.json), or to a deployed stack when TABLE_NAME and PEPPER_SECRET_ID are set
 * (with the usual AWS credentials and region).
 */
import './quiet-sdk';
import { parseArgs } from 'node:util';
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ApiGatewayUsagePlans } from '../functions/adapters/api-gateway-usage-plans';
import { DynamoCreditLedger } from '../functions/adapters/dynamo-credit-ledger';
import { DynamoKeyStore } from '../functions/adapters/dynamo-key-store';
import { DynamoMemberStore } from '../functions/adapters/dynamo-member-store';
import { DynamoOrganizationStore } from '../functions/adapters/dynamo-organization-store';
import { pepperFromSecretsManager } from '../functions/adapters/pepper';
import { SqsReminderQueue } from '../functions/adapters/sqs-reminder-queue';
import { isPlanName, planNames, requestsPerMinuteOf } from '../functions/definition/plans';
import { systemClock } from '../functions/domain/clock';
import { addCredits, type CreditLedger } from '../functions/domain/credits';
import { KEY_ENVIRONMENTS, type KeyEnvironment } from '../functions/domain/keys/key-token';
import { changePlan } from '../functions/domain/plan-change';
import { type ProvisioningDeps, provisionOrganization } from '../functions/domain/provisioning';
import { scanForReminders } from '../functions/domain/reminders/reminder-service';
import { LOCAL_CREDENTIALS, localClients, localProvisioningDeps } from './bootstrap';
import { EXPIRY_USAGE, scheduleExistingExpiries } from './expiry-commands';
import { LOCAL_REGION } from './gateway/events';
import { LEAK_USAGE, reportLeak, setLeakAction } from './leak-commands';
import { readLocalBootstrap } from './paths';
import type { Bootstrap } from './platform';

const USAGE = `Usage: npm run cli -- <command>

Commands:
  orgs create --name <name> --owner-email <email> [--accounts <n>] [--environment live|test|both]
      Creates an organization with <n> sub-accounts (default 2), its owner and admin key(s),
      and prints {organizationId, accountIds, adminKey} as JSON. New organizations start on the
      definition's defaultPlan.
  orgs set-plan --organization <id> --plan <plan> [--requests-per-minute <n>]
      Moves the organization to another plan of the API definition (a custom figure needs a plan
      with customLimit). Takes effect within a minute.
  orgs add-credits --organization <id> --credits <n> [--environment live|test]
      Adds credits to the organization's live balance (default) or its sandbox balance (test), and
      prints the new balance. Sandbox calls draw on the sandbox balance only.
${LEAK_USAGE}
  members migrate
      Moves the members of organizations made before member items out of their organization item
      into items of their own (one Scan; each organization also migrates on its first member read,
      but a sign-in by email finds only migrated ones). Harmless to repeat. Prints {read, migrated}.
  keys reindex
      Lists keys made before key lists were per environment in their environment's list (one Scan;
      once per upgraded stack or .local/, harmless to repeat). Prints {read, moved}.
${EXPIRY_USAGE}
  reminders run [--now <ISO time>]
      Runs the rotation reminder scan once, as of --now (default: now), through the real queue: the
      messages go to the stack's reminder queue and the stack's worker sends them (locally the
      running \`npm start\` delivers them; the CLI waits until the queue is empty). Prints
      {read, queued}. Emails show in the local inbox (emailInboxUrl in .local/bootstrap.json).

Target: the running local stack (.local/bootstrap.json), or a deployed stack when TABLE_NAME,
PEPPER_SECRET_ID, REST_API_ID and USAGE_PLAN_IDS (the stack's outputs) are set, with AWS credentials
and AWS_REGION. Plans come from the API definition: the running local stack's (apiDefinitionFile in
.local/bootstrap.json), or the compiled file named by API_DEFINITION_FILE. \`reminders run\` needs
TABLE_NAME and REMINDER_QUEUE_URL for a deployed stack.`;

class UsageError extends Error {}

/** Plans and stages are the API definition's: the running local stack's unless API_DEFINITION_FILE names one. */
function useLocalDefinition() {
  const file = process.env.API_DEFINITION_FILE ?? readLocalBootstrap()?.apiDefinitionFile;
  if (file) process.env.API_DEFINITION_FILE = file;
}
const fail = (message: string): never => {
  throw new UsageError(message);
};

/** Provisioning deps for the deployed stack (AWS settings) or the running local stack. */
function connect(): ProvisioningDeps & { credits: CreditLedger } {
  const { TABLE_NAME, PEPPER_SECRET_ID, REST_API_ID, USAGE_PLAN_IDS } = process.env;
  if (TABLE_NAME && PEPPER_SECRET_ID) {
    if (!REST_API_ID || !USAGE_PLAN_IDS) {
      throw new UsageError('Set REST_API_ID and USAGE_PLAN_IDS too (stack outputs) to target a deployed stack.');
    }
    const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
      marshallOptions: { removeUndefinedValues: true },
    });
    return {
      keys: new DynamoKeyStore(documents, TABLE_NAME),
      organizations: new DynamoOrganizationStore(documents, TABLE_NAME),
      members: new DynamoMemberStore(documents, TABLE_NAME),
      usagePlans: new ApiGatewayUsagePlans(new APIGatewayClient({}), {
        restApiId: REST_API_ID,
        usagePlanIds: JSON.parse(USAGE_PLAN_IDS),
      }),
      pepper: pepperFromSecretsManager(new SecretsManagerClient({}), PEPPER_SECRET_ID),
      clock: systemClock,
      credits: new DynamoCreditLedger(documents, TABLE_NAME),
    };
  }
  const local = readLocalBootstrap();
  if (!local) {
    throw new UsageError(
      'No local stack found (.local/bootstrap.json). Start it with `npm start`, or set TABLE_NAME, PEPPER_SECRET_ID, REST_API_ID and USAGE_PLAN_IDS to target a deployed stack.',
    );
  }
  const clients = localClients(local.endpoints);
  return {
    ...localProvisioningDeps(clients, local),
    credits: new DynamoCreditLedger(clients.documents, local.tableName),
  };
}

async function createOrganization(args: string[]) {
  const { values } = parseArgs({
    args,
    options: {
      name: { type: 'string' },
      'owner-email': { type: 'string' },
      accounts: { type: 'string', default: '2' },
      environment: { type: 'string', default: 'live' },
    },
    strict: true,
  });
  const name = values.name?.trim();
  const ownerEmail = values['owner-email']?.trim();
  const accountCount = Number(values.accounts);
  if (!name) throw new UsageError('--name is required');
  if (!ownerEmail || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(ownerEmail))
    throw new UsageError('--owner-email must be an email address');
  if (!Number.isInteger(accountCount) || accountCount < 1 || accountCount > 100)
    throw new UsageError('--accounts must be 1 to 100');
  const environments: Record<string, KeyEnvironment[]> = { live: ['live'], test: ['test'], both: ['live', 'test'] };
  const adminKeyEnvironments = environments[values.environment ?? 'live'];
  if (!adminKeyEnvironments) throw new UsageError('--environment must be live, test or both');

  const { organization, adminKeys } = await provisionOrganization(connect(), {
    name,
    ownerEmail,
    accountCount,
    adminKeyEnvironments,
  });
  const result = {
    organizationId: organization.id,
    accountIds: organization.accounts.map((account) => account.id),
    adminKey: adminKeys.live ?? adminKeys.test,
    ...(adminKeys.live && adminKeys.test && { sandboxAdminKey: adminKeys.test }),
  };
  console.log(JSON.stringify(result, null, 2));
}

async function setPlan(args: string[]) {
  const { values } = parseArgs({
    args,
    options: { organization: { type: 'string' }, plan: { type: 'string' }, 'requests-per-minute': { type: 'string' } },
    strict: true,
  });
  if (!values.organization) throw new UsageError('--organization is required');
  const plan = values.plan;
  if (!plan || !isPlanName(plan)) throw new UsageError(`--plan must be one of ${planNames().join(', ')}`);
  const custom = values['requests-per-minute'];
  const customRequestsPerMinute = custom === undefined ? undefined : Number(custom);
  if (
    customRequestsPerMinute !== undefined &&
    !(Number.isInteger(customRequestsPerMinute) && customRequestsPerMinute > 0)
  ) {
    throw new UsageError('--requests-per-minute must be a whole number above 0');
  }
  const organization = await changePlan(connect(), values.organization, {
    plan,
    ...(customRequestsPerMinute !== undefined && { customRequestsPerMinute }),
  });
  console.log(
    JSON.stringify(
      {
        organizationId: organization.id,
        plan: organization.plan,
        requestsPerMinute: requestsPerMinuteOf(organization),
      },
      null,
      2,
    ),
  );
}

async function addCreditsCommand(args: string[]) {
  const { values } = parseArgs({
    args,
    options: { organization: { type: 'string' }, credits: { type: 'string' }, environment: { type: 'string' } },
    strict: true,
  });
  if (!values.organization) throw new UsageError('--organization is required');
  const amount = Number(values.credits);
  if (!Number.isInteger(amount) || amount < 1) throw new UsageError('--credits must be a whole number above 0');
  const environment = (values.environment ?? 'live') as KeyEnvironment;
  if (!KEY_ENVIRONMENTS.includes(environment)) throw new UsageError('--environment must be live or test');
  const deps = connect();
  const balance = await addCredits(deps.credits, { organizationId: values.organization, environment }, amount);
  console.log(JSON.stringify({ organizationId: values.organization, environment, creditBalance: balance }, null, 2));
}

async function runReminders(args: string[]) {
  const { values } = parseArgs({ args, options: { now: { type: 'string' } }, strict: true });
  const now = values.now === undefined ? undefined : new Date(values.now);
  if (now && Number.isNaN(now.getTime())) throw new UsageError('--now must be an ISO time, e.g. 2027-06-01T00:00:00Z');
  const target = reminderTarget();
  try {
    const result = await scanForReminders({
      keys: target.keys,
      queue: new SqsReminderQueue(target.sqs, target.queueUrl),
      clock: now ? () => now : systemClock,
    });
    const pending = target.local ? await waitForEmptyQueue(target.sqs, target.queueUrl) : undefined;
    console.log(
      JSON.stringify(
        {
          asOf: (now ?? new Date()).toISOString(),
          read: result.read,
          queued: result.queued.length,
          ...(pending !== undefined && { stillQueued: pending }),
          ...(target.inbox && { inbox: target.inbox }),
        },
        null,
        2,
      ),
    );
  } finally {
    target.sqs.destroy();
  }
}

function reminderTarget() {
  const { TABLE_NAME, REMINDER_QUEUE_URL } = process.env;
  if (TABLE_NAME && REMINDER_QUEUE_URL) {
    const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));
    return {
      keys: new DynamoKeyStore(documents, TABLE_NAME),
      sqs: new SQSClient({}),
      queueUrl: REMINDER_QUEUE_URL,
      local: false,
      inbox: undefined,
    };
  }
  const local = requireLocalBootstrap();
  if (!local.queueUrls?.reminders || !local.endpoints.sqs) {
    throw new UsageError('The local stack has no reminder queue; restart it with `npm start`.');
  }
  const clients = localClients(local.endpoints);
  return {
    keys: new DynamoKeyStore(clients.documents, local.tableName),
    sqs: new SQSClient({
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      endpoint: local.endpoints.sqs,
      useQueueUrlAsEndpoint: false,
    }),
    queueUrl: local.queueUrls.reminders,
    local: true,
    inbox: local.emailInboxUrl,
  };
}

/** Waits (up to 30 s) until the running stack's worker has taken every message; returns what is left. */
async function waitForEmptyQueue(client: SQSClient, queueUrl: string): Promise<number> {
  const deadline = Date.now() + 30_000;
  let left = 0;
  do {
    const { Attributes = {} } = await client.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    left =
      Number(Attributes.ApproximateNumberOfMessages ?? 0) +
      Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
    if (left === 0) return 0;
    await new Promise((resolve) => setTimeout(resolve, 250));
  } while (Date.now() < deadline);
  return left;
}

function requireLocalBootstrap(): Bootstrap {
  const local = readLocalBootstrap();
  if (!local) throw new UsageError('No local stack found (.local/bootstrap.json). Start it with `npm start`.');
  return local;
}

async function main(argv: string[]) {
  useLocalDefinition();
  if (argv[0] === 'reminders' && argv[1] === 'run') return runReminders(argv.slice(2));
  const [group, command, ...rest] = argv;
  if (group === 'orgs' && command === 'create') return createOrganization(rest);
  if (group === 'orgs' && command === 'set-plan') return setPlan(rest);
  if (group === 'orgs' && command === 'add-credits') return addCreditsCommand(rest);
  if (group === 'orgs' && command === 'set-leak-action')
    return setLeakAction(rest, () => connect().organizations as DynamoOrganizationStore, fail);
  if (group === 'leaks' && command === 'report') return reportLeak(rest, readLocalBootstrap(), fail);
  if (group === 'members' && command === 'migrate') {
    return console.log(JSON.stringify(await (connect().members as DynamoMemberStore).migrateAll()));
  }
  if (group === 'keys' && command === 'reindex') {
    return console.log(JSON.stringify(await (connect().keys as DynamoKeyStore).reindexListings()));
  }
  if (group === 'keys' && command === 'schedule-expiries') {
    return console.log(JSON.stringify(await scheduleExistingExpiries(readLocalBootstrap(), fail)));
  }
  throw new UsageError(group ? `Unknown command: ${[group, command].filter(Boolean).join(' ')}` : 'No command given');
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError || (error instanceof TypeError && 'code' in error)) {
    console.error(`${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
