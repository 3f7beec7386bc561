import { APIGatewayClient, FlushStageAuthorizersCacheCommand } from '@aws-sdk/client-api-gateway';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { type ClientWithMiddleware, enforceIamOn, runAsFunction } from '../../local/iam/enforcement';
import { PolicyEvaluator } from '../../local/iam/evaluator';
import type { ResourceRef } from '../../local/iam/function-policies';
import { startLocalIam } from '../../local/iam/local-iam';
import { IntrinsicResolver, type LocalResources, type PolicyStatement } from '../../local/iam/resolve';
import { iamRequestsOf, type SdkCall } from '../../local/iam/sdk-calls';

const TABLE = 'arn:aws:dynamodb:us-east-1:000000000000:table/t';
const QUEUE_URL = 'http://sqs.us-east-1.127.0.0.1:9324/000000000000/deliveries';
const QUEUE = 'arn:aws:sqs:us-east-1:000000000000:deliveries';
const PEPPER = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:pepper-AbC123';

const local: LocalResources = {
  region: 'us-east-1',
  accountId: '000000000000',
  variables: {
    TABLE_NAME: 't',
    DELIVERY_QUEUE_URL: QUEUE_URL,
    PEPPER_SECRET_ID: 'pepper',
    REST_API_ID: 'local',
    USAGE_BUCKET: 'usage',
  },
  secretArns: { pepper: PEPPER },
  usagePlanIds: { starter: 'starter' },
};

const call = (clientName: string, commandName: string, input: Record<string, unknown>, extra = {}): SdkCall => ({
  clientName,
  commandName,
  input,
  ...extra,
});

/** What infra/grants.ts writes, resolved: the shape of the policies under test. */
const statements: PolicyStatement[] = [
  {
    Effect: 'Allow',
    Action: ['dynamodb:GetItem', 'dynamodb:BatchWriteItem'],
    Resource: TABLE,
    Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['KEY#*'] } },
  },
  // Partitions per action (needs.tablePartitions): UpdateItem held to ORG# items only.
  {
    Effect: 'Allow',
    Action: 'dynamodb:UpdateItem',
    Resource: TABLE,
    Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['ORG#*'] } },
  },
  { Effect: 'Allow', Action: 'dynamodb:Query', Resource: `${TABLE}/index/gsi1` },
  { Effect: 'Allow', Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage'], Resource: QUEUE },
  { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: PEPPER },
  {
    Effect: 'Allow',
    Action: 'ses:SendEmail',
    Resource: 'arn:aws:ses:us-east-1:000000000000:identity/keys@example.com',
    Condition: { StringEquals: { 'ses:FromAddress': 'keys@example.com' } },
  },
  { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::usage/call-log/*' },
  {
    Effect: 'Allow',
    Action: 'apigateway:DELETE',
    Resource: 'arn:aws:apigateway:us-east-1::/restapis/local/stages/live/cache/authorizers',
  },
];

// One evaluator for every case: a request that differs from a validated one only in its partition
// keys skips validation, and that path must decide alike.
const evaluator = new PolicyEvaluator(
  { worker: { roleArn: 'arn:aws:sts::000000000000:assumed-role/r/worker', statements } },
  '0'.repeat(12),
);

async function allowed(sdkCall: SdkCall): Promise<boolean> {
  const decisions = await Promise.all(
    iamRequestsOf(sdkCall, local).map((request) => evaluator.decide('worker', request)),
  );
  return decisions.every((decision) => decision.allowed);
}

describe('iamRequestsOf', () => {
  it('names a DynamoDB item call by its operation, the table and the partition keys it touches', () => {
    expect(
      iamRequestsOf(call('DynamoDBClient', 'GetItemCommand', { TableName: 't', Key: { pk: { S: 'KEY#a' } } }), local),
    ).toEqual([{ action: 'dynamodb:GetItem', resource: TABLE, context: { 'dynamodb:LeadingKeys': ['KEY#a'] } }]);
  });

  it("names a query on an index by the index, and its leading key by the index's partition key", () => {
    const query = {
      TableName: 't',
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: 'ORG#o' } },
    };

    expect(iamRequestsOf(call('DynamoDBClient', 'QueryCommand', query), local)).toEqual([
      { action: 'dynamodb:Query', resource: `${TABLE}/index/gsi1`, context: { 'dynamodb:LeadingKeys': ['ORG#o'] } },
    ]);
  });

  it('names a batch once per table, with every partition key of that table', () => {
    const write = {
      RequestItems: {
        t: [{ PutRequest: { Item: { pk: { S: 'KEY#a' } } } }, { DeleteRequest: { Key: { pk: { S: 'KEY#b' } } } }],
        u: [{ PutRequest: { Item: { pk: { S: 'X' } } } }],
      },
    };

    expect(iamRequestsOf(call('DynamoDBClient', 'BatchWriteItemCommand', write), local)).toEqual([
      { action: 'dynamodb:BatchWriteItem', resource: TABLE, context: { 'dynamodb:LeadingKeys': ['KEY#a', 'KEY#b'] } },
      {
        action: 'dynamodb:BatchWriteItem',
        resource: `${TABLE.slice(0, -1)}u`,
        context: { 'dynamodb:LeadingKeys': ['X'] },
      },
    ]);
  });

  it('names SQS batches by their single action, on the queue of the URL', () => {
    const requests = ['SendMessageBatch', 'DeleteMessageBatch', 'ChangeMessageVisibilityBatch'].flatMap((operation) =>
      iamRequestsOf(call('SQSClient', `${operation}Command`, { QueueUrl: QUEUE_URL, Entries: [] }), local),
    );

    expect(requests).toEqual([
      { action: 'sqs:SendMessage', resource: QUEUE },
      { action: 'sqs:DeleteMessage', resource: QUEUE },
      { action: 'sqs:ChangeMessageVisibility', resource: QUEUE },
    ]);
  });

  it("names a secret by name as the local secret's ARN", () => {
    expect(iamRequestsOf(call('SecretsManagerClient', 'GetSecretValueCommand', { SecretId: 'pepper' }), local)).toEqual(
      [{ action: 'secretsmanager:GetSecretValue', resource: PEPPER }],
    );
  });

  it("names an email by its sender's identity and configuration set, with ses:FromAddress", () => {
    const email = { FromEmailAddress: 'Keys <keys@example.com>', ConfigurationSetName: 'c' };

    expect(iamRequestsOf(call('SESv2Client', 'SendEmailCommand', email), local)).toEqual([
      expect.objectContaining({
        action: 'ses:SendEmail',
        resource: 'arn:aws:ses:us-east-1:000000000000:identity/keys@example.com',
        context: expect.objectContaining({ 'ses:FromAddress': 'keys@example.com' }),
      }),
      expect.objectContaining({
        action: 'ses:SendEmail',
        resource: 'arn:aws:ses:us-east-1:000000000000:configuration-set/c',
      }),
    ]);
  });

  it('names an API Gateway call by its HTTP method and path, below the endpoint path', () => {
    const flush = call(
      'APIGatewayClient',
      'FlushStageAuthorizersCacheCommand',
      {},
      {
        request: { method: 'DELETE', path: '/token/restapis/local/stages/live/cache/authorizers' },
        endpointPath: '/token',
      },
    );

    expect(iamRequestsOf(flush, local)).toEqual([
      {
        action: 'apigateway:DELETE',
        resource: 'arn:aws:apigateway:us-east-1::/restapis/local/stages/live/cache/authorizers',
      },
    ]);
  });

  it("names a Lambda invoke as lambda:InvokeFunction on the function's ARN, given by ARN or by name", () => {
    const arn = 'arn:aws:lambda:us-east-1:000000000000:function:enrichments';

    expect(iamRequestsOf(call('LambdaClient', 'InvokeCommand', { FunctionName: arn }), local)).toEqual([
      { action: 'lambda:InvokeFunction', resource: arn },
    ]);
    expect(iamRequestsOf(call('LambdaClient', 'InvokeCommand', { FunctionName: 'enrichments' }), local)).toEqual([
      { action: 'lambda:InvokeFunction', resource: arn },
    ]);
  });

  it('names an S3 object call on the object, a listing on the bucket, and a copy on both ends', () => {
    const s3 = (command: string, input: Record<string, unknown>) =>
      iamRequestsOf(call('S3Client', command, input), local);

    expect(s3('GetObjectCommand', { Bucket: 'usage', Key: 'call-log/d/w.bin', Range: 'bytes=0-9' })).toEqual([
      { action: 's3:GetObject', resource: 'arn:aws:s3:::usage/call-log/d/w.bin' },
    ]);
    expect(s3('HeadObjectCommand', { Bucket: 'usage', Key: 'a' })).toEqual([
      { action: 's3:GetObject', resource: 'arn:aws:s3:::usage/a' },
    ]);
    expect(s3('PutObjectCommand', { Bucket: 'usage', Key: 'a' })).toEqual([
      { action: 's3:PutObject', resource: 'arn:aws:s3:::usage/a' },
    ]);
    expect(s3('ListObjectsV2Command', { Bucket: 'usage', Prefix: 'a/' })).toEqual([
      { action: 's3:ListBucket', resource: 'arn:aws:s3:::usage' },
    ]);
    expect(s3('CopyObjectCommand', { Bucket: 'usage', Key: 'b', CopySource: 'other/x%2Fy' })).toEqual([
      { action: 's3:PutObject', resource: 'arn:aws:s3:::usage/b' },
      { action: 's3:GetObject', resource: 'arn:aws:s3:::other/x/y' },
    ]);
  });

  it('refuses a client it has no mapping for, rather than guessing', () => {
    expect(() => iamRequestsOf(call('KinesisClient', 'PutRecordCommand', {}), local)).toThrow(
      /local\/iam\/sdk-calls\.ts/,
    );
  });
});

describe('PolicyEvaluator', () => {
  const getItem = (pk: string) => call('DynamoDBClient', 'GetItemCommand', { TableName: 't', Key: { pk: { S: pk } } });
  const updateItem = (pk: string) =>
    call('DynamoDBClient', 'UpdateItemCommand', { TableName: 't', Key: { pk: { S: pk } } });
  const query = (index: string) =>
    call('DynamoDBClient', 'QueryCommand', {
      TableName: 't',
      IndexName: index,
      KeyConditionExpression: `${index}pk = :pk`,
      ExpressionAttributeValues: { ':pk': { S: 'ORG#o' } },
    });
  const sqs = (operation: string) => call('SQSClient', `${operation}Command`, { QueueUrl: QUEUE_URL });
  const secret = (secretId: string) => call('SecretsManagerClient', 'GetSecretValueCommand', { SecretId: secretId });
  const email = (from: string) => call('SESv2Client', 'SendEmailCommand', { FromEmailAddress: from });
  const flush = (stage: string) =>
    call(
      'APIGatewayClient',
      'FlushStageAuthorizersCacheCommand',
      {},
      { request: { method: 'DELETE', path: `/restapis/local/stages/${stage}/cache/authorizers` } },
    );

  const object = (operation: string, key: string) =>
    call('S3Client', `${operation}Command`, { Bucket: 'usage', Key: key, Range: 'bytes=0-1' });

  it.each([
    ['GetItem within the granted partitions', true, getItem('KEY#a')],
    ['GetItem outside them (dynamodb:LeadingKeys)', false, getItem('ORG#o')],
    [
      'PutItem, never granted',
      false,
      call('DynamoDBClient', 'PutItemCommand', { TableName: 't', Item: { pk: { S: 'KEY#a' } } }),
    ],
    ['UpdateItem within its own partitions', true, updateItem('ORG#o')],
    ["UpdateItem in another action's partitions", false, updateItem('KEY#a')],
    ['Query on the granted index', true, query('gsi1')],
    ['Query on another index', false, query('gsi2')],
    ['DeleteMessageBatch on the consumed queue', true, sqs('DeleteMessageBatch')],
    ['SendMessage to the consumed queue (finding 1)', false, sqs('SendMessage')],
    ['GetSecretValue on the granted secret', true, secret('pepper')],
    ['GetSecretValue on another secret', false, secret('other')],
    ['SendEmail from the granted sender', true, email('keys@example.com')],
    ['SendEmail from another address', false, email('ceo@example.com')],
    ['a flush of the granted stage', true, flush('live')],
    ['a flush of another stage', false, flush('sandbox')],
    ['a ranged GetObject under the granted prefix', true, object('GetObject', 'call-log/2026-03-01/w.bin')],
    ['GetObject under another prefix', false, object('GetObject', 'access-logs/2026/03/01/10/o.gz')],
    ['PutObject under the granted prefix', false, object('PutObject', 'call-log/2026-03-01/w.bin')],
  ])('%s: allowed %s', async (_name, expected, sdkCall) => {
    expect(await allowed(sdkCall)).toBe(expected);
  });
});

describe('IntrinsicResolver', () => {
  const resources: Record<string, ResourceRef> = {
    Table: { type: 'AWS::DynamoDB::Table', variable: 'TABLE_NAME' },
    Queue: { type: 'AWS::SQS::Queue', variable: 'DELIVERY_QUEUE_URL' },
    Pepper: { type: 'AWS::SecretsManager::Secret', variable: 'PEPPER_SECRET_ID' },
    Api: { type: 'AWS::ApiGateway::RestApi', variable: 'REST_API_ID' },
    Plan: { type: 'AWS::ApiGateway::UsagePlan', usagePlan: 'starter' },
    OnFailure: { type: 'AWS::SQS::Queue' },
    EnrichmentsFn: { type: 'AWS::Lambda::Function', backend: 'enrichments' },
    Bucket: { type: 'AWS::S3::Bucket', variable: 'USAGE_BUCKET' },
  };
  const missing: string[] = [];
  const resolver = new IntrinsicResolver(resources, local, 'the policy of f', (note) => missing.push(note));

  it('resolves Ref, Fn::GetAtt, Fn::Join, Fn::Sub and pseudo parameters to local names and ARNs', () => {
    const resolved = resolver.resolve({
      Resource: [
        { 'Fn::GetAtt': ['Table', 'Arn'] },
        { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Table', 'Arn'] }, '/index/gsi1']] },
        { 'Fn::GetAtt': ['Queue', 'Arn'] },
        { Ref: 'Pepper' },
        // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax
        { 'Fn::Sub': 'arn:${AWS::Partition}:apigateway:${AWS::Region}::/restapis/${Api}/stages/live' },
        {
          'Fn::Join': [
            ':',
            ['arn', { Ref: 'AWS::Partition' }, 'ses', { Ref: 'AWS::Region' }, { Ref: 'AWS::AccountId' }, 'identity/a'],
          ],
        },
        { Ref: 'Plan' },
        { Ref: 'Bucket' },
        { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Bucket', 'Arn'] }, '/call-log/*']] },
      ],
    });

    expect(resolved).toEqual({
      Resource: [
        TABLE,
        `${TABLE}/index/gsi1`,
        QUEUE,
        PEPPER,
        'arn:aws:apigateway:us-east-1::/restapis/local/stages/live',
        'arn:aws:ses:us-east-1:000000000000:identity/a',
        'starter',
        'usage',
        'arn:aws:s3:::usage/call-log/*',
      ],
    });
  });

  it("resolves a team's Lambda backend to the local function of its backend name", () => {
    expect(resolver.resolve({ 'Fn::GetAtt': ['EnrichmentsFn', 'Arn'] })).toBe(
      'arn:aws:lambda:us-east-1:000000000000:function:enrichments',
    );
  });

  it('gives a resource with no local counterpart an ARN nothing local has, and says so', () => {
    const resolved = resolver.resolve({ 'Fn::GetAtt': ['OnFailure', 'Arn'] });

    expect(resolved).toBe('arn:aws:local:us-east-1:000000000000:no-local-counterpart/OnFailure');
    expect(missing).toEqual(['OnFailure.Arn (AWS::SQS::Queue): no function variable is filled from it']);
  });

  it('refuses a logical id that is not in the template, or an intrinsic it cannot resolve', () => {
    expect(() => resolver.resolve({ Ref: 'Nowhere' })).toThrow(
      'the policy of f names Nowhere, which is not in the synthesized template.',
    );
    expect(() => resolver.resolve({ 'Fn::If': ['c', 'a', 'b'] })).toThrow('the policy of f uses Fn::If');
  });
});

describe('enforceIamOn', () => {
  // The endpoint is never reached: a denied call is answered inside the client.
  const config = {
    region: 'us-east-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    endpoint: 'http://127.0.0.1:9',
    maxAttempts: 1,
  };
  const dynamoDb = DynamoDBDocumentClient.from(new DynamoDBClient(config));
  const clients = {
    sqs: new SQSClient(config),
    secrets: new SecretsManagerClient(config),
    ses: new SESv2Client(config),
    apiGateway: new APIGatewayClient(config),
    s3: new S3Client({ ...config, forcePathStyle: true }),
  };
  enforceIamOn([dynamoDb, ...Object.values(clients)] as unknown as ClientWithMiddleware[]);
  const denyAll = {
    functionId: 'f',
    check: async () => ({ functionId: 'f', action: 'a', resource: 'r', message: 'User: f is not authorized' }),
  };

  it.each([
    [
      'DynamoDB',
      () => dynamoDb.send(new GetCommand({ TableName: 't', Key: { pk: 'a' } })),
      'AccessDeniedException',
      400,
    ],
    [
      'SQS',
      () => clients.sqs.send(new SendMessageCommand({ QueueUrl: QUEUE_URL, MessageBody: 'b' })),
      'AccessDenied',
      400,
    ],
    [
      'Secrets Manager',
      () => clients.secrets.send(new GetSecretValueCommand({ SecretId: 's' })),
      'AccessDeniedException',
      400,
    ],
    [
      'SES',
      () => clients.ses.send(new SendEmailCommand({ FromEmailAddress: 'a@b.c', Content: {} })),
      'AccessDeniedException',
      403,
    ],
    [
      'API Gateway',
      () => clients.apiGateway.send(new FlushStageAuthorizersCacheCommand({ restApiId: 'r', stageName: 'live' })),
      'AccessDeniedException',
      403,
    ],
    ['S3', () => clients.s3.send(new GetObjectCommand({ Bucket: 'usage', Key: 'k' })), 'AccessDenied', 403],
  ])('surfaces a denied %s call as the SDK surfaces AccessDenied', async (_service, send, name, status) => {
    const error = await runAsFunction(denyAll, send).catch((caught: unknown) => caught);

    expect(error).toMatchObject({
      name,
      $fault: 'client',
      $metadata: { httpStatusCode: status },
      message: 'User: f is not authorized',
    });
  });

  it('leaves calls outside a function invocation alone', async () => {
    const error = await clients.secrets
      .send(new GetSecretValueCommand({ SecretId: 's' }))
      .catch((caught: unknown) => caught);

    expect(String(error)).toMatch(/ECONNREFUSED/);
  });
});

describe('startLocalIam', () => {
  it('wraps nothing with LOCAL_IAM=off', () => {
    process.env.LOCAL_IAM = 'off';
    try {
      const handler = async () => 'ok';
      const iam = startLocalIam({ root: process.cwd(), reminderSender: 'a@b.c', definitionFile: 'unread' });

      expect(iam.enabled).toBe(false);
      expect(iam.wrap('whoami', handler)).toBe(handler);
    } finally {
      delete process.env.LOCAL_IAM;
    }
  });
});
