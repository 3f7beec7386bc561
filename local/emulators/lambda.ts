/**
 * A small Lambda Invoke endpoint for the real SDK client (`POST /2015-03-31/functions/{name}/invocations`),
 * serving in-process handlers by name: the local stand-ins of a team's Lambda backends, which the
 * metered proxy invokes as it invokes their functions on AWS. Synchronous invocations
 * (RequestResponse, and DryRun) only. As Lambda does, a handler that throws or times out still
 * answers 200, with `X-Amz-Function-Error: Unhandled` and the error as the payload.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Context } from 'aws-lambda';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION, lambdaContext } from '../gateway/events';
import { closeServer, listen, readBody } from './listen';

export type LambdaHandler = (event: never, context: Context) => Promise<unknown>;

export interface LocalLambdaOptions {
  /** Handler by function name; the name is the function's local ARN's last part. */
  functions: Readonly<Record<string, LambdaHandler>>;
  port?: number;
  /** A function's timeout; past it the invocation fails as Lambda's `Task timed out`. */
  timeoutMs?: number;
}

/** Lambda's limit on a synchronous invocation's request payload. */
const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;
const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

export const localFunctionArn = (name: string) => `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:function:${name}`;

export async function startLambda(options: LocalLambdaOptions) {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const server = createServer((request, response) => {
    serve(request, response).catch((error: unknown) => {
      fail(response, 500, 'ServiceException', `The local Lambda endpoint failed: ${String(error)}`);
    });
  });

  async function serve(request: IncomingMessage, response: ServerResponse) {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const path = INVOKE_PATH.exec(url.pathname);
    if (request.method !== 'POST' || !path) {
      return fail(
        response,
        404,
        'UnknownOperationException',
        `${request.method} ${url.pathname} is not served locally.`,
      );
    }
    const name = functionNameOf(decodeURIComponent(path[1] as string));
    const handler = name !== undefined && Object.hasOwn(options.functions, name) ? options.functions[name] : undefined;
    if (!name || !handler) {
      return fail(response, 404, 'ResourceNotFoundException', `Function not found: ${localFunctionArn(name ?? '')}`);
    }
    const invocationType = String(request.headers['x-amz-invocation-type'] ?? 'RequestResponse');
    if (invocationType === 'DryRun') return reply(response, 204, '');
    if (invocationType !== 'RequestResponse') {
      return fail(
        response,
        400,
        'InvalidParameterValueException',
        `Invocation type ${invocationType} is not served locally.`,
      );
    }
    const body = await readBody(request, MAX_PAYLOAD_BYTES);
    if (!body) {
      return fail(
        response,
        413,
        'RequestTooLargeException',
        `Request must be smaller than ${MAX_PAYLOAD_BYTES} bytes for the InvokeFunction operation`,
      );
    }
    let event: unknown = {};
    try {
      if (body.length > 0) event = JSON.parse(body.toString('utf8'));
    } catch {
      return fail(response, 400, 'InvalidRequestContentException', 'Could not parse request body into json');
    }
    const outcome = await run(handler, name, event);
    if ('error' in outcome)
      return reply(response, 200, JSON.stringify(outcome.error), { 'X-Amz-Function-Error': 'Unhandled' });
    return reply(response, 200, JSON.stringify(outcome.result ?? null));
  }

  async function run(handler: LambdaHandler, name: string, event: unknown) {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<{ error: object }>((resolve) => {
      timer = setTimeout(
        () =>
          resolve({
            error: {
              errorType: 'Sandbox.Timedout',
              errorMessage: `Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`,
            },
          }),
        timeoutMs,
      );
    });
    try {
      const result = handler(event as never, lambdaContext(name, timeoutMs)).then(
        (value) => ({ result: value }),
        (error: unknown) => ({ error: errorPayload(error) }),
      );
      return await Promise.race([result, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  const port = await listen(server, options.port ?? 0);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    /** Each function's local ARN by name: what BACKEND_FUNCTIONS holds locally. */
    functionArns: Object.fromEntries(Object.keys(options.functions).map((name) => [name, localFunctionArn(name)])),
    close: () => closeServer(server),
  };
}

/** A function name, name:qualifier, ARN or partial ARN (`<account>:function:<name>`) → the name. */
function functionNameOf(identifier: string): string | undefined {
  const parts = identifier.split(':');
  const at = parts.indexOf('function');
  if (at >= 0) return parts[at + 1];
  return parts[0];
}

/** What the Node.js runtime reports for an error the handler threw. */
function errorPayload(error: unknown) {
  if (error instanceof Error) {
    return { errorType: error.name, errorMessage: error.message, trace: (error.stack ?? '').split('\n') };
  }
  return { errorType: 'Error', errorMessage: String(error), trace: [] };
}

function reply(response: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) {
  response.writeHead(status, {
    'content-type': 'application/json',
    'x-amzn-requestid': crypto.randomUUID(),
    ...(status === 200 && { 'X-Amz-Executed-Version': '$LATEST' }),
    ...headers,
  });
  response.end(body);
}

function fail(response: ServerResponse, status: number, type: string, message: string) {
  reply(response, status, JSON.stringify({ Type: status >= 500 ? 'Service' : 'User', message }), {
    'x-amzn-errortype': type,
  });
}
