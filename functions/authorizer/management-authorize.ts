/**
 * The management authorizer: the REQUEST authorizer of the platform's management routes (`admin`
 * and `any-key` access). API Gateway does not cache it, so it runs on every management call and
 * a revoked session, a removed member or a changed role takes effect within the second its reads
 * are kept. An API key gets exactly the key authorizer's answer; a person (a console session token
 * or an OIDC token) gets the routes of their role, on the calling stage, as their organization.
 */
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { environmentOfStage } from '../definition/active-api';
import { callerHeaderContext } from '../definition/caller-headers';
import { readsOnly } from '../domain/caller';
import type { KeyEnvironment } from '../domain/keys/key-token';
import { valuesOf } from '../domain/keys/presented-key';
import type { Member } from '../domain/members/member-model';
import { rightsOfMember } from '../domain/members/member-rights';
import type { OidcSignIn } from '../domain/members/oidc-person';
import { denyPolicy, type MethodArn, parseMethodArn } from '../domain/policy';
import type { VerifiedSession } from '../domain/sessions/session-verify';
import { type PersonGrant, personDenial, personPolicy } from './person-policy';
import { presentedCredential } from './presented-credential';

/** API Gateway turns exactly this error message into a 401. */
const UNAUTHORIZED = 'Unauthorized';

/** Why a person credential got a 401; never the token itself. */
export type PersonRefusal =
  | 'ambiguous'
  | 'unknown-stage'
  | 'session-invalid'
  | 'member-gone'
  | 'oidc-off'
  | 'oidc-invalid'
  | 'oidc-not-a-member';

export interface ManagementAuthorizerDeps {
  /** The key authorizer (createAuthorizer): its answer is the answer for every API key. */
  keyAuthorizer: (event: APIGatewayRequestAuthorizerEvent) => Promise<APIGatewayAuthorizerResult>;
  /** A console session token's session, or undefined for any token that is not a live one. */
  session: (token: string) => Promise<VerifiedSession | undefined>;
  /** The member as stored now (or at most a second ago): a removal or a role change shows at once. */
  member: (organizationId: string, memberId: string) => Promise<Member | undefined>;
  /** The person an OIDC token names (verified, mapped to a member) and its expiry; absent when OIDC is not configured. */
  oidcPerson?: (token: string, organizationHint: string | undefined) => Promise<OidcSignIn | undefined>;
  /** The organization's gateway API key: its usage plan applies to people as to keys. */
  organizationUsageKey: (organizationId: string) => Promise<string | undefined>;
  log?: { personRefused(reason: PersonRefusal, sourceIp: string): void };
}

interface Person {
  member: Member;
  readOnly: boolean;
  authMethod: 'session' | 'oidc';
  sessionId?: string;
  /** An OIDC token's expiry (ISO 8601): a console session this person creates ends by then. */
  credentialExpiresAt?: string;
}

export function createManagementAuthorizer(deps: ManagementAuthorizerDeps) {
  return async (event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
    const credential = presentedCredential(event);
    if (credential.kind === 'key') return deps.keyAuthorizer(event);
    const arn = parseMethodArn(event.methodArn);
    if (!arn) throw new Error(`Unexpected methodArn ${event.methodArn}`);
    const sourceIp = event.requestContext?.identity?.sourceIp ?? '';
    const refuse = (reason: PersonRefusal): never => {
      deps.log?.personRefused(reason, sourceIp);
      throw new Error(UNAUTHORIZED);
    };
    if (credential.kind === 'ambiguous') return refuse('ambiguous');
    const environment = environmentOfStage(arn.stage);
    if (environment === undefined) return refuse('unknown-stage');

    if (credential.kind === 'session') {
      const session = await deps.session(credential.token);
      if (!session) return refuse('session-invalid');
      const member = await deps.member(session.organizationId, session.memberId);
      if (!member) return refuse('member-gone');
      return personAnswer(arn, environment, {
        member,
        readOnly: session.readOnly,
        authMethod: 'session',
        sessionId: session.sessionId,
      });
    }

    if (!deps.oidcPerson) return refuse('oidc-off');
    const [organizationHint] = valuesOf(event, 'x-organization-id');
    const person = await deps.oidcPerson(credential.token, organizationHint);
    if (!person) return refuse('oidc-invalid');
    if (person.kind === 'choose-organization') return chooseOrganizationAnswer(arn, person.organizationIds);
    return personAnswer(arn, environment, {
      member: person.member,
      readOnly: false,
      authMethod: 'oidc',
      credentialExpiresAt: person.tokenExpiresAt,
    });
  };

  async function personAnswer(
    arn: MethodArn,
    environment: KeyEnvironment,
    person: Person,
  ): Promise<APIGatewayAuthorizerResult> {
    const { member } = person;
    const grant: PersonGrant = { role: member.role, readOnly: person.readOnly };
    const rights = rightsOfMember(member, environment);
    const usageIdentifierKey = await deps.organizationUsageKey(member.organizationId);
    return {
      principalId: member.id,
      policyDocument: personPolicy(arn, grant),
      // The organization's gateway API key: its usage plan throttles people's calls with its keys'.
      ...(usageIdentifierKey && { usageIdentifierKey }),
      // Strings only, as API Gateway hands them on; lists as JSON (domain/caller-context.ts reads them).
      context: {
        actorType: 'member',
        memberId: member.id,
        email: member.email,
        role: member.role,
        readOnly: String(readsOnly(grant)),
        authMethod: person.authMethod,
        ...(person.sessionId && { sessionId: person.sessionId }),
        // A session's end is read afresh where it matters; an OIDC token's is known only here.
        ...(person.credentialExpiresAt && { credentialExpiresAt: person.credentialExpiresAt }),
        organizationId: member.organizationId,
        environment,
        permissions: JSON.stringify(rights.permissions),
        accounts: JSON.stringify(rights.accounts),
        ...callerHeaderContext({ permissions: rights.permissions, accounts: rights.accounts }),
        // Shown by the ACCESS_DENIED gateway response when the policy does not cover this route.
        ...personDenial(arn, grant),
      },
    };
  }
}

/**
 * A person of several organizations who named none: a 403 that lists them, so the console can ask.
 * No organization, so no usage plan and no route: the policy denies everything.
 */
function chooseOrganizationAnswer(arn: MethodArn, organizationIds: string[]): APIGatewayAuthorizerResult {
  return {
    principalId: 'oidc',
    policyDocument: denyPolicy(arn),
    context: {
      errorCode: 'organization_required',
      errorMessage: `You are a member of several organizations (${organizationIds.join(', ')}): name one in the X-Organization-Id header.`,
    },
  };
}
