/**
 * The operator CLI for the platform team. It talks to the running local stack by default (read
 * from .local/bootstrap.json), or to a deployed stack when TABLE_NAME and PEPPER_SECRET_ID are set
 * (with the usual AWS credentials and region).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoKeyStore } from '../functions/adapters/dynamo-key-store';
import { DynamoOrganizationStore } from '../functions/adapters/dynamo-organization-store';
import { pepperFromSecretsManager } from '../functions/adapters/pepper';
import { systemClock } from '../functions/domain/clock';
import type { KeyEnvironment } from '../functions/domain/keys/key-token';
import { provisionOrganization } from '../functions/domain/provisioning';
import { LOCAL_CREDENTIALS } from './bootstrap';
import { LOCAL_REGION } from './gateway/events';
import { repoRoot } from './paths';
import type { Bootstrap } from './platform';

// Lambda runs Node 22; locally Node 20 is supported and the lockfile pins the SDK, so its nag is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const USAGE = `Usage: npm run cli -- <command>

Commands:
  orgs create --name <name> --owner-email <email> [--accounts <n>] [--environment live|test|both]
      Creates an organization with <n> sub-accounts (default 2), its owner and admin key(s),
      and prints {organizationId, accountIds, adminKey} as JSON.

Target: the running local stack (.local/bootstrap.json), or a deployed stack when TABLE_NAME and
PEPPER_SECRET_ID are set in the environment, with AWS credentials and AWS_REGION.`;

class UsageError extends Error {}

function connect() {
  if (process.env.TABLE_NAME && process.env.PEPPER_SECRET_ID) {
    const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
      marshallOptions: { removeUndefinedValues: true },
    });
    return {
      documents,
      secrets: new SecretsManagerClient({}),
      tableName: process.env.TABLE_NAME,
      pepperSecretId: process.env.PEPPER_SECRET_ID,
    };
  }
  const file = join(repoRoot(), '.local', 'bootstrap.json');
  if (!existsSync(file)) {
    throw new UsageError(
      'No local stack found (.local/bootstrap.json). Start it with `npm start`, or set TABLE_NAME and PEPPER_SECRET_ID to target a deployed stack.',
    );
  }
  const local = JSON.parse(readFileSync(file, 'utf8')) as Bootstrap;
  const common = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ ...common, endpoint: local.endpoints.dynamodb }), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return {
    documents,
    secrets: new SecretsManagerClient({ ...common, endpoint: local.endpoints.secretsManager }),
    tableName: local.tableName,
    pepperSecretId: local.pepperSecretId,
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

  const target = connect();
  const { organization, adminKeys } = await provisionOrganization(
    {
      keys: new DynamoKeyStore(target.documents, target.tableName),
      organizations: new DynamoOrganizationStore(target.documents, target.tableName),
      pepper: pepperFromSecretsManager(target.secrets, target.pepperSecretId),
      clock: systemClock,
    },
    { name, ownerEmail, accountCount, adminKeyEnvironments },
  );
  const result = {
    organizationId: organization.id,
    accountIds: organization.accounts.map((account) => account.id),
    adminKey: adminKeys.live ?? adminKeys.test,
    ...(adminKeys.live && adminKeys.test && { sandboxAdminKey: adminKeys.test }),
  };
  console.log(JSON.stringify(result, null, 2));
}

async function main(argv: string[]) {
  const [group, command, ...rest] = argv;
  if (group === 'orgs' && command === 'create') return createOrganization(rest);
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
