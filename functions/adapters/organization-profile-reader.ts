import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Locale, Organization, SubAccount } from '../domain/organization';
import { organizationKey } from './dynamo-organization-store';

export type OrganizationProfileFields = Pick<Organization, 'id' | 'name' | 'locale' | 'accounts'>;

/**
 * The organization's name, locale and sub-accounts: one eventually consistent GetItem of `ORG#<id>`
 * projected to those attributes, so the answer never carries its gateway key or a legacy members
 * array (billed as the whole item all the same: 0.5 RCU up to 4 KB). Undefined when there is none.
 */
export function organizationProfileReader(
  client: DynamoDBDocumentClient,
  tableName: string,
): (organizationId: string) => Promise<OrganizationProfileFields | undefined> {
  return async (organizationId) => {
    const { Item } = await client.send(
      new GetCommand({
        TableName: tableName,
        Key: organizationKey(organizationId),
        ProjectionExpression: '#name, #locale, #accounts',
        ExpressionAttributeNames: { '#name': 'name', '#locale': 'locale', '#accounts': 'accounts' },
      }),
    );
    if (!Item) return undefined;
    return {
      id: organizationId,
      name: typeof Item.name === 'string' ? Item.name : organizationId,
      ...(typeof Item.locale === 'string' && { locale: Item.locale as Locale }),
      accounts: (Item.accounts ?? []) as SubAccount[],
    };
  };
}
