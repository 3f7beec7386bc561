/** What callers may send to create, edit and rotate keys; every rule names the field it checks. */
import { z } from 'zod';
import { allowlistEntryProblem } from '../ip-allowlist';
import { permissionProblem } from '../permissions';
import { KEY_ENVIRONMENTS } from './key-token';

const MAX_GRACE_PERIOD_SECONDS = 30 * 24 * 3600;

const name = z
  .string({ error: 'must be a string' })
  .trim()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters');

const permissions = z
  .array(z.string({ error: 'must be a string' }), { error: 'must be an array of permission strings' })
  .min(1, 'must grant at least one permission')
  .max(50, 'must have at most 50 entries')
  .superRefine((values, ctx) => {
    for (const [index, value] of values.entries()) {
      const problem = permissionProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', path: [index], message: problem });
    }
    if (new Set(values).size !== values.length)
      ctx.addIssue({ code: 'custom', message: 'must not repeat a permission' });
  });

const accounts = z.union([
  z.literal('*'),
  z
    .array(z.string().min(1).max(64), { error: "must be '*' or an array of sub-account ids" })
    .min(1, "must list at least one sub-account, or be '*'")
    .max(100, 'must have at most 100 entries'),
]);

const ipAllowlist = z
  .array(z.string({ error: 'must be a string' }), { error: 'must be an array of IP addresses or CIDR ranges' })
  .max(100, 'must have at most 100 entries')
  .superRefine((values, ctx) => {
    for (const [index, value] of values.entries()) {
      const problem = allowlistEntryProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', path: [index], message: problem });
    }
  });

const expiresAt = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time such as 2027-01-31T00:00:00Z' });

const rateLimitPerMinute = z
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(1, 'must be at least 1')
  .max(100_000, 'must be at most 100000');

export const createKeyInput = z.strictObject({
  name,
  permissions,
  /** Defaults to the acting key's own sub-accounts ('*' for an unrestricted key). */
  accounts: accounts.optional(),
  environment: z.enum(KEY_ENVIRONMENTS, { error: "must be 'live' or 'test'" }).optional(),
  expiresAt: expiresAt.optional(),
  rateLimitPerMinute: rateLimitPerMinute.optional(),
  ipAllowlist: ipAllowlist.optional(),
  /** Member id or email of the person creating the key; defaults to the calling key's member. */
  createdBy: z.string().min(1).max(254).optional(),
});
export type CreateKeyInput = z.infer<typeof createKeyInput>;

/** `null` clears an optional field. The key value itself never changes. */
export const updateKeyInput = z
  .strictObject({
    name: name.optional(),
    permissions: permissions.optional(),
    accounts: accounts.optional(),
    ipAllowlist: ipAllowlist.nullable().optional(),
    expiresAt: expiresAt.nullable().optional(),
    rateLimitPerMinute: rateLimitPerMinute.nullable().optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, {
    message: 'send at least one of name, permissions, accounts, ipAllowlist, expiresAt, rateLimitPerMinute',
  });
export type UpdateKeyInput = z.infer<typeof updateKeyInput>;

export const rotateKeyInput = z.strictObject({
  gracePeriodSeconds: z
    .number({ error: 'must be a number of seconds' })
    .int('must be a whole number of seconds')
    .min(0, 'must be 0 or more')
    .max(MAX_GRACE_PERIOD_SECONDS, `must be at most ${MAX_GRACE_PERIOD_SECONDS} (30 days)`)
    .default(0),
});
export type RotateKeyInput = z.infer<typeof rotateKeyInput>;
