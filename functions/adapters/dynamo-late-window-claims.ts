/**
 * The claims of late windows on DynamoDB: `USAGE#RECENT#<shard>` / `LATE#<windowId>`, the hour a
 * late window was filed under, so every retry files it there (rare: objects ingested 2 minutes or
 * more after their hour ended). See DynamoRecentUsageStore.putWindow.
 */
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { USAGE_RECENT_RETENTION_HOURS } from '../definition/usage';
import { writeIfCondition } from './conditional';
import { shardPartition } from './recent-usage-items';

/** Claims of late windows' hours; sorts after every hour and before the marker. */
const LATE_PREFIX = 'LATE#';

/** A late window's claim: the hour it files under now, and every hour it was claimed for. */
export interface Claim {
  latest: string;
  hours: string[];
}

const claimKey = (shard: number, windowId: string) => ({ pk: shardPartition(shard), sk: `${LATE_PREFIX}${windowId}` });

export class DynamoLateWindowClaims {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * The claim of a late window: `hour` if none was, else the earlier claim's. `latest` is the hour
   * to file under; `hours` every hour ever claimed (an attempt may have filed parts under each).
   */
  async claim(shard: number, windowId: string, hour: string, now: number): Promise<Claim> {
    const key = claimKey(shard, windowId);
    const written = await writeIfCondition(
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...key,
            type: 'usage-late-window',
            hour,
            hours: new Set([hour]),
            ttl: Math.floor(now / 1000) + USAGE_RECENT_RETENTION_HOURS * 3600,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
    if (written) return { latest: hour, hours: [hour] };
    return this.read(key);
  }

  /** Moves a claim from `from` to `to`, keeping both among its hours; the claim after the attempt (another run may have moved it). */
  async move(shard: number, windowId: string, from: string, to: string): Promise<Claim> {
    const key = claimKey(shard, windowId);
    const moved = await writeIfCondition(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          // `from` too: a claim written before claims kept their hours has only `hour`.
          UpdateExpression: 'SET #hour = :to ADD #hours :both',
          ConditionExpression: '#hour = :from',
          ExpressionAttributeNames: { '#hour': 'hour', '#hours': 'hours' },
          ExpressionAttributeValues: { ':from': from, ':to': to, ':both': new Set([from, to]) },
        }),
      ),
    );
    return this.read(key, moved ? to : undefined);
  }

  private async read(key: { pk: string; sk: string }, expected?: string): Promise<Claim> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
    );
    const latest = String(Item?.hour ?? expected);
    const hours = Item?.hours instanceof Set ? [...(Item.hours as Set<string>)] : [];
    return { latest, hours: [...new Set([...hours, latest])].sort() };
  }
}
