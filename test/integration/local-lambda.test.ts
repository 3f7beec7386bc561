/**
 * The local Lambda Invoke endpoint, through the real SDK client and the metered proxy's adapter:
 * what a synchronous invocation returns, how a thrown error travels, and what a caller of an
 * unknown function gets, as on Lambda.
 */
import '../../local/quiet-sdk';
import { InvokeCommand, LambdaClient, ResourceNotFoundException } from '@aws-sdk/client-lambda';
import { lambdaBackends } from '../../functions/adapters/lambda-backend';
import { BadGatewayError, PayloadTooLargeError } from '../../functions/domain/errors';
import { LOCAL_CREDENTIALS } from '../../local/bootstrap';
import { type LambdaHandler, localFunctionArn, startLambda } from '../../local/emulators/lambda';

describe('local Lambda endpoint', () => {
  const functions: Record<string, LambdaHandler> = {
    echo: async (event: { name?: string }, context) => ({
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ hello: event.name, functionName: context.functionName }),
    }),
    broken: async () => {
      throw new TypeError('cannot read contacts of undefined');
    },
    nothing: async () => undefined,
    slow: () => new Promise(() => {}),
  };
  let lambda: Awaited<ReturnType<typeof startLambda>>;
  let client: LambdaClient;

  beforeAll(async () => {
    lambda = await startLambda({ functions, timeoutMs: 200 });
    client = new LambdaClient({ region: 'us-east-1', credentials: LOCAL_CREDENTIALS, endpoint: lambda.endpoint });
  });
  afterAll(async () => {
    client.destroy();
    await lambda.close();
  });

  const invoke = (functionName: string, payload: unknown = {}) =>
    client.send(new InvokeCommand({ FunctionName: functionName, Payload: JSON.stringify(payload) }));
  const text = (payload: Uint8Array | undefined) => new TextDecoder().decode(payload);

  it('returns what the handler returns, by name or by ARN', async () => {
    const byName = await invoke('echo', { name: 'Ada' });
    const byArn = await invoke(localFunctionArn('echo'), { name: 'Grace' });

    expect(byName.StatusCode).toBe(200);
    expect(byName.FunctionError).toBeUndefined();
    expect(byName.ExecutedVersion).toBe('$LATEST');
    expect(JSON.parse(JSON.parse(text(byName.Payload)).body)).toEqual({ hello: 'Ada', functionName: 'echo' });
    expect(JSON.parse(JSON.parse(text(byArn.Payload)).body).hello).toBe('Grace');
  });

  it('answers a thrown error with 200, X-Amz-Function-Error Unhandled and the error as the payload', async () => {
    const output = await invoke('broken');

    expect(output.StatusCode).toBe(200);
    expect(output.FunctionError).toBe('Unhandled');
    expect(JSON.parse(text(output.Payload))).toMatchObject({
      errorType: 'TypeError',
      errorMessage: 'cannot read contacts of undefined',
    });
  });

  it('reports a handler past its timeout as a timed-out task', async () => {
    const output = await invoke('slow');

    expect(output.FunctionError).toBe('Unhandled');
    expect(JSON.parse(text(output.Payload)).errorMessage).toMatch(/^Task timed out after 0\.20 seconds$/);
  });

  it('returns null for a handler that returns nothing', async () => {
    expect(text((await invoke('nothing')).Payload)).toBe('null');
  });

  it('refuses an unknown function with ResourceNotFoundException', async () => {
    await expect(invoke('missing')).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('gives the ARN of each function, as BACKEND_FUNCTIONS holds them', () => {
    expect(lambda.functionArns.echo).toBe('arn:aws:lambda:us-east-1:000000000000:function:echo');
  });

  describe('through the metered proxy adapter', () => {
    it('reads a proxy result', async () => {
      const invokeFunction = lambdaBackends(client, lambda.functionArns);

      const response = await invokeFunction('echo', { name: 'Ada' });

      expect(response.statusCode).toBe(200);
      expect(response.headers).toEqual({ 'content-type': 'application/json' });
      expect(JSON.parse(response.body).hello).toBe('Ada');
    });

    it('turns an event over the 6 MB Invoke limit into PayloadTooLargeError (413)', async () => {
      const invokeFunction = lambdaBackends(client, lambda.functionArns);

      await expect(invokeFunction('echo', { body: 'x'.repeat(6 * 1024 * 1024) })).rejects.toBeInstanceOf(
        PayloadTooLargeError,
      );
    });

    it.each([
      ['a function that throws', 'broken'],
      ['a function that returns no proxy result', 'nothing'],
      ['a function it has no ARN for', 'unlisted'],
    ])('turns %s into BadGatewayError (502)', async (_case, name) => {
      const invokeFunction = lambdaBackends(client, lambda.functionArns);

      await expect(invokeFunction(name, {})).rejects.toBeInstanceOf(BadGatewayError);
    });
  });
});
