/**
 * CreditLedger on DynamoDB: the balance is the organization item's `creditBalance`, changed only by
 * single atomic updates (never read-modify-write), so concurrent calls cannot overdraw it.
 */
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CreditLedger } from '../domain/credits';
import { NotFoundError } from '../domain/errors';
import { isConditionFailure } from './conditional';
import { organizationKey } from './dynamo-organization-store';

export class DynamoCreditLedger implements CreditLedger {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async consume(organizationId: string, cost: number): Promise<{ consumed: boolean; balance: number }> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: organizationKey(organizationId),
          UpdateExpression: 'SET creditBalance = creditBalance - :cost',
          ConditionExpression: 'creditBalance >= :cost',
          ExpressionAttributeValues: { ':cost': cost },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return { consumed: true, balance: balanceOf(Attributes) };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    // Only on the 402 path: read what the balance was, for the error message.
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: organizationKey(organizationId),
        ProjectionExpression: 'creditBalance',
        ConsistentRead: true,
      }),
    );
    return { consumed: false, balance: balanceOf(Item) };
  }

  async add(organizationId: string, amount: number): Promise<number> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: organizationKey(organizationId),
          UpdateExpression: 'ADD creditBalance :amount',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':amount': amount },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return balanceOf(Attributes);
    } catch (error) {
      if (isConditionFailure(error)) throw new NotFoundError(`No organization ${organizationId}.`, { cause: error });
      throw error;
    }
  }
}

function balanceOf(item: Record<string, unknown> | undefined): number {
  return typeof item?.creditBalance === 'number' ? item.creditBalance : 0;
}
