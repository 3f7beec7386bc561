/** Reading what a proxy event carries: the caller, the body, the query and path. */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ZodError, type z } from 'zod';
import { pageQuery } from '../definition/schemas/common';
import type { Caller } from '../domain/caller';
import { type AuthorizerContext, platformContextOf } from '../domain/caller-context';
import { type FieldIssue, PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from '../domain/errors';
import type { PageRequest } from '../domain/keys/key-model';

/**
 * The caller of one of the platform's own handlers, from the authorizer's context; a handler
 * reached without it is misconfigured, so this fails closed. Its `accounts` are the key's own
 * scope (`*` stays `*`, which whole-organization routes require); a team's backend reads the
 * caller with `callerOf` of `api-key-platform/backend` instead (domain/caller-context.ts).
 */
export function platformCallerOf(event: APIGatewayProxyEvent): Caller {
  const context = platformContextOf(event.requestContext.authorizer);
  const userAgent = event.requestContext.identity?.userAgent ?? headerOf(event, 'user-agent');
  const common = {
    actor: context.actor,
    organizationId: context.organizationId,
    memberId: context.memberId,
    environment: context.environment,
    permissions: context.permissions,
    accounts: context.accounts,
    sourceIp: event.requestContext.identity?.sourceIp ?? '',
    ...(userAgent && { userAgent }),
  };
  if (context.actor.kind === 'member') return common;
  const key = context as AuthorizerContext;
  return {
    ...common,
    keyId: key.keyId,
    ...(key.rateLimitPerMinute !== undefined && { rateLimitPerMinute: key.rateLimitPerMinute }),
  };
}

export function headerOf(event: APIGatewayProxyEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

const MAX_BODY_BYTES = 64 * 1024;

/** Parses a JSON body against a schema; every problem names its field. An absent body counts as `{}`. */
export function parseBody<Schema extends z.ZodType>(
  event: APIGatewayProxyEvent,
  schema: Schema,
  options: { maxBytes?: number } = {},
): z.output<Schema> {
  const maxBytes = options.maxBytes ?? MAX_BODY_BYTES;
  const raw = event.isBase64Encoded && event.body ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  let value: unknown = {};
  if (raw && raw.trim().length > 0) {
    const contentType = headerOf(event, 'content-type');
    if (contentType && !/^application\/(.+\+)?json\b/i.test(contentType)) {
      throw new UnsupportedMediaTypeError(
        `Send the body as JSON with content-type: application/json (got ${contentType}).`,
      );
    }
    if (Buffer.byteLength(raw) > maxBytes) {
      throw new PayloadTooLargeError(`The body must be at most ${maxBytes} bytes.`);
    }
    try {
      value = JSON.parse(raw);
    } catch {
      // No cause: JSON.parse's message quotes the body, which may hold a key or a token.
      throw new ValidationError([{ field: 'body', message: 'is not valid JSON' }]);
    }
  }
  return validate(schema, value, 'body');
}

export function validate<Schema extends z.ZodType>(schema: Schema, value: unknown, root: string): z.output<Schema> {
  // reportInput tells a missing field from one of the wrong type; the input never leaves this
  // function: the cause keeps zod's issues without it, since a logged error may print its cause.
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  throw new ValidationError(
    result.error.issues.map((issue) => fieldIssue(issue, root)),
    { cause: new ZodError(result.error.issues.map(({ input: _input, ...issue }) => issue as z.core.$ZodIssue)) },
  );
}

function fieldIssue(issue: z.core.$ZodIssue, root: string): FieldIssue {
  const field =
    issue.path.length > 0
      ? issue.path
          .map(String)
          .join('.')
          .replace(/\.(\d+)/g, '[$1]')
      : root;
  if (issue.code === 'unrecognized_keys') {
    return { field: issue.keys.join(', '), message: 'is not a field that can be set here' };
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) return { field, message: 'is required' };
  return { field, message: issue.message };
}

export function pageOf(event: APIGatewayProxyEvent): PageRequest {
  const { limit, cursor } = validate(pageQuery, event.queryStringParameters ?? {}, 'query');
  return { limit, ...(cursor && { cursor }) };
}

export function pathParameter(event: APIGatewayProxyEvent, name: string, pattern: RegExp, example: string): string {
  const value = event.pathParameters?.[name];
  if (!value || !pattern.test(value)) {
    throw new ValidationError([{ field: name, message: `must look like ${example}` }]);
  }
  return value;
}
