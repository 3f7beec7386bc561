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
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { CursorCodec } from '../domain/cursors';
import type { Page, PageRequest } from '../domain/keys/key-model';
import {
  type ConsoleSession,
  LinkUsedOrExpiredError,
  SESSION_LIFETIME,
  type SessionLink,
  type SessionStore,
} from '../domain/sessions/session-model';
import { isConditionFailure } from './conditional';
import { decodeCursor, encodeCursor, type ListQuery } from './cursor';
import { itemsOf } from './query-page';

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
    /** Only the console-sessions function lists; the authorizer and the exchange are built without one. */
    private readonly cursors?: CursorCodec,
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
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(browserTokenHash) AND expiresAt > :now',
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

  async listActive(organizationId: string, now: Date, page: PageRequest): Promise<Page<ConsoleSession>> {
    if (!this.cursors) throw new Error('This store was built without a CursorCodec, so it cannot list; pass one.');
    // The cursor is bound to the organization's list; the lower bound moves with the clock, so it is not part of it.
    const list: ListQuery = {
      TableName: this.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': sessionsOf(organizationId) },
      ScanIndexForward: false,
    };
    const start = await decodeCursor(this.cursors, page.cursor, list, { gsi1pk: sessionsOf(organizationId) });
    // No session lives longer than the longest lifetime: older entries are expired, whatever TTL has not deleted yet.
    const since = new Date(now.getTime() - SESSION_LIFETIME.maxSeconds * 1000).toISOString();
    if (start && !(String(start.gsi1sk) > since)) return { items: [] };
    const result = await this.client.send(
      new QueryCommand({
        ...list,
        KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk > :since',
        // ttl (expiry + a day, whole seconds) is projected: expired entries cost no item read.
        FilterExpression: '#ttl >= :liveTtl',
        ExpressionAttributeNames: { '#ttl': 'ttl' },
        ExpressionAttributeValues: {
          ':pk': sessionsOf(organizationId),
          ':since': since,
          ':liveTtl': Math.floor(now.getTime() / 1000) + DAY_SECONDS,
        },
        Limit: page.limit,
        ExclusiveStartKey: start,
      }),
    );
    const items = await itemsOf(this.client, this.tableName, result.Items ?? []);
    const nextCursor = await encodeCursor(this.cursors, result.LastEvaluatedKey, list);
    return {
      items: items.map(toSession).filter((session) => Date.parse(session.expiresAt) > now.getTime()),
      ...(nextCursor && { nextCursor }),
    };
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
