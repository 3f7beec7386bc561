import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEntry, AuditStore } from '../domain/audit';
import type { CursorCodec } from '../domain/cursors';
import type { Page, PageRequest } from '../domain/keys/key-model';
import type { KeyEnvironment } from '../domain/keys/key-token';
import { queryPage } from './query-page';

/**
 * Audit entries live in their organization's own partition per environment, apart from the keys, so
 * a deleted key keeps its trail and a sandbox key lists only sandbox entries:
 *
 * - live:    `ORG#<org>#AUDIT`          / `<at>#<id>`
 * - sandbox: `ORG#<org>#AUDIT#ENV#test` / `<at>#<id>`
 *
 * Entries written before the audit log was kept per environment are in the live partition without
 * an `environment` attribute; they read as live.
 */
const auditPartition = (organizationId: string, environment: KeyEnvironment) =>
  environment === 'live' ? `ORG#${organizationId}#AUDIT` : `ORG#${organizationId}#AUDIT#ENV#${environment}`;

export class DynamoAuditStore implements AuditStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly cursors?: CursorCodec,
  ) {}

  async append(entry: AuditEntry): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: auditPartition(entry.organizationId, entry.environment),
          sk: `${entry.at}#${entry.id}`,
          type: 'audit',
          ...entry,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async list(organizationId: string, environment: KeyEnvironment, page: PageRequest): Promise<Page<AuditEntry>> {
    const partition = { pk: auditPartition(organizationId, environment) };
    const query = {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': partition.pk },
      ScanIndexForward: false,
    };
    return queryPage(
      this.client,
      this.cursors,
      query,
      page,
      partition,
      ({ pk: _pk, sk: _sk, type: _type, ...entry }) => ({ environment, ...entry }) as unknown as AuditEntry,
    );
  }
}
