/** The service's errors, answered in the platform's shape: `{ error: { code, message, fields? } }`. */
import type { z } from 'zod';

export interface FieldIssue {
  field: string;
  message: string;
}

export class ServiceError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields?: readonly FieldIssue[],
  ) {
    super(message);
    this.name = 'ServiceError';
  }

  toJSON() {
    return { error: { code: this.code, message: this.message, ...(this.fields && { fields: this.fields }) } };
  }
}

export const notFound = (what: string, id: string) =>
  new ServiceError(404, 'not_found', `No ${what} ${id} in this sub-account. List them with GET to find its id.`);

export const conflict = (message: string) => new ServiceError(409, 'conflict', message);

/** A zod failure as a 400 that names each field to fix; `where` prefixes the fields (`query`). */
export function invalidInput(error: z.ZodError, where?: string): ServiceError {
  const fields = error.issues.map((issue) => ({
    field: [where, ...issue.path.map(String)].filter(Boolean).join('.') || (where ?? 'body'),
    message: issue.message,
  }));
  return new ServiceError(
    400,
    'invalid_request',
    fields.map((issue) => `${issue.field}: ${issue.message}`).join('; '),
    fields,
  );
}
