/**
 * A small Secrets Manager endpoint speaking its JSON 1.1 protocol, for the real SDK client:
 * CreateSecret, GetSecretValue, PutSecretValue and DescribeSecret. Secrets persist in a JSON file.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { dirname } from 'node:path';
import { closeServer, listen } from './listen';

interface StoredSecret {
  arn: string;
  name: string;
  secretString: string;
  versionId: string;
  createdDate: number;
}

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';

export async function startSecretsManager(options: { file?: string; port?: number }) {
  const secrets = new Map<string, StoredSecret>(
    options.file && existsSync(options.file) ? Object.entries(JSON.parse(readFileSync(options.file, 'utf8'))) : [],
  );
  const persist = () => {
    if (!options.file) return;
    mkdirSync(dirname(options.file), { recursive: true });
    writeFileSync(options.file, JSON.stringify(Object.fromEntries(secrets), null, 2), { mode: 0o600 });
  };
  const find = (id: unknown) => [...secrets.values()].find((secret) => secret.name === id || secret.arn === id);

  const operations: Record<string, (input: Record<string, unknown>) => object> = {
    CreateSecret: (input) => {
      const name = String(input.Name ?? '');
      if (!name) throw awsError('InvalidParameterException', 'Name is required');
      if (secrets.has(name)) throw awsError('ResourceExistsException', `The secret ${name} already exists.`);
      const secret: StoredSecret = {
        arn: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}-${randomUUID().slice(0, 6)}`,
        name,
        secretString: String(input.SecretString ?? ''),
        versionId: randomUUID(),
        createdDate: Date.now() / 1000,
      };
      secrets.set(name, secret);
      persist();
      return { ARN: secret.arn, Name: secret.name, VersionId: secret.versionId };
    },
    GetSecretValue: (input) => {
      const secret = find(input.SecretId);
      if (!secret) throw awsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
      return {
        ARN: secret.arn,
        Name: secret.name,
        SecretString: secret.secretString,
        VersionId: secret.versionId,
        VersionStages: ['AWSCURRENT'],
        CreatedDate: secret.createdDate,
      };
    },
    PutSecretValue: (input) => {
      const secret = find(input.SecretId);
      if (!secret) throw awsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
      secret.secretString = String(input.SecretString ?? '');
      secret.versionId = randomUUID();
      persist();
      return { ARN: secret.arn, Name: secret.name, VersionId: secret.versionId, VersionStages: ['AWSCURRENT'] };
    },
    DescribeSecret: (input) => {
      const secret = find(input.SecretId);
      if (!secret) throw awsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
      return { ARN: secret.arn, Name: secret.name, CreatedDate: secret.createdDate };
    },
  };

  const server = createServer(async (request: IncomingMessage, response: ServerResponse) => {
    const target = String(request.headers['x-amz-target'] ?? '');
    const operation = operations[target.replace(/^secretsmanager\./, '')];
    try {
      if (!operation) throw awsError('UnknownOperationException', `Operation ${target} is not supported locally.`);
      const input = JSON.parse((await readBody(request)) || '{}') as Record<string, unknown>;
      send(response, 200, operation(input));
    } catch (error) {
      const { type, message } =
        error instanceof AwsError ? error : { type: 'InternalServiceError', message: String(error) };
      send(response, 400, { __type: type, message }, { 'x-amzn-errortype': type });
    }
  });
  const port = await listen(server, options.port ?? 0);
  return { endpoint: `http://127.0.0.1:${port}`, close: () => closeServer(server) };
}

class AwsError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

const awsError = (type: string, message: string) => new AwsError(type, message);

function send(response: ServerResponse, status: number, body: object, headers: Record<string, string> = {}) {
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', ...headers });
  response.end(JSON.stringify(body));
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
