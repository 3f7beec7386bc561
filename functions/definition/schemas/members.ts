/**
 * Member routes: what a live admin key, an owner or an admin sends to invite, change and remove the
 * people of an organization (every rule names its field), and what functions/members/ answers.
 */
import { z } from 'zod';
import { MEMBER_STATUSES } from '../../domain/members/member-model';
import { MEMBER_ROLES } from '../../domain/organization';
import { permissionProblem } from '../../domain/permissions';
import { ADMIN_PRESET } from '../scopes';
import { accountScope, accountScopeInput, answer, BODY_ERRORS, created, timestamp } from './common';
import type { RouteKey, RouteSchemas } from './route-schemas';

const roles = MEMBER_ROLES.map((role) => `'${role}'`).join(', ');
const role = z
  .enum(MEMBER_ROLES, { error: `must be one of ${roles}` })
  .describe(
    'owner: everything, and the owner role; admin: keys, webhooks and members; member: their own keys within their permissions and sub-accounts; viewer: reads only.',
  );

const accounts = accountScopeInput(
  "The sub-accounts the person sees: '*' for all, or their ids; within the caller's own. Required for a member; '*' by default for the other roles.",
);

const permissions = z
  .array(z.string({ error: 'must be a string' }), { error: 'must be an array of permission strings' })
  .max(50, 'must have at most 50 entries')
  .superRefine((values, ctx) => {
    for (const [index, value] of values.entries()) {
      const problem =
        value === ADMIN_PRESET ? "a member cannot hold 'admin': make them an admin instead" : permissionProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', path: [index], message: problem });
    }
    if (new Set(values).size !== values.length)
      ctx.addIssue({ code: 'custom', message: 'must not repeat a permission' });
  })
  .describe(
    "A member's own permissions (presets such as 'read', or resource:action scopes), never 'admin'; the keys they make hold at most these. Only for role member.",
  );

export const inviteMemberInput = z
  .strictObject({
    email: z
      .email('must be an email address')
      .max(320, 'must be at most 320 characters')
      .describe('Where the invitation goes; the person signs in as it.'),
    role: role.default('member'),
    accounts: accounts.optional(),
    permissions: permissions.optional(),
  })
  .describe('Whom to invite, with which role and rights.')
  .meta({
    id: 'InviteMemberRequest',
    examples: [{ email: 'ada@example.com', role: 'member', accounts: ['acct_eu'], permissions: ['read'] }],
  });
export type InviteMemberInput = z.output<typeof inviteMemberInput>;

export const updateMemberInput = z
  .strictObject({ role: role.optional(), accounts: accounts.optional(), permissions: permissions.optional() })
  .refine((patch) => Object.keys(patch).length > 0, { message: 'send at least one of role, accounts, permissions' })
  .describe('The fields to change.')
  .meta({ id: 'UpdateMemberRequest', examples: [{ role: 'admin' }] });
export type UpdateMemberInput = z.output<typeof updateMemberInput>;

/** domain/members/member-service.ts `memberView`. */
export const memberViewSchema = z
  .strictObject({
    id: z.string(),
    email: z.string(),
    role: z.enum(MEMBER_ROLES),
    accounts: accountScope,
    permissions: z.array(z.string()).describe("A member's own permissions; empty for the other roles."),
    status: z.enum(MEMBER_STATUSES).describe('invited until the person first signs in.'),
    invitedAt: timestamp,
    invitedBy: z.string().describe('The member or key that invited them.'),
    joinedAt: timestamp.nullable().describe('When they first signed in; null until then.'),
  })
  .describe('A person of the organization.')
  .meta({
    id: 'Member',
    examples: [
      {
        id: 'mem_3f9c2a7b1e5d4c8a',
        email: 'ada@example.com',
        role: 'member',
        accounts: ['acct_eu'],
        permissions: ['read'],
        status: 'invited',
        invitedAt: '2026-12-01T10:00:00.000Z',
        invitedBy: 'mem_owner',
        joinedAt: null,
      },
    ],
  });

const memberList = z
  .strictObject({ items: z.array(memberViewSchema).describe('Owners first, then by email.') })
  .describe("The organization's members.")
  .meta({ examples: [{ items: z.globalRegistry.get(memberViewSchema)?.examples ?? [] }] });

export const MEMBER_ROUTE_SCHEMAS = {
  'GET /v1/members': { responses: { 200: answer("The organization's members, owners first.", memberList) } },
  'POST /v1/members': {
    body: inviteMemberInput,
    responses: { 201: created('The member is invited; an email tells them so.', memberViewSchema) },
    errors: [...BODY_ERRORS, 409],
  },
  'GET /v1/members/{id}': { responses: { 200: answer('The member.', memberViewSchema) }, errors: [400, 404] },
  'PATCH /v1/members/{id}': {
    body: updateMemberInput,
    responses: { 200: answer('The member as changed.', memberViewSchema) },
    errors: [...BODY_ERRORS, 404, 409],
  },
  'DELETE /v1/members/{id}': {
    responses: { 204: answer('The member is removed; their sessions stop within a second.') },
    errors: [400, 404, 409],
  },
} satisfies Partial<Record<RouteKey, RouteSchemas>>;
