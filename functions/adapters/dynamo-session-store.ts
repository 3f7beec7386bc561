/**
 * Console sessions and their sign-in links on the platform table: `SESSION#<id>` / `SESSION`
 * (listed per organization through gsi1) and `LINK#<sha256 of the link>` / `LINK`, both with TTL.
 * dynalite, which the local stack and CI run on, has no transactions, so every step is one
 * conditional write and the order fails closed (docs/design.md, "Consistency without transactions"):
 * the exchange's conditional DeleteItem of the link is what makes a link work once.
 */
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  type ConsoleSession,
  LinkUsedOrExpiredError,
  type SessionLink,
  type SessionStore,
} from '../domain/sessions/session-model';
import { isConditionFailure } from './conditional';
import { itemsOf, queryAll } from './query-page';

const DAY_SECONDS = 86_400;
export const sessionKey = (sessionId: string) => ({ pk: `SESSION#${sessionId}`, sk: 'SESSION' });
export const linkKey = (linkHash: string) => ({ pk: `LINK#${linkHash}`, sk: 'LINK' });
const sessionsOf = (organizationId: string) => `ORG#${organizationId}#CONSOLE_SESSIONS`;
/** DynamoDB's TTL deletes a day after expiry; until then every read checks `expiresAt` itself. */
const ttlOf = (expiresAt: string) => Math.floor(Date.parse(expiresAt) / 1000) + DAY_SECONDS;

export class DynamoSessionStore implements SessionStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(session: ConsoleSession, link: SessionLink): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: sessionItemOf(session),
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...linkKey(link.hash),
            sessionId: link.sessionId,
            organizationId: link.organizationId,
            expiresAt: link.expiresAt,
            ttl: ttlOf(link.expiresAt),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      // A session without its link would sign nobody in by link, but its token was never shown either.
      await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: sessionKey(session.id) }));
      throw error;
    }
  }

  async get(sessionId: string): Promise<ConsoleSession | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: sessionKey(sessionId), ConsistentRead: true }),
    );
    return Item ? toSession(Item) : undefined;
  }

  async exchange(
    linkHash: string,
    browserTokenHashFor: (sessionId: string) => string,
    now: Date,
  ): Promise<ConsoleSession> {
    const at = now.toISOString();
    let sessionId: string;
    try {
      // Of concurrent uses exactly one deletes the link; the others fail its condition.
      const { Attributes } = await this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: linkKey(linkHash),
          ConditionExpression: 'attribute_exists(pk) AND expiresAt > :now',
          ExpressionAttributeValues: { ':now': at },
          ReturnValues: 'ALL_OLD',
        }),
      );
      sessionId = String(Attributes?.sessionId);
    } catch (error) {
      if (isConditionFailure(error)) throw new LinkUsedOrExpiredError({ cause: error });
      throw error;
    }
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: sessionKey(sessionId),
          UpdateExpression: 'SET browserTokenHash = :hash',
          ConditionExpression:
            'attribute_exists(pk) AND attribute_not_exists(browserTokenHash) AND attribute_not_exists(revokedAt) AND expiresAt > :now',
          ExpressionAttributeValues: { ':hash': browserTokenHashFor(sessionId), ':now': at },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toSession(Attributes as Record<string, unknown>);
    } catch (error) {
      if (isConditionFailure(error)) throw new LinkUsedOrExpiredError({ cause: error });
      throw error;
    }
  }

  async revoke(organizationId: string, sessionId: string): Promise<boolean> {
    let removed: Record<string, unknown> | undefined;
    try {
      ({ Attributes: removed } = await this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: sessionKey(sessionId),
          ConditionExpression: 'organizationId = :org',
          ExpressionAttributeValues: { ':org': organizationId },
          ReturnValues: 'ALL_OLD',
        }),
      ));
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
    // The link left behind could not sign anyone in (its session is gone); deleting it is tidiness.
    if (typeof removed?.linkHash === 'string') {
      await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: linkKey(removed.linkHash) }));
    }
    return true;
  }

  async listActive(organizationId: string, now: Date): Promise<ConsoleSession[]> {
    const entries: Record<string, unknown>[] = [];
    for await (const entry of queryAll(this.client, {
      TableName: this.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      // ttl is projected: entries past it (waiting for TTL's deletion) cost no item read.
      FilterExpression: '#ttl > :nowSeconds',
      ExpressionAttributeNames: { '#ttl': 'ttl' },
      ExpressionAttributeValues: { ':pk': sessionsOf(organizationId), ':nowSeconds': Math.floor(now.getTime() / 1000) },
      ScanIndexForward: false,
    })) {
      entries.push(entry);
    }
    const items = await itemsOf(this.client, this.tableName, entries);
    return items.map(toSession).filter((session) => Date.parse(session.expiresAt) > now.getTime());
  }
}

function sessionItemOf(session: ConsoleSession): Record<string, unknown> {
  return {
    ...sessionKey(session.id),
    organizationId: session.organizationId,
    memberId: session.memberId,
    readOnly: session.readOnly,
    createdAt: session.createdAt,
    expiresAt: session.expiresAt,
    createdBy: session.createdBy,
    tokenHash: session.tokenHash,
    ...(session.browserTokenHash && { browserTokenHash: session.browserTokenHash }),
    linkHash: session.linkHash,
    ttl: ttlOf(session.expiresAt),
    gsi1pk: sessionsOf(session.organizationId),
    gsi1sk: `${session.createdAt}#${session.id}`,
  };
}

function toSession(item: Record<string, unknown>): ConsoleSession {
  return {
    id: String(item.pk).slice('SESSION#'.length),
    organizationId: String(item.organizationId),
    memberId: String(item.memberId),
    readOnly: item.readOnly === true,
    createdAt: String(item.createdAt),
    expiresAt: String(item.expiresAt),
    createdBy: String(item.createdBy),
    tokenHash: String(item.tokenHash),
    ...(typeof item.browserTokenHash === 'string' && { browserTokenHash: item.browserTokenHash }),
    linkHash: String(item.linkHash),
  };
}
