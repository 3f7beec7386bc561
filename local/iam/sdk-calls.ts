/**
 * What IAM checks for an AWS SDK v3 call: the action(s) and the resource ARN(s) of each command
 * the platform's clients send, as AWS authorizes them (a batch per table or per queue, a query on
 * an index per index, API Gateway by HTTP method and resource path), with the condition keys that
 * grants test: dynamodb:LeadingKeys (the partition keys touched; an index's own for a query on it)
 * and ses:FromAddress. S3 by object or bucket ARN.
 */
import { TABLE_SCHEMA } from '../../functions/definition/table';
import { type LocalResources, queueArnOfUrl, secretArnOf, tableArn } from './resolve';

export interface SdkCall {
  /** `DynamoDBClient`, `SQSClient`… as the SDK names it in the handler context. */
  clientName: string;
  /** `GetItemCommand`… */
  commandName: string;
  input: Record<string, unknown>;
  /** The serialized HTTP request: API Gateway's IAM resource is its path. */
  request?: { method: string; path: string };
  /** The path of the endpoint the client was given (the local control plane's has a token in it). */
  endpointPath?: string;
}

export interface IamRequest {
  action: string;
  resource: string;
  /** Request context keys of the action, e.g. dynamodb:LeadingKeys. */
  context?: Record<string, string | string[]>;
}

export class UnmappedCallError extends Error {
  override name = 'UnmappedCallError';
}

/** DocumentClient commands carry their own names; IAM knows the low-level operation. */
const DOCUMENT_COMMANDS: Record<string, string> = {
  Get: 'GetItem',
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  BatchGet: 'BatchGetItem',
  BatchWrite: 'BatchWriteItem',
  TransactGet: 'TransactGetItems',
  TransactWrite: 'TransactWriteItems',
};

export function iamRequestsOf(call: SdkCall, local: LocalResources): IamRequest[] {
  const bare = call.commandName.replace(/Command$/, '');
  const service = call.clientName.replace(/Client$/, '');
  switch (service) {
    case 'DynamoDB':
    case 'DynamoDBDocument':
      return dynamoDbRequests(DOCUMENT_COMMANDS[bare] ?? bare, call.input, local);
    case 'SQS':
      return sqsRequests(bare, call.input, local);
    case 'SecretsManager':
      return [{ action: `secretsmanager:${bare}`, resource: secretArnOf(local, String(call.input.SecretId)) }];
    case 'SESv2':
      return sesRequests(bare, call.input, local);
    case 'APIGateway':
      return [apiGatewayRequest(call, local)];
    case 'Lambda':
      return [lambdaRequest(bare, call.input, local)];
    case 'S3':
      return s3Requests(bare, call.input);
    default:
      throw new UnmappedCallError(
        `Local IAM enforcement does not know the IAM action of ${call.clientName} ${call.commandName}; add it to local/iam/sdk-calls.ts.`,
      );
  }
}

type Item = Record<string, unknown>;

/**
 * S3 authorizes an object operation on the object's ARN, a listing on the bucket's; HeadObject is
 * s3:GetObject, CopyObject reads its source and writes its target, DeleteObjects deletes each key.
 */
function s3Requests(operation: string, input: Item): IamRequest[] {
  const bucket = String(input.Bucket ?? '');
  const onBucket = (action: string): IamRequest => ({ action: `s3:${action}`, resource: `arn:aws:s3:::${bucket}` });
  const onObject = (action: string, key: unknown, inBucket = bucket): IamRequest => ({
    action: `s3:${action}`,
    resource: `arn:aws:s3:::${inBucket}/${String(key)}`,
  });
  switch (operation) {
    case 'GetObject':
    case 'HeadObject':
      return [onObject('GetObject', input.Key)];
    case 'PutObject':
    case 'CreateMultipartUpload':
    case 'UploadPart':
    case 'CompleteMultipartUpload':
      return [onObject('PutObject', input.Key)];
    case 'AbortMultipartUpload':
      return [onObject('AbortMultipartUpload', input.Key)];
    case 'DeleteObject':
      return [onObject('DeleteObject', input.Key)];
    case 'DeleteObjects': {
      const objects = ((input.Delete as { Objects?: { Key?: string }[] } | undefined)?.Objects ?? []).map(
        (object) => object.Key,
      );
      return objects.map((key) => onObject('DeleteObject', key));
    }
    case 'CopyObject': {
      const source = decodeURIComponent(String(input.CopySource ?? '')).replace(/^\//, '');
      const slash = source.indexOf('/');
      return [onObject('PutObject', input.Key), onObject('GetObject', source.slice(slash + 1), source.slice(0, slash))];
    }
    case 'ListObjects':
    case 'ListObjectsV2':
    case 'HeadBucket':
      return [onBucket('ListBucket')];
    case 'CreateBucket':
    case 'DeleteBucket':
      return [onBucket(operation)];
    default:
      throw new UnmappedCallError(`Local IAM enforcement does not know the IAM action of S3 ${operation}.`);
  }
}

/** Invoke is lambda:InvokeFunction on the function's ARN (a name stands for the function in this account). */
function lambdaRequest(operation: string, input: Item, local: LocalResources): IamRequest {
  if (operation !== 'Invoke') throw new UnmappedCallError(`Local IAM enforcement does not know Lambda ${operation}.`);
  const name = String(input.FunctionName);
  return {
    action: 'lambda:InvokeFunction',
    resource: name.startsWith('arn:') ? name : `arn:aws:lambda:${local.region}:${local.accountId}:function:${name}`,
  };
}

function dynamoDbRequests(operation: string, input: Item, local: LocalResources): IamRequest[] {
  const onTable = (action: string, table: unknown, items: Item[], index?: unknown): IamRequest => ({
    action: `dynamodb:${action}`,
    resource: `${tableArn(local, String(table))}${index ? `/index/${String(index)}` : ''}`,
    // Only item actions have partition keys; IAM leaves the key out of the others' context.
    ...(items.length > 0 && { context: { 'dynamodb:LeadingKeys': [...new Set(items.map(partitionKeyOf))] } }),
  });
  switch (operation) {
    case 'BatchGetItem':
      return Object.entries((input.RequestItems ?? {}) as Record<string, { Keys: Item[] }>).map(([table, request]) =>
        onTable(operation, table, request.Keys),
      );
    case 'BatchWriteItem': {
      type WriteRequest = { PutRequest?: { Item: Item }; DeleteRequest?: { Key: Item } };
      return Object.entries((input.RequestItems ?? {}) as Record<string, WriteRequest[]>).map(([table, requests]) =>
        onTable(
          operation,
          table,
          requests.map((request) => request.PutRequest?.Item ?? request.DeleteRequest?.Key ?? {}),
        ),
      );
    }
    case 'TransactGetItems':
      return ((input.TransactItems ?? []) as { Get: { TableName: string; Key: Item } }[]).map((item) =>
        onTable('GetItem', item.Get.TableName, [item.Get.Key]),
      );
    case 'TransactWriteItems': {
      const actions = {
        Put: 'PutItem',
        Update: 'UpdateItem',
        Delete: 'DeleteItem',
        ConditionCheck: 'ConditionCheckItem',
      };
      type TransactItem = Record<string, { TableName: string; Key?: Item; Item?: Item } | undefined>;
      return ((input.TransactItems ?? []) as TransactItem[]).flatMap((item) =>
        Object.entries(actions).flatMap(([kind, action]) => {
          const request = item[kind];
          return request ? [onTable(action, request.TableName, [request.Item ?? request.Key ?? {}])] : [];
        }),
      );
    }
    case 'Query':
      return [onTable(operation, input.TableName, queriedPartition(input), input.IndexName)];
    case 'Scan':
      return [onTable(operation, input.TableName, [], input.IndexName)];
    default:
      if (typeof input.TableName !== 'string') {
        throw new UnmappedCallError(`Local IAM enforcement does not know the resource of DynamoDB ${operation}.`);
      }
      return [onTable(operation, input.TableName, input.Item || input.Key ? [(input.Item ?? input.Key) as Item] : [])];
  }
}

/** An attribute value as the request carries it: marshalled ({S: …}) below the DocumentClient. */
function stringOf(value: unknown): string {
  if (value && typeof value === 'object') {
    const typed = value as { S?: string; N?: string };
    return String(typed.S ?? typed.N ?? '');
  }
  return String(value ?? '');
}

const partitionKeyOf = (item: Item) => stringOf(item[TABLE_SCHEMA.partitionKey]);

/** The partition a Query names (`<key> = :value` in its KeyConditionExpression), the index's key for an index. */
function queriedPartition(input: Item): Item[] {
  const index = TABLE_SCHEMA.globalSecondaryIndexes.find((candidate) => candidate.indexName === input.IndexName);
  const attribute = index?.partitionKey ?? TABLE_SCHEMA.partitionKey;
  const names = (input.ExpressionAttributeNames ?? {}) as Record<string, string>;
  const values = (input.ExpressionAttributeValues ?? {}) as Record<string, unknown>;
  const expression = String(input.KeyConditionExpression ?? '');
  for (const [, left = '', right = ''] of expression.matchAll(/([#:]?[\w.]+)\s*=\s*([#:]?[\w.]+)/g)) {
    const [name, placeholder] = left.startsWith(':') ? [right, left] : [left, right];
    if (placeholder.startsWith(':') && (names[name] ?? name) === attribute) {
      return [{ [TABLE_SCHEMA.partitionKey]: values[placeholder] }];
    }
  }
  return [];
}

/** SQS authorizes a batch as its single action. */
const SQS_BATCH_ACTIONS: Record<string, string> = {
  SendMessageBatch: 'SendMessage',
  DeleteMessageBatch: 'DeleteMessage',
  ChangeMessageVisibilityBatch: 'ChangeMessageVisibility',
};

function sqsRequests(operation: string, input: Item, local: LocalResources): IamRequest[] {
  const action = `sqs:${SQS_BATCH_ACTIONS[operation] ?? operation}`;
  if (typeof input.QueueUrl === 'string') return [{ action, resource: queueArnOfUrl(local, input.QueueUrl) }];
  if (typeof input.QueueName === 'string') {
    return [{ action, resource: `arn:aws:sqs:${local.region}:${local.accountId}:${input.QueueName}` }];
  }
  return [{ action, resource: `arn:aws:sqs:${local.region}:${local.accountId}:*` }];
}

/** SendEmail is authorized on the sending identity and on the configuration set, if any. */
function sesRequests(operation: string, input: Item, local: LocalResources): IamRequest[] {
  const arn = (resource: string) => `arn:aws:ses:${local.region}:${local.accountId}:${resource}`;
  if (operation !== 'SendEmail') return [{ action: `ses:${operation}`, resource: arn('*') }];
  const from = String(input.FromEmailAddress ?? '');
  const address = (/<([^>]+)>\s*$/.exec(from)?.[1] ?? from).trim();
  const identity =
    typeof input.FromEmailAddressIdentityArn === 'string' ? input.FromEmailAddressIdentityArn : undefined;
  const context = { 'ses:FromAddress': address, 'ses:ApiVersion': '2' };
  return [
    { action: 'ses:SendEmail', resource: identity ?? arn(`identity/${address}`), context },
    ...(typeof input.ConfigurationSetName === 'string'
      ? [{ action: 'ses:SendEmail', resource: arn(`configuration-set/${input.ConfigurationSetName}`), context }]
      : []),
  ];
}

/** API Gateway's control plane is authorized as `apigateway:<HTTP method>` on the resource path. */
function apiGatewayRequest(call: SdkCall, local: LocalResources): IamRequest {
  if (!call.request) throw new UnmappedCallError(`API Gateway ${call.commandName} has no serialized request.`);
  const base = (call.endpointPath ?? '').replace(/\/$/, '');
  const path = call.request.path.startsWith(base) ? call.request.path.slice(base.length) : call.request.path;
  return {
    action: `apigateway:${call.request.method.toUpperCase()}`,
    resource: `arn:aws:apigateway:${local.region}::${decodeURIComponent(path)}`,
  };
}
