import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEntry, AuditStore } from '../domain/audit';
import type { Page, PageRequest } from '../domain/keys/key-model';
import { queryPage } from './query-page';

/** Audit entries live in their organization's own partition, apart from the keys, so a deleted key keeps its trail. */
const auditPartition = (organizationId: string) => `ORG#${organizationId}#AUDIT`;

export class DynamoAuditStore implements AuditStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async append(entry: AuditEntry): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: auditPartition(entry.organizationId), sk: `${entry.at}#${entry.id}`, type: 'audit', ...entry },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async list(organizationId: string, page: PageRequest): Promise<Page<AuditEntry>> {
    const partition = { pk: auditPartition(organizationId) };
    const query = {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': partition.pk },
      ScanIndexForward: false,
    };
    return queryPage(
      this.client,
      query,
      page,
      partition,
      ({ pk: _pk, sk: _sk, type: _type, ...entry }) => entry as unknown as AuditEntry,
    );
  }
}
