/**
 * The last expiry flush per environment: one item (`EXPIRY_FLUSH#live`), written at most once per
 * flush window, read once per expiry message. `flushes` counts the flushes made.
 */
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { FlushStateStore } from '../domain/key-expiry/flush';
import type { KeyEnvironment } from '../domain/keys/key-token';
import { writeIfCondition } from './conditional';

export const flushStateKey = (environment: KeyEnvironment) => ({ pk: `EXPIRY_FLUSH#${environment}`, sk: 'STATE' });

export class DynamoExpiryFlushState implements FlushStateStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async lastFlushAt(environment: KeyEnvironment): Promise<number | undefined> {
    return (await this.read(environment))?.lastFlushAt;
  }

  /** The item as stored: for operators and tests (how many flushes expiries caused). */
  async read(environment: KeyEnvironment): Promise<{ lastFlushAt?: number; flushes?: number } | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: flushStateKey(environment), ConsistentRead: true }),
    );
    return Item as { lastFlushAt?: number; flushes?: number } | undefined;
  }

  async claim(environment: KeyEnvironment, previous: number | undefined, at: number): Promise<boolean> {
    return writeIfCondition(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: flushStateKey(environment),
          UpdateExpression: 'SET lastFlushAt = :at ADD flushes :one',
          ConditionExpression: previous === undefined ? 'attribute_not_exists(lastFlushAt)' : 'lastFlushAt = :previous',
          ExpressionAttributeValues: { ':at': at, ':one': 1, ...(previous !== undefined && { ':previous': previous }) },
        }),
      ),
    );
  }

  /** Nothing to take back when another flush was recorded since. */
  async release(environment: KeyEnvironment, at: number, previous: number | undefined): Promise<void> {
    await writeIfCondition(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: flushStateKey(environment),
          UpdateExpression: `${previous === undefined ? 'REMOVE lastFlushAt' : 'SET lastFlushAt = :previous'} ADD flushes :minusOne`,
          ConditionExpression: 'lastFlushAt = :at',
          ExpressionAttributeValues: {
            ':at': at,
            ':minusOne': -1,
            ...(previous !== undefined && { ':previous': previous }),
          },
        }),
      ),
    );
  }
}
