/**
 * CreditLedger on DynamoDB: the balances are attributes of the organization item
 * (`ORG#<org>` / `ORG`), one per environment:
 *
 * - `creditBalance`: live (the attribute every organization has had from the start);
 * - `sandboxCreditBalance`: sandbox.
 *
 * Each is changed only by single atomic updates (never read-modify-write), so concurrent calls
 * cannot overdraw it. An organization item written before sandbox balances existed has no
 * `sandboxCreditBalance`: it counts as balanceWhenUnset('test') (the starting amount), and the
 * first charge or top-up writes it through `if_not_exists`. A missing live balance counts as 0.
 */
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { balanceWhenUnset, type CreditHolder, type CreditLedger } from '../domain/credits';
import { NotFoundError } from '../domain/errors';
import type { KeyEnvironment } from '../domain/keys/key-token';
import { isConditionFailure } from './conditional';
import { organizationKey } from './dynamo-organization-store';

export const CREDIT_BALANCE_ATTRIBUTE = {
  live: 'creditBalance',
  test: 'sandboxCreditBalance',
} as const satisfies Record<KeyEnvironment, string>;

export class DynamoCreditLedger implements CreditLedger {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async consume(holder: CreditHolder, cost: number): Promise<{ consumed: boolean; balance: number }> {
    const unset = balanceWhenUnset(holder.environment);
    // An unset balance may pay when its starting amount covers the cost; `attribute_exists(pk)`
    // keeps the update from creating an organization item.
    const unsetPays = unset >= cost ? ' OR (attribute_exists(pk) AND attribute_not_exists(#balance))' : '';
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: organizationKey(holder.organizationId),
          UpdateExpression: 'SET #balance = if_not_exists(#balance, :unset) - :cost',
          ConditionExpression: `#balance >= :cost${unsetPays}`,
          ExpressionAttributeNames: { '#balance': CREDIT_BALANCE_ATTRIBUTE[holder.environment] },
          ExpressionAttributeValues: { ':cost': cost, ':unset': unset },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return { consumed: true, balance: balanceOf(Attributes, holder.environment, 0) };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    // Only on the 402 path: read what the balance was, for the error message.
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: organizationKey(holder.organizationId),
        ProjectionExpression: 'pk, #balance',
        ExpressionAttributeNames: { '#balance': CREDIT_BALANCE_ATTRIBUTE[holder.environment] },
        ConsistentRead: true,
      }),
    );
    return { consumed: false, balance: Item ? balanceOf(Item, holder.environment, unset) : 0 };
  }

  async add(holder: CreditHolder, amount: number): Promise<number> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: organizationKey(holder.organizationId),
          UpdateExpression: 'SET #balance = if_not_exists(#balance, :unset) + :amount',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#balance': CREDIT_BALANCE_ATTRIBUTE[holder.environment] },
          ExpressionAttributeValues: { ':amount': amount, ':unset': balanceWhenUnset(holder.environment) },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return balanceOf(Attributes, holder.environment, 0);
    } catch (error) {
      if (isConditionFailure(error))
        throw new NotFoundError(`No organization ${holder.organizationId}.`, { cause: error });
      throw error;
    }
  }
}

function balanceOf(item: Record<string, unknown> | undefined, environment: KeyEnvironment, unset: number): number {
  const value = item?.[CREDIT_BALANCE_ATTRIBUTE[environment]];
  return typeof value === 'number' ? value : unset;
}
