/**
 * The handlers' own checks of a person, behind the management authorizer's: the key handlers and
 * whoami run in-process on the local stack with the context the authorizer gives a person, so a
 * write that the authorizer's GET-only policy would stop first reaches them (defence in depth).
 * test/integration/people.test.ts runs the whole flow through the gateway.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { DynamoMemberStore } from '../../functions/adapters/dynamo-member-store';
import { activeApi } from '../../functions/definition/active-api';
import { matchRoute, type RouteMatch } from '../../functions/definition/routes';
import type { Member } from '../../functions/domain/members/member-model';
import { rightsOfMember } from '../../functions/domain/members/member-rights';
import { localClients } from '../../local/bootstrap';
import { lambdaContext, proxyEvent } from '../../local/gateway/events';
import { aMemberOf } from '../support/member-memory';
import { startTestPlatform, type TestPlatform } from '../support/platform';

type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

interface AuditItem {
  outcome: string;
  errorCode?: string;
  actor?: { type: string };
}

/** The management authorizer's context for a person signed in with a console session. */
function personContext(member: Member, options: { readOnly?: boolean } = {}) {
  const rights = rightsOfMember(member, 'live');
  return {
    principalId: member.id,
    actorType: 'member',
    memberId: member.id,
    email: member.email,
    role: member.role,
    readOnly: String(options.readOnly ?? false),
    authMethod: 'session',
    sessionId: 'ses_0123456789abcdef',
    organizationId: member.organizationId,
    environment: 'live',
    permissions: JSON.stringify(rights.permissions),
    accounts: JSON.stringify(rights.accounts),
  };
}

describe('people on the record (handlers with a person’s context)', () => {
  let platform: TestPlatform;
  let member: Member;
  let handlers: Record<'create' | 'get' | 'whoami' | 'remove' | 'auditLog' | 'webhooks', ProxyHandler>;

  beforeAll(async () => {
    platform = await startTestPlatform();
    const [account] = platform.bootstrap.accountIds;
    member = aMemberOf({
      id: 'mem_00000000000000a1',
      organizationId: platform.bootstrap.organizationId,
      email: 'ana@demo.example',
      accounts: [account as string],
      permissions: ['read'],
    });
    const clients = localClients(platform.bootstrap.endpoints);
    await new DynamoMemberStore(clients.documents, platform.bootstrap.tableName).invite(member);
    clients.dynamoDb.destroy();
    // Loaded after the platform pointed the SDK and TABLE_NAME at the emulators.
    handlers = {
      create: (await import('../../functions/keys/create')).handler as ProxyHandler,
      get: (await import('../../functions/keys/get')).handler as ProxyHandler,
      whoami: (await import('../../functions/account/whoami')).handler as ProxyHandler,
      remove: (await import('../../functions/keys/delete')).handler as ProxyHandler,
      auditLog: (await import('../../functions/account/audit-log')).handler as ProxyHandler,
      webhooks: (await import('../../functions/webhooks/endpoints')).handler as ProxyHandler,
    };
  });
  afterAll(() => platform.close());

  async function call(
    handler: ProxyHandler,
    request: { method: string; path: string; body?: unknown },
    context: Record<string, unknown>,
  ) {
    const match = matchRoute(request.method, request.path, activeApi().routes) as RouteMatch;
    const event = proxyEvent(
      {
        restApiId: 'local',
        stage: 'live',
        method: request.method,
        path: request.path,
        route: match.route,
        pathParameters: match.pathParameters,
        headers: { 'content-type': ['application/json'], 'user-agent': ['console/1.0'] },
        query: {},
        body: Buffer.from(request.body === undefined ? '' : JSON.stringify(request.body)),
        sourceIp: '198.51.100.9',
        requestId: 'req-people',
        requestTime: new Date(),
      },
      context,
    );
    const response = await handler(event, lambdaContext('people-records', 10_000));
    return { status: response.statusCode, body: JSON.parse(response.body || 'null') };
  }

  it('refuses a read-only session any write with 403', async () => {
    const refused = await call(
      handlers.create,
      { method: 'POST', path: '/v1/keys', body: { name: 'ro', permissions: ['read'] } },
      personContext(member, { readOnly: true }),
    );

    expect(refused.status).toBe(403);
  });

  it('refuses, in the route stack itself, a role outside the route’s people and a read-only write: handlers that check neither', async () => {
    const owner = { ...member, role: 'owner' as const, accounts: '*' as const, permissions: [] };

    const auditLogAsMember = await call(
      handlers.auditLog,
      { method: 'GET', path: '/v1/audit-log' },
      personContext(member),
    );
    const webhookOfReadOnlyOwner = await call(
      handlers.webhooks,
      { method: 'POST', path: '/v1/webhooks', body: { url: 'https://hooks.example.com/x', events: ['key.created'] } },
      personContext(owner, { readOnly: true }),
    );
    const entries = (await platform.admin.get('/v1/audit-log?limit=50')).body.items as AuditItem[];

    expect([auditLogAsMember.status, auditLogAsMember.body.error.code]).toEqual([403, 'insufficient_role']);
    expect([webhookOfReadOnlyOwner.status, webhookOfReadOnlyOwner.body.error.code]).toEqual([403, 'read_only_session']);
    // The refused attempt is on the record, naming the session it came through.
    expect(entries.find((entry) => entry.outcome === 'failed' && entry.actor?.type === 'member')).toMatchObject({
      errorCode: 'read_only_session',
      actor: { type: 'member', memberId: member.id, authMethod: 'session', sessionId: 'ses_0123456789abcdef' },
    });
  });

  it('hides another’s key from a member as missing', async () => {
    const theirs = await platform.createKey({ name: 'an admin key’s' });

    const fetched = await call(handlers.get, { method: 'GET', path: `/v1/keys/${theirs.id}` }, personContext(member));
    const removed = await call(
      handlers.remove,
      { method: 'DELETE', path: `/v1/keys/${theirs.id}` },
      personContext(member),
    );

    expect([fetched.status, removed.status]).toEqual([404, 404]);
    expect((await platform.admin.get(`/v1/keys/${theirs.id}`)).status).toBe(200);
  });

  it('describes a person of a read-only session as read-only in whoami', async () => {
    const [account] = platform.bootstrap.accountIds;

    const answer = await call(
      handlers.whoami,
      { method: 'GET', path: '/v1/whoami' },
      personContext(member, { readOnly: true }),
    );

    expect(answer).toEqual({
      status: 200,
      body: {
        type: 'member',
        memberId: member.id,
        email: member.email,
        role: 'member',
        readOnly: true,
        organizationId: platform.bootstrap.organizationId,
        environment: 'live',
        permissions: ['read'],
        accounts: [account],
        organization: {
          id: platform.bootstrap.organizationId,
          name: expect.any(String),
          locale: 'en',
          accounts: [{ id: account, name: expect.any(String) }],
        },
      },
    });
  });
});
