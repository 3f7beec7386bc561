/**
 * Lambda backends of paid routes: one synchronous Invoke (`lambda:InvokeFunction` on the function's
 * ARN, from BACKEND_FUNCTIONS) with the proxy event the gateway built, as API Gateway's own Lambda
 * proxy integration would send it.
 */
import { InvokeCommand, type InvokeCommandOutput, type LambdaClient } from '@aws-sdk/client-lambda';
import { BadGatewayError, GatewayTimeoutError, PayloadTooLargeError } from '../domain/errors';
import { lambdaProxyResult, NO_ANSWER_MESSAGE } from '../domain/metering/backend-response';
import type { Backends } from '../domain/metering/metered-proxy';

export function lambdaBackends(
  client: LambdaClient,
  functionArns: Readonly<Record<string, string>>,
): Backends['invokeFunction'] {
  return async (name, event) => {
    const functionArn = Object.hasOwn(functionArns, name) ? functionArns[name] : undefined;
    if (!functionArn) {
      throw new BadGatewayError(NO_ANSWER_MESSAGE, { cause: new Error(`BACKEND_FUNCTIONS has no function ${name}`) });
    }
    let output: InvokeCommandOutput;
    try {
      output = await client.send(
        new InvokeCommand({
          FunctionName: functionArn,
          InvocationType: 'RequestResponse',
          Payload: new TextEncoder().encode(JSON.stringify(event)),
        }),
      );
    } catch (error) {
      // API Gateway takes bodies up to 10 MB, a synchronous Invoke 6 MB: the client sent too much.
      if (error instanceof Error && error.name === 'RequestTooLargeException') {
        throw new PayloadTooLargeError('The request is too large for this route: send at most 6 MB.', { cause: error });
      }
      if (error instanceof Error && error.name === 'TimeoutError') {
        throw new GatewayTimeoutError(NO_ANSWER_MESSAGE, { cause: error });
      }
      throw new BadGatewayError(NO_ANSWER_MESSAGE, { cause: error });
    }
    return lambdaProxyResult(new TextDecoder().decode(output.Payload ?? new Uint8Array()), output.FunctionError);
  };
}
