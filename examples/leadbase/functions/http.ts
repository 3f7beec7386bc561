/**
 * Leadbase's responses and errors. Errors are answered in the platform's error body `{ error: { code, message, fields? } }`
 * so that clients see one shape whether the gateway, the platform or Leadbase refused a call.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';

export interface FieldIssue {
  field: string;
  message: string;
}

export class LeadbaseError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields?: FieldIssue[],
  ) {
    super(message);
    this.name = 'LeadbaseError';
  }
}

export const invalidRequest = (fields: FieldIssue[]) =>
  new LeadbaseError(
    400,
    'invalid_request',
    fields.map((issue) => `${issue.field}: ${issue.message}`).join('; '),
    fields,
  );
export const notFound = (message: string) => new LeadbaseError(404, 'not_found', message);
/** Well-formed, but not possible for this record; the platform refunds the credits of a failed call. */
export const unprocessable = (message: string) => new LeadbaseError(422, 'unprocessable', message);

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

export const noContent = (): APIGatewayProxyResult => ({
  statusCode: 204,
  headers: { 'cache-control': 'no-store' },
  body: '',
});

/** The response for anything a handler throws; only Leadbase's own errors say more than "internal". */
export function errorResponse(error: unknown): APIGatewayProxyResult {
  if (error instanceof LeadbaseError) {
    const { code, message, fields } = error;
    return json(error.status, { error: { code, message, ...(fields && { fields }) } });
  }
  console.error('Leadbase request failed', error);
  return json(500, { error: { code: 'internal_error', message: 'Something went wrong on our side. Retry later.' } });
}
