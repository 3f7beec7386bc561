/**
 * What every Leadbase handler shares: the store on Leadbase's own table, the platform's event
 * publisher, and the middy stack that checks `account_id` and answers errors. The caller and its
 * sub-account come from `api-key-platform/backend`; the platform has already checked the key, the
 * route's permission, the rate limit and, for paid routes, charged the credits; the toolkit puts
 * the X-RateLimit-* headers on every answer.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';
import {
  type AccountScopedContext,
  accountScope,
  type Caller,
  eventPublisher,
  type PublishInput,
  rateLimitHeadersMiddleware,
} from 'api-key-platform/backend';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { errorResponse, LeadbaseError } from './http';
import { LeadbaseStore, type Tenant } from './store';

export type Operation = (request: {
  event: APIGatewayProxyEvent;
  caller: Caller;
  tenant: Tenant;
}) => Promise<APIGatewayProxyResult>;

// Made on first use, not at import: the local platform sets the environment (endpoints included)
// after loading the handlers.
let store: LeadbaseStore | undefined;
export function leadbaseStore(): LeadbaseStore {
  store ??= new LeadbaseStore(
    DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } }),
    requiredEnv('LEADBASE_TABLE'),
  );
  return store;
}

let publisher: ReturnType<typeof eventPublisher> | undefined;
/**
 * Publishes one of Leadbase's events. A failure is logged and the call's write stands: the event
 * is lost, which an outbox on Leadbase's table would prevent.
 */
export async function emit(input: Omit<PublishInput, 'organizationId' | 'environment'>, tenant: Tenant) {
  publisher ??= eventPublisher({ queueUrl: requiredEnv('TEAM_EVENT_QUEUE_URL') });
  try {
    await publisher.publish({ ...input, organizationId: tenant.organizationId, environment: tenant.environment });
  } catch (error) {
    console.error('Publishing an event failed', { type: input.type, error });
  }
}

/** One Lambda function for several routes of a resource, keyed `METHOD /path` as in api.ts. */
export function leadbaseHandler(operations: Record<string, Operation>) {
  const stack = middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, AccountScopedContext>()
    // First, so that it runs after the error handler: X-RateLimit-* on every answer, errors included.
    .use(rateLimitHeadersMiddleware())
    // Sets the response rather than returning it: a returned one would end the onError chain there.
    .use({
      onError: async (request) => {
        request.response = errorResponse(request.error);
      },
    })
    .use(accountScope())
    .handler(async (event, context) => {
      const key = `${event.httpMethod} ${event.resource}`;
      const operation = Object.hasOwn(operations, key) ? operations[key] : undefined;
      if (!operation) throw new LeadbaseError(404, 'not_found', `${key} is not served here.`);
      const { caller, accountId } = context;
      const tenant = { organizationId: caller.organizationId, environment: caller.environment, accountId };
      return operation({ event, caller, tenant });
    });
  // accountScope fills in context.caller and context.accountId before the handler runs.
  return (event: APIGatewayProxyEvent, context: Context) => stack(event, context as AccountScopedContext);
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}
