/** members: invite, list, read, change and remove the people of an organization. */
import { DynamoMemberStore } from '../adapters/dynamo-member-store';
import { SesEmailSender } from '../adapters/ses-email-sender';
import { consoleBaseUrl } from '../console-sessions/console-url';
import { inviteMemberInput, updateMemberInput } from '../definition/schemas/members';
import { systemClock } from '../domain/clock';
import { AppError } from '../domain/errors';
import {
  getMember,
  inviteMember,
  listMembers,
  MEMBER_ID_PATTERN,
  type MemberServiceDeps,
  memberView,
  removeMember,
  updateMember,
} from '../domain/members/member-service';
import { dynamoDb, sesV2 } from '../runtime/clients';
import { consoleUrlConfig, loadConfig, optionalEmailConfig, tableConfig } from '../runtime/config';
import { dispatch, type RouteContext } from '../runtime/http';
import { parseBody, pathParameter } from '../runtime/http-request';
import { json, noContent } from '../runtime/http-response';
import { logger } from '../runtime/logger';
import { keyStore, organizationStore } from '../runtime/stores';

const { EMAIL_SENDER, CONSOLE_URL, TABLE_NAME } = loadConfig({
  ...optionalEmailConfig,
  ...consoleUrlConfig,
  ...tableConfig,
});

const deps: MemberServiceDeps = {
  // The one function that moves a legacy organization's members array into member items.
  members: new DynamoMemberStore(dynamoDb, TABLE_NAME, Date.now, { migratesOnRead: true }),
  organizations: organizationStore,
  keys: keyStore,
  clock: systemClock,
  ...(EMAIL_SENDER && { invitations: new SesEmailSender(sesV2, EMAIL_SENDER) }),
  onInviteFailure: (error, memberId) => logger.error('Sending the invitation failed', { memberId, error }),
};

const AUDIT_ACTIONS: Record<string, string> = {
  'POST /v1/members': 'member.invited',
  'PATCH /v1/members/{id}': 'member.updated',
  'DELETE /v1/members/{id}': 'member.removed',
  'GET /v1/members': 'member.list',
  'GET /v1/members/{id}': 'member.get',
};

/** Where people sign in, as console links name it; none (the invitation names no link) when the request names no plain host. */
function consoleUrlOf(event: RouteContext['event']): string | undefined {
  try {
    return consoleBaseUrl(event, '/v1/members', CONSOLE_URL);
  } catch (error) {
    if (error instanceof AppError) return undefined;
    throw error;
  }
}

const idOf = ({ event }: RouteContext) =>
  pathParameter(event, 'id', MEMBER_ID_PATTERN, 'mem_ followed by letters or digits (see GET /v1/members)');

export const handler = dispatch(
  {
    'GET /v1/members': async ({ caller }) => json(200, { items: (await listMembers(deps, caller)).map(memberView) }),
    'POST /v1/members': async ({ event, caller, audit }) => {
      const input = parseBody(event, inviteMemberInput);
      audit.details = { email: input.email.toLowerCase(), role: input.role };
      const member = await inviteMember({ ...deps, consoleUrl: consoleUrlOf(event) }, caller, input);
      audit.details = { memberId: member.id, email: member.email, role: member.role, accounts: member.accounts };
      return json(201, memberView(member), { location: `/v1/members/${member.id}` });
    },
    'GET /v1/members/{id}': async (context) =>
      json(200, memberView(await getMember(deps, context.caller, idOf(context)))),
    'PATCH /v1/members/{id}': async (context) => {
      const patch = parseBody(context.event, updateMemberInput);
      context.audit.details = { memberId: idOf(context), changed: patch };
      const member = await updateMember(deps, context.caller, idOf(context), patch);
      context.audit.details = { memberId: member.id, email: member.email, changed: patch };
      return json(200, memberView(member));
    },
    'DELETE /v1/members/{id}': async (context) => {
      context.audit.details = { memberId: idOf(context) };
      const member = await removeMember(deps, context.caller, idOf(context));
      context.audit.details = { memberId: member.id, email: member.email, role: member.role };
      return noContent();
    },
  },
  {
    auditAction: (event) => AUDIT_ACTIONS[`${event.httpMethod} ${event.resource}`] ?? 'member',
    peopleAuditedLive: true,
  },
);
