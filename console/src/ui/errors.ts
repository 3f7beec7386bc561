import { ApiError } from '../../../sdk/src/errors';

/** The API's own message for an SDK ApiError (with the fields to fix), else the error's message. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    const fields = error.fields.map((issue) => `${issue.field}: ${issue.message}`);
    return fields.length > 0 ? `${error.message} (${fields.join('; ')})` : error.message;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}
