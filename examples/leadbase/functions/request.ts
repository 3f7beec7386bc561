/** Reading a request: a JSON body checked by a zod schema, paging, ids. Every problem names its field. */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { z } from 'zod';
import { pageQuery } from '../schemas';
import { type FieldIssue, invalidRequest, LeadbaseError } from './http';

const MAX_BODY_BYTES = 64 * 1024;

/** The body, checked against `schema`; an absent body counts as `{}`. */
export function parseBody<Schema extends z.ZodType>(event: APIGatewayProxyEvent, schema: Schema): z.output<Schema> {
  const raw = event.isBase64Encoded && event.body ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (raw && Buffer.byteLength(raw) > MAX_BODY_BYTES) {
    throw new LeadbaseError(413, 'payload_too_large', `The body must be at most ${MAX_BODY_BYTES} bytes.`);
  }
  let value: unknown = {};
  if (raw?.trim()) {
    try {
      value = JSON.parse(raw);
    } catch {
      throw invalidRequest([{ field: 'body', message: 'is not valid JSON' }]);
    }
  }
  return check(schema, value, 'body');
}

export function check<Schema extends z.ZodType>(schema: Schema, value: unknown, root: string): z.output<Schema> {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  throw invalidRequest(result.error.issues.map((issue) => fieldIssue(issue, root)));
}

function fieldIssue(issue: z.core.$ZodIssue, root: string): FieldIssue {
  const field = issue.path.length > 0 ? issue.path.map(String).join('.') : root;
  if (issue.code === 'unrecognized_keys')
    return { field: issue.keys.join(', '), message: 'is not a field that can be set here' };
  if (issue.code === 'invalid_type' && issue.input === undefined) return { field, message: 'is required' };
  return { field, message: issue.message };
}

/** `limit` and `cursor` of a list request's query. */
export function pageOf(event: APIGatewayProxyEvent): { limit: number; cursor?: string } {
  const { limit, cursor } = check(pageQuery, event.queryStringParameters ?? {}, 'query');
  return { limit, ...(cursor && { cursor }) };
}

/** The `{id}` path parameter, which must be one of `prefix`'s ids. */
export function idOf(event: APIGatewayProxyEvent, prefix: 'ct' | 'tb'): string {
  const id = event.pathParameters?.id;
  if (!id || !new RegExp(`^${prefix}_[0-9a-f]{20}$`).test(id)) {
    throw invalidRequest([{ field: 'id', message: `must look like ${prefix}_ followed by 20 hex digits` }]);
  }
  return id;
}
