/**
 * Attribution and interception. Every handler runs in this one process and shares the AWS clients
 * of functions/runtime/clients.ts, so the local platform runs each invocation inside
 * `runAsFunction`, and a middleware on those clients asks the invoking function's checker about
 * each command. A denied command never reaches the emulator: the middleware answers it with the
 * HTTP response the service sends for AccessDenied, and the client's own deserializer turns that
 * into the error the SDK surfaces on AWS (name, $fault, $metadata.httpStatusCode).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { SdkCall } from './sdk-calls';

export interface Denial {
  functionId: string;
  action: string;
  resource: string;
  /** The request's condition keys, e.g. the partition keys a DynamoDB call touches. */
  context?: Record<string, string | string[]>;
  /** As AWS words it: "User: … is not authorized to perform: …". */
  message: string;
}

export interface FunctionContext {
  functionId: string;
  /** The denial of a call, or undefined when the function's role allows it. */
  check: (call: SdkCall) => Promise<Denial | undefined>;
}

const invocations = new AsyncLocalStorage<FunctionContext>();

/** Runs one function invocation; the AWS calls it makes, awaited or not, are checked against its role. */
export function runAsFunction<T>(context: FunctionContext, invocation: () => T): T {
  return invocations.run(context, invocation);
}

/** The function whose invocation is running here, if any (the bench attributes requests by it). */
export function currentFunctionId(): string | undefined {
  return invocations.getStore()?.functionId;
}

/** How each service answers a call its caller's IAM does not allow. */
function accessDeniedResponse(clientName: string, message: string) {
  const requestId = randomUUID();
  const json = (statusCode: number, headers: Record<string, string>, body: object) => ({
    statusCode,
    reason: statusCode === 403 ? 'Forbidden' : 'Bad Request',
    headers: { 'x-amzn-requestid': requestId, ...headers },
    body: Buffer.from(JSON.stringify(body)),
  });
  switch (clientName) {
    case 'DynamoDBClient':
    case 'DynamoDBDocumentClient':
      return json(
        400,
        { 'content-type': 'application/x-amz-json-1.0' },
        { __type: 'com.amazon.coral.service#AccessDeniedException', Message: message },
      );
    case 'SQSClient':
      // SQS speaks JSON with the query protocol's error codes in a header of their own.
      return json(
        400,
        { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-query-error': 'AccessDenied;Sender' },
        { __type: 'com.amazon.coral.service#AccessDeniedException', message },
      );
    case 'SecretsManagerClient':
      return json(
        400,
        { 'content-type': 'application/x-amz-json-1.1' },
        { __type: 'AccessDeniedException', Message: message },
      );
    case 'S3Client':
      return {
        statusCode: 403,
        reason: 'Forbidden',
        headers: { 'x-amz-request-id': requestId, 'content-type': 'application/xml' },
        body: Buffer.from(
          `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>${escapeXml(message)}</Message><RequestId>${requestId}</RequestId></Error>`,
        ),
      };
    default:
      // REST JSON services (API Gateway, SES v2): 403 with the error type in a header.
      return json(
        403,
        { 'content-type': 'application/json', 'x-amzn-errortype': 'AccessDeniedException' },
        { message },
      );
  }
}

const escapeXml = (text: string) => text.replace(/[<>&'"]/g, (char) => `&#${char.charCodeAt(0)};`);

const MIDDLEWARE_NAME = 'localIamEnforcement';

interface MiddlewareArgs {
  input: Record<string, unknown>;
  request?: { method: string; path: string };
}
interface HandlerContext {
  clientName?: string;
  commandName?: string;
  endpointV2?: { url?: URL };
}
type Next = (args: MiddlewareArgs) => Promise<{ response: unknown; output?: unknown }>;

export interface ClientWithMiddleware {
  middlewareStack: {
    add: (middleware: never, options: { step: 'deserialize'; priority: 'low'; name: string }) => void;
    remove: (name: string) => boolean;
  };
}

/**
 * Adds the check to these clients, once. It sits inside the deserializer (step `deserialize`,
 * priority `low`), just before the HTTP handler: the request is signed and serialized, and a
 * made-up response still goes through the client's own error parsing.
 */
export function enforceIamOn(clients: ClientWithMiddleware[]): void {
  const middleware =
    (next: Next, context: HandlerContext) =>
    async (args: MiddlewareArgs): Promise<{ response: unknown; output?: unknown }> => {
      const invocation = invocations.getStore();
      if (!invocation) return next(args);
      const clientName = context.clientName ?? '';
      const denial = await invocation.check({
        clientName,
        commandName: context.commandName ?? '',
        input: args.input,
        ...(args.request && { request: args.request }),
        ...(context.endpointV2?.url && { endpointPath: context.endpointV2.url.pathname }),
      });
      if (!denial) return next(args);
      return { response: accessDeniedResponse(clientName, denial.message) };
    };
  for (const client of clients) {
    client.middlewareStack.remove(MIDDLEWARE_NAME);
    client.middlewareStack.add(middleware as never, { step: 'deserialize', priority: 'low', name: MIDDLEWARE_NAME });
  }
}
