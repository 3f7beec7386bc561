/**
 * Reading a backend's answer. A Lambda backend answers with a proxy result ({ statusCode, headers,
 * body }); anything else (a crash, a value of another shape) is no answer the client can be given.
 */
import { z } from 'zod';
import { BadGatewayError } from '../errors';
import type { BackendResponse } from './metered-proxy';

const headerValue = z.union([z.string(), z.number(), z.boolean()]).transform(String);
const proxyResult = z.object({
  statusCode: z.number().int().min(100).max(599),
  headers: z.record(z.string(), headerValue).optional(),
  multiValueHeaders: z.record(z.string(), z.array(headerValue)).optional(),
  body: z.string().optional(),
  isBase64Encoded: z.boolean().optional(),
});

/** The backend failed to answer: the message names the function only, never its error (that stays in the logs). */
export const NO_ANSWER_MESSAGE = 'The service behind this route did not answer; the call was not charged. Retry later.';

/**
 * A Lambda backend's answer: its response payload, and the function error Lambda reports when the
 * function threw, timed out or crashed.
 */
export function lambdaProxyResult(payload: string, functionError: string | undefined): BackendResponse {
  if (functionError) throw new BadGatewayError(NO_ANSWER_MESSAGE, { cause: new Error(`${functionError}: ${payload}`) });
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch (error) {
    throw new BadGatewayError(NO_ANSWER_MESSAGE, { cause: error });
  }
  const parsed = proxyResult.safeParse(value);
  if (!parsed.success) throw new BadGatewayError(NO_ANSWER_MESSAGE, { cause: parsed.error });
  const { statusCode, headers, multiValueHeaders, body, isBase64Encoded } = parsed.data;
  return {
    statusCode,
    headers: headers ?? {},
    ...(multiValueHeaders && { multiValueHeaders }),
    body: body ?? '',
    ...(isBase64Encoded && { isBase64Encoded }),
  };
}
