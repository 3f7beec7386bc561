/**
 * Typed errors: every 4xx/5xx answer of the platform is `{ error: { code, message, fields? } }`,
 * turned into an ApiError (a subclass for the statuses a caller handles differently), so callers
 * `catch` by class or switch on `status` instead of parsing bodies.
 */
import { retryAfterMs } from './retry-after';

export interface FieldIssue {
  field: string;
  message: string;
}

export class ApiError extends Error {
  override readonly name: string = 'ApiError';
  constructor(
    readonly status: number,
    /** The platform's error code, e.g. `invalid_request`, `insufficient_permissions`. */
    readonly code: string,
    message: string,
    /** For a 400: which field is wrong and what to fix. */
    readonly fields: readonly FieldIssue[] = [],
    readonly headers: Headers = new Headers(),
  ) {
    super(message);
  }
}

export class BadRequestError extends ApiError {
  override readonly name = 'BadRequestError';
  declare readonly status: 400;
}
export class UnauthorizedError extends ApiError {
  override readonly name = 'UnauthorizedError';
  declare readonly status: 401;
}
/** Not enough credits for a paid route. */
export class PaymentRequiredError extends ApiError {
  override readonly name = 'PaymentRequiredError';
  declare readonly status: 402;
}
export class ForbiddenError extends ApiError {
  override readonly name = 'ForbiddenError';
  declare readonly status: 403;
}
export class NotFoundError extends ApiError {
  override readonly name = 'NotFoundError';
  declare readonly status: 404;
}
export class ConflictError extends ApiError {
  override readonly name = 'ConflictError';
  declare readonly status: 409;
}
/**
 * Rate limited: still refused after the client's retries, or asked to wait longer than it may.
 * A used-up quota is its subclass QuotaExceededError (`code` `quota_exceeded`).
 */
export class RateLimitError extends ApiError {
  override readonly name: string = 'RateLimitError';
  declare readonly status: 429;
  /** Seconds the server asked to wait (Retry-After), when it said. */
  get retryAfterSeconds(): number | undefined {
    const seconds = retryAfterMs(this.headers.get('retry-after'), Date.now());
    return seconds === undefined ? undefined : Math.ceil(seconds / 1000);
  }
}

/**
 * The organization's request quota for the period (day, week, month) is used up: retrying cannot
 * help until it resets, so the client throws this at once. API Gateway's answer says no Retry-After.
 */
export class QuotaExceededError extends RateLimitError {
  override readonly name = 'QuotaExceededError';
}

/** The `code` of a 429 that is a used-up quota, not a rate limit. */
export const QUOTA_EXCEEDED = 'quota_exceeded';

const BY_STATUS: Record<number, typeof ApiError> = {
  400: BadRequestError,
  401: UnauthorizedError,
  402: PaymentRequiredError,
  403: ForbiddenError,
  404: NotFoundError,
  409: ConflictError,
  429: RateLimitError,
};

/** The error for a non-2xx answer, whatever its body (an HTML proxy page gets a generic code). */
export function apiErrorOf(status: number, body: unknown, headers: Headers = new Headers()): ApiError {
  const error = (body as { error?: { code?: unknown; message?: unknown; fields?: unknown } } | undefined)?.error;
  const code = typeof error?.code === 'string' ? error.code : `http_${status}`;
  const message =
    typeof error?.message === 'string'
      ? error.message
      : `HTTP ${status}${typeof body === 'string' && body ? `: ${body.slice(0, 200)}` : ''}`;
  const fields = Array.isArray(error?.fields) ? (error.fields as FieldIssue[]) : [];
  const ErrorClass = status === 429 && code === QUOTA_EXCEEDED ? QuotaExceededError : (BY_STATUS[status] ?? ApiError);
  return new ErrorClass(status, code, message, fields, headers);
}
