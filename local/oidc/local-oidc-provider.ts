/**
 * Starts the local OIDC identity provider (provider-process.mjs) in a child process on loopback and
 * answers its questions about the people who may sign in. Development only: its login form takes
 * no password.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { DynamoMemberStore } from '../../functions/adapters/dynamo-member-store';
import { type LocalEndpoints, localClients } from '../bootstrap';
import { repoRoot } from '../paths';

/** The `aud` of its access tokens, which the local management authorizer expects (OIDC_AUDIENCE). */
export const LOCAL_OIDC_AUDIENCE = 'api-key-platform';
/** The resource indicator (RFC 8707) its access tokens are for; clients need not send it. */
export const LOCAL_OIDC_RESOURCE = 'urn:api-key-platform:management';
/** The public client (PKCE) of the console and of tests. */
export const LOCAL_OIDC_CLIENT_ID = 'console';
/**
 * Its signing key, cookie keys and port, kept beside the platform's API definition (in
 * `.local/<example>/` for npm start; mode 0600, never committed).
 */
export const LOCAL_OIDC_STATE_FILE_NAME = 'oidc-provider.json';
/** A loopback callback tests may redirect to, on any port (RFC 8252 §7.3). */
export const LOCAL_OIDC_TEST_REDIRECT_URI = 'http://127.0.0.1/callback';

export interface LocalOidcProviderOptions {
  /** Where its signing key, cookie keys and port are kept between starts; in memory without it. */
  stateFile?: string;
  /** The console's sign-in pages on the local gateway, one per stage. */
  consoleRedirectUris: string[];
  /** Lower-case emails of the people who may sign in, asked on every login form. */
  people: () => Promise<string[]>;
}

export interface LocalOidcProvider {
  issuer: string;
  audience: string;
  close: () => Promise<void>;
}

type FromProvider = { type: 'listening'; issuer: string } | { type: 'people'; id: number };

export async function startLocalOidcProvider(options: LocalOidcProviderOptions): Promise<LocalOidcProvider> {
  const child = fork(join(repoRoot(), 'local', 'oidc', 'provider-process.mjs'), [], {
    env: {
      ...process.env,
      OIDC_PROVIDER_CONFIG: JSON.stringify({
        stateFile: options.stateFile,
        redirectUris: [...options.consoleRedirectUris, LOCAL_OIDC_TEST_REDIRECT_URI],
        resource: LOCAL_OIDC_RESOURCE,
        audience: LOCAL_OIDC_AUDIENCE,
      }),
    },
    // Its own Node, not the parent's loaders (tsx, Jest): it is plain ESM.
    execArgv: [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  child.on('message', (message: FromProvider) => {
    if (message.type !== 'people') return;
    options
      .people()
      .catch((error: unknown) => {
        console.error('The local OIDC provider could not read the members:', error);
        return [];
      })
      .then((emails) => child.connected && child.send({ type: 'people', id: message.id, emails }));
  });
  const issuer = await listeningIssuer(child);
  return { issuer, audience: LOCAL_OIDC_AUDIENCE, close: () => stop(child) };
}

function listeningIssuer(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) =>
      reject(new Error(`The local OIDC provider exited (code ${code}) before it served; its output is above.`));
    child.once('exit', onExit);
    child.on('message', (message: FromProvider) => {
      if (message.type !== 'listening') return;
      child.off('exit', onExit);
      resolve(message.issuer);
    });
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await exited;
}

/** The provider for one organization's people (the demo organization), read from the local table. */
export async function startDemoOidcProvider(options: {
  endpoints: LocalEndpoints;
  tableName: string;
  organizationId: string;
  consoleRedirectUris: string[];
  stateFile?: string;
}): Promise<LocalOidcProvider> {
  const clients = localClients(options.endpoints);
  const destroyClients = () => {
    for (const client of Object.values(clients)) client.destroy();
  };
  const members = new DynamoMemberStore(clients.documents, options.tableName);
  try {
    const provider = await startLocalOidcProvider({
      consoleRedirectUris: options.consoleRedirectUris,
      ...(options.stateFile && { stateFile: options.stateFile }),
      people: async () => (await members.list(options.organizationId)).map((member) => member.email).sort(),
    });
    return {
      ...provider,
      close: async () => {
        await provider.close();
        destroyClients();
      },
    };
  } catch (error) {
    destroyClients();
    throw error;
  }
}
