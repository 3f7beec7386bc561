/** The one place where errors become HTTP responses. */
import { AppError, ExceedsOwnRightsError, RateLimitedError, ValidationError } from '../domain/errors';
import type { HttpResponse } from './http-response';
import { json } from './http-response';

export function errorResponse(error: unknown): HttpResponse {
  if (error instanceof AppError) {
    return json(
      error.status,
      {
        error: {
          code: error.code,
          message: error.message,
          ...((error instanceof ValidationError || error instanceof ExceedsOwnRightsError) && { fields: error.issues }),
        },
      },
      error instanceof RateLimitedError ? { 'Retry-After': String(error.retryAfterSeconds) } : {},
    );
  }
  return json(500, { error: { code: 'internal_error', message: 'Something went wrong on our side. Retry later.' } });
}

export function errorCodeOf(error: unknown): string {
  return error instanceof AppError ? error.code : 'internal_error';
}
