/** The events API Gateway (REST, v1 payload) hands to a REQUEST authorizer and to proxy integrations. */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayRequestAuthorizerEvent, Context } from 'aws-lambda';
import type { RouteDefinition } from '../../functions/definition/routes';

export const LOCAL_ACCOUNT_ID = '000000000000';
export const LOCAL_REGION = 'us-east-1';

export interface IncomingCall {
  restApiId: string;
  stage: string;
  method: string;
  /** Path below the stage, e.g. `/v1/keys/key_…`. */
  path: string;
  route: RouteDefinition;
  pathParameters: Record<string, string>;
  headers: Record<string, string[]>;
  query: Record<string, string[]>;
  body: Buffer;
  sourceIp: string;
  requestId: string;
  requestTime: Date;
}

export function methodArn(call: IncomingCall): string {
  return `arn:aws:execute-api:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:${call.restApiId}/${call.stage}/${call.method}${call.path}`;
}

export function authorizerEvent(call: IncomingCall): APIGatewayRequestAuthorizerEvent {
  return {
    type: 'REQUEST',
    methodArn: methodArn(call),
    ...requestShape(call),
  } as APIGatewayRequestAuthorizerEvent;
}

export function proxyEvent(call: IncomingCall, authorizer: Record<string, unknown>): APIGatewayProxyEvent {
  const isText =
    call.body.length === 0 || /json|text|xml|form/i.test(first(call.headers, 'content-type') ?? 'application/json');
  const shape = requestShape(call);
  return {
    ...shape,
    body: call.body.length === 0 ? null : isText ? call.body.toString('utf8') : call.body.toString('base64'),
    isBase64Encoded: !isText,
    requestContext: { ...shape.requestContext, authorizer },
  } as APIGatewayProxyEvent;
}

function requestShape(call: IncomingCall) {
  const single = (values: Record<string, string[]>) =>
    Object.keys(values).length === 0
      ? null
      : Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v.at(-1) ?? '']));
  return {
    resource: call.route.path,
    path: call.path,
    httpMethod: call.method,
    headers: single(call.headers) ?? {},
    multiValueHeaders: call.headers,
    queryStringParameters: single(call.query),
    multiValueQueryStringParameters: Object.keys(call.query).length === 0 ? null : call.query,
    pathParameters: Object.keys(call.pathParameters).length === 0 ? null : call.pathParameters,
    stageVariables: null,
    requestContext: {
      accountId: LOCAL_ACCOUNT_ID,
      apiId: call.restApiId,
      httpMethod: call.method,
      path: `/${call.stage}${call.path}`,
      protocol: 'HTTP/1.1',
      requestId: call.requestId,
      requestTime: call.requestTime.toUTCString(),
      requestTimeEpoch: call.requestTime.getTime(),
      resourceId: call.route.path,
      resourcePath: call.route.path,
      stage: call.stage,
      identity: { sourceIp: call.sourceIp, userAgent: first(call.headers, 'user-agent') ?? null },
    },
  };
}

export function last(headers: Record<string, string[]>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  let found: string | undefined;
  for (const [key, values] of Object.entries(headers)) if (key.toLowerCase() === wanted) found = values.at(-1);
  return found;
}

export function first(headers: Record<string, string[]>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, values] of Object.entries(headers)) if (key.toLowerCase() === wanted) return values[0];
  return undefined;
}

export function lambdaContext(functionName: string, timeoutMs: number): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}
