/** Schemas every area of the registry shares: paging, timestamps, environments and headers. */
import { z } from 'zod';
import { KEY_ENVIRONMENTS } from '../../domain/keys/key-environment';
import type { ResponseSchema, RouteSchemas } from './route-schemas';

/** `?limit=&cursor=` of every list route (runtime/http-request.ts `pageOf` validates with it). */
export const pageQuery = z.object({
  limit: z.coerce
    .number({ error: 'must be a whole number from 1 to 100' })
    .int('must be a whole number from 1 to 100')
    .min(1, 'must be a whole number from 1 to 100')
    .max(100, 'must be a whole number from 1 to 100')
    .default(25)
    .describe('How many items to return, 1 to 100.'),
  cursor: z
    .string()
    .min(1)
    .max(2048)
    .optional()
    .describe('The nextCursor of the previous page; leave out for the first page. A cursor lasts 24 hours.'),
});

/** A page of a list: `nextCursor` is null on the last page. Its example is a page of the item's. */
export function pageResponse<Item extends z.ZodType>(item: Item, description: string) {
  const itemExamples: unknown[] = (z.globalRegistry.get(item)?.examples as unknown[] | undefined) ?? [];
  return z
    .object({
      items: z.array(item).describe(description),
      nextCursor: z
        .string()
        .nullable()
        .describe('Pass as ?cursor= to read the next page; null when this is the last one.'),
    })
    .describe(`A page of a list: ${description.charAt(0).toLowerCase()}${description.slice(1)}`)
    .meta(itemExamples.length > 0 ? { examples: [{ items: itemExamples.slice(0, 1), nextCursor: null }] } : {});
}

/** What the handlers write: `toISOString()` mostly, or a caller's own ISO 8601 time with its offset. */
export const timestamp = z.iso.datetime({ offset: true });

export const environment = z
  .enum(KEY_ENVIRONMENTS)
  .describe("'live' for production keys and traffic, 'test' for the sandbox stage.");

export const accountScope = z
  .union([z.literal('*'), z.array(z.string())])
  .describe("The sub-accounts reached: '*' for all of the organization's, or a list of sub-account ids.");

const ACCOUNT_SCOPE = 'must be \'*\' (every sub-account) or a list of 1 to 100 sub-account ids, such as ["acct_1"]';
const SUB_ACCOUNT_ID = 'each sub-account id is 1 to 64 characters';

/** Sub-accounts as a request names them: '*' for all, or 1 to 100 ids; `description` says whose. */
export function accountScopeInput(description: string) {
  const id = z.string().min(1, SUB_ACCOUNT_ID).max(64, SUB_ACCOUNT_ID);
  return z
    .union(
      [
        z.literal('*'),
        z
          .array(id, { error: ACCOUNT_SCOPE })
          .min(1, "must list at least one sub-account, or be '*'")
          .max(100, "must list at most 100 sub-accounts; send '*' for all of them"),
      ],
      // What zod says of a value that is neither ('Invalid input') tells nobody what to send.
      { error: ACCOUNT_SCOPE },
    )
    .describe(description);
}

/** Sent on every answer to a key (functions/domain/rate-limit-headers.ts). */
export const RATE_LIMIT_HEADERS: Record<string, string> = {
  'X-RateLimit-Limit':
    "Requests per minute allowed: the key's own rateLimitPerMinute if it has one, else its organization's plan.",
  'X-RateLimit-Remaining':
    "Requests left in the current minute: exact for a key's own limit, else an estimate that may be too high, never too low.",
  'X-RateLimit-Reset': 'Seconds until the current minute (aligned to the clock) ends and the count starts again.',
};

/** A success answer of a route behind the key authorizer (which may rate-limit the key). */
export function answer(description: string, schema?: z.ZodType, headers: Record<string, string> = {}): ResponseSchema {
  return { description, ...(schema && { schema }), headers: { ...headers, ...RATE_LIMIT_HEADERS } };
}

/** A 201 answer: `Location` names what was created. */
export const created = (description: string, schema: z.ZodType) =>
  answer(description, schema, { Location: 'The path of the created resource.' });

/** A list route: `?limit=&cursor=` in, a page of `item` out. */
export function listRoute(description: string, item: z.ZodType, itemsDescription: string): RouteSchemas {
  return {
    query: pageQuery,
    responses: { 200: answer(description, pageResponse(item, itemsDescription)) },
    errors: [400],
  };
}

/** A route with a JSON body: 400 for invalid fields, 413 above the size limit, 415 for another content type. */
export const BODY_ERRORS = [400, 413, 415] as const;
