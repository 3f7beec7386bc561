/**
 * Typed errors of the domain. The HTTP error handler maps them to a status in one place; only
 * messages of errors below 500 reach the caller.
 */
export abstract class AppError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export interface FieldIssue {
  field: string;
  message: string;
}

export class ValidationError extends AppError {
  readonly status = 400;
  readonly code = 'invalid_request';
  constructor(
    readonly issues: FieldIssue[],
    options?: { cause?: unknown },
  ) {
    super(issues.map((issue) => `${issue.field}: ${issue.message}`).join('; '), options);
  }
}

/**
 * The caller did not prove who it is (an unsigned partner report, a request with two keys); keys
 * otherwise get their 401 from the gateway, with the same code.
 */
export class UnauthorizedError extends AppError {
  readonly status = 401;
  readonly code = 'unauthorized';
}

export class ForbiddenError extends AppError {
  readonly status = 403;
  readonly code = 'forbidden';
}

/** A key (or person) asked to grant more than it holds itself; every issue names the field. */
export class ExceedsOwnRightsError extends AppError {
  readonly status = 403;
  readonly code = 'exceeds_own_rights';
  constructor(
    readonly issues: FieldIssue[],
    options?: { cause?: unknown },
  ) {
    super(
      `Nobody grants more than they hold, key or person. ${issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ')}`,
      options,
    );
  }
}

export class NotFoundError extends AppError {
  readonly status = 404;
  readonly code = 'not_found';
}

export class ConflictError extends AppError {
  readonly status = 409;
  readonly code = 'conflict';
}

/** A conditional write lost a race; the caller may re-read and retry. */
export class ConcurrentModificationError extends AppError {
  readonly status = 409;
  readonly code = 'concurrent_modification';
}

export class UnsupportedMediaTypeError extends AppError {
  readonly status = 415;
  readonly code = 'unsupported_media_type';
}

/** Insufficient credits for a paid call: says the balance and the cost. */
export class InsufficientCreditsError extends AppError {
  readonly status = 402;
  readonly code = 'insufficient_credits';
  constructor(
    readonly balance: number,
    readonly cost: number,
    options?: { cause?: unknown },
  ) {
    super(
      `This call costs ${cost} credit${cost === 1 ? '' : 's'} and the organization's balance is ${balance}. Add credits, then retry.`,
      options,
    );
  }
}

/** A key over its own per-minute limit. */
export class RateLimitedError extends AppError {
  readonly status = 429;
  readonly code = 'rate_limited';
  constructor(
    message: string,
    /** Whole seconds until the window resets, at least 1: the Retry-After header. */
    readonly retryAfterSeconds: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class PayloadTooLargeError extends AppError {
  readonly status = 413;
  readonly code = 'payload_too_large';
}

/**
 * A route's backend failed to give an answer (unreachable, crashed, or answered with something
 * that is not a response); the metered proxy refunds the call.
 */
export class BadGatewayError extends AppError {
  readonly status = 502;
  readonly code = 'bad_gateway';
}

/** A route's backend did not answer in time; the metered proxy refunds the call. */
export class GatewayTimeoutError extends AppError {
  readonly status = 504;
  readonly code = 'gateway_timeout';
}

/**
 * A person called a route their role or read-only session does not allow: the code is the one the
 * management authorizer's ACCESS_DENIED answer gives for the same refusal.
 */
export class PersonRouteRefusedError extends AppError {
  readonly status = 403;
  constructor(
    readonly code: 'read_only_session' | 'insufficient_role',
    message: string,
  ) {
    super(message);
  }
}
