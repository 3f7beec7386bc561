/**
 * HTTP backends of paid routes: one request with fetch, within a time budget that leaves the
 * proxy time to refund and answer before API Gateway's 29-second integration limit.
 */
import { BACKEND_TIMEOUT_SECONDS } from '../definition/metering';
import { BadGatewayError, GatewayTimeoutError } from '../domain/errors';
import { NO_ANSWER_MESSAGE } from '../domain/metering/backend-response';
import type { BackendResponse, Backends } from '../domain/metering/metered-proxy';

export const HTTP_BACKEND_TIMEOUT_MS = BACKEND_TIMEOUT_SECONDS * 1000;
/**
 * The largest answer passed on: the proxy returns it as its Lambda response, which Lambda caps at
 * 6 MB; a larger one would fail after the charge settled, with no refund.
 */
export const MAX_HTTP_BACKEND_ANSWER_BYTES = 5 * 1024 * 1024;

/**
 * Response headers that describe the backend's connection or encoding, not the answer: fetch
 * has already decoded the body, so its content-encoding and content-length no longer hold.
 */
const NOT_RETURNED_HEADERS = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'trailer',
  'upgrade',
  'content-encoding',
  'content-length',
]);

const TEXT = /^(text\/|application\/([\w.+-]*\+)?(json|xml|x-www-form-urlencoded|javascript)\b)/i;

export function httpBackend(options: { timeoutMs?: number; fetch?: typeof fetch } = {}): Backends['send'] {
  const send = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? HTTP_BACKEND_TIMEOUT_MS;
  return async (request) => {
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      const response = await send(request.url, {
        method: request.method,
        headers: request.headers,
        ...(request.body && request.body.length > 0 && { body: request.body }),
        redirect: 'manual',
        signal,
      });
      return await responseOf(response);
    } catch (error) {
      if (error instanceof BadGatewayError) throw error;
      if (signal.aborted) throw new GatewayTimeoutError(NO_ANSWER_MESSAGE, { cause: error });
      throw new BadGatewayError(NO_ANSWER_MESSAGE, { cause: error });
    }
  };
}

async function responseOf(response: Response): Promise<BackendResponse> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (!NOT_RETURNED_HEADERS.has(name) && name !== 'set-cookie') headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  const bytes = Buffer.from(await response.arrayBuffer());
  // Text stays text; anything else travels base64-encoded, as a Lambda proxy result carries binary.
  const isText = bytes.length === 0 || TEXT.test(response.headers.get('content-type') ?? 'text/plain');
  const size = isText ? bytes.length : Math.ceil(bytes.length / 3) * 4;
  if (size > MAX_HTTP_BACKEND_ANSWER_BYTES) {
    throw new BadGatewayError(
      `The service behind this route answered with more than ${MAX_HTTP_BACKEND_ANSWER_BYTES / 1024 / 1024} MB, more than the platform can pass on; the call was not charged.`,
    );
  }
  return {
    statusCode: response.status,
    headers,
    ...(cookies.length > 0 && { multiValueHeaders: { 'set-cookie': cookies } }),
    body: bytes.toString(isText ? 'utf8' : 'base64'),
    ...(!isText && { isBase64Encoded: true }),
  };
}
