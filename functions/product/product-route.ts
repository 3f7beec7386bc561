/** The sample product's handlers act on one sub-account: `account_id`, checked against the key's scope. */
import { authorizeAccount } from '../domain/account-scope';
import type { Caller } from '../domain/caller';
import { ValidationError } from '../domain/errors';
import { dynamoDb } from '../runtime/clients';
import { loadConfig, tableConfig } from '../runtime/config';
import { cursorCodec } from '../runtime/cursors';
import { operationOf, type RouteContext, route } from '../runtime/http';
import type { HttpResponse } from '../runtime/http-response';
import { organizationStore } from '../runtime/stores';
import { ttlCache } from '../runtime/ttl-cache';
import { ProductStore, type Tenant } from './contact-store';

export const productStore = new ProductStore(dynamoDb, loadConfig(tableConfig).TABLE_NAME, cursorCodec);
const organizationOf = ttlCache((organizationId) => organizationStore.get(organizationId), 60_000);

export type ProductContext = RouteContext & { tenant: Tenant };
type Operation = (context: ProductContext) => Promise<HttpResponse>;

/** One function per product resource; operations are keyed `METHOD /resource/path` as in the route definition. */
export function productRoutes(operations: Record<string, Operation>) {
  return route(async (context) => {
    const operation = operations[operationOf(context.event)];
    if (!operation) {
      throw new ValidationError([{ field: 'path', message: `${operationOf(context.event)} is not served here` }]);
    }
    const accountId = await authorizeAccount(
      context.caller,
      context.event.queryStringParameters?.account_id,
      organizationOf,
    );
    const { organizationId, environment } = context.caller;
    return operation({ ...context, tenant: { organizationId, environment, accountId } });
  });
}

export function idOf(context: ProductContext, prefix: string): string {
  const id = context.event.pathParameters?.id;
  if (!id || !new RegExp(`^${prefix}_[0-9a-f]{20}$`).test(id)) {
    throw new ValidationError([{ field: 'id', message: `must look like ${prefix}_ followed by 20 hex digits` }]);
  }
  return id;
}

/** Where a product event comes from: the caller's organization, and its environment (sandbox calls make test events). */
export function origin(caller: Caller) {
  return { organizationId: caller.organizationId, environment: caller.environment };
}
