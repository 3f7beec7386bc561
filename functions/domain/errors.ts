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

export class ForbiddenError extends AppError {
  readonly status = 403;
  readonly code = 'forbidden';
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
