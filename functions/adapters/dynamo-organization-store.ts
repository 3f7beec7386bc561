import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ConflictError, NotFoundError } from '../domain/errors';
import type {
  LeakedKeyAction,
  LeakedKeyActionSetting,
  Organization,
  OrganizationStore,
  SubAccount,
} from '../domain/organization';
import { isConditionFailure } from './conditional';

export const organizationKey = (organizationId: string) => ({ pk: `ORG#${organizationId}`, sk: 'ORG' });

/** What the key authorizer reads of an organization. */
export interface OrganizationForAuthorizer {
  /** Its sub-account ids, spelled out for keys with accounts `*` (domain/backend-accounts.ts). */
  accounts: string[];
  /** Its plan and custom figure: the rate limit of its keys without one of their own. */
  plan: Pick<Organization, 'plan' | 'customRequestsPerMinute'>;
}

/**
 * The organization as the authorizer needs it: one eventually consistent GetItem of `accounts`,
 * `plan` and `customRequestsPerMinute` only, so it carries no gateway key (DynamoDB
 * still charges for the whole item: 0.5 RCU up to 4 KB). Undefined when there is no such organization.
 */
export function organizationForAuthorizer(
  client: DynamoDBDocumentClient,
  tableName: string,
): (organizationId: string) => Promise<OrganizationForAuthorizer | undefined> {
  return async (organizationId) => {
    const { Item } = await client.send(
      new GetCommand({
        TableName: tableName,
        Key: organizationKey(organizationId),
        ProjectionExpression: '#accounts, #plan, customRequestsPerMinute',
        ExpressionAttributeNames: { '#accounts': 'accounts', '#plan': 'plan' },
      }),
    );
    if (!Item) return undefined;
    return {
      accounts: ((Item.accounts ?? []) as SubAccount[]).map((account) => account.id),
      plan: {
        plan: Item.plan as string,
        ...(typeof Item.customRequestsPerMinute === 'number' && {
          customRequestsPerMinute: Item.customRequestsPerMinute,
        }),
      },
    };
  };
}

/**
 * The organization's gateway API key, as the management authorizer needs it for a person's call
 * (the usage plan applies to people too): one eventually consistent GetItem of that attribute
 * (billed as the whole item, 0.5 RCU up to 4 KB). Undefined when there is no such organization.
 */
export function organizationUsageKeyReader(
  client: DynamoDBDocumentClient,
  tableName: string,
): (organizationId: string) => Promise<string | undefined> {
  return async (organizationId) => {
    const { Item } = await client.send(
      new GetCommand({
        TableName: tableName,
        Key: organizationKey(organizationId),
        ProjectionExpression: 'usageIdentifierKey',
      }),
    );
    return typeof Item?.usageIdentifierKey === 'string' ? Item.usageIdentifierKey : undefined;
  };
}

export class DynamoOrganizationStore implements OrganizationStore, LeakedKeyActionSetting {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(organizationId: string): Promise<Organization | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: organizationKey(organizationId) }),
    );
    if (!Item) return undefined;
    // `members` of an item made before member items: DynamoMemberStore migrates it, nobody reads it here.
    const { pk: _pk, sk: _sk, type: _type, members: _legacyMembers, ...organization } = Item;
    return organization as Organization;
  }

  async create(organization: Organization): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...organizationKey(organization.id), type: 'organization', ...organization },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (isConditionFailure(error))
        throw new ConflictError(`Organization ${organization.id} exists.`, { cause: error });
      throw error;
    }
  }

  async setPlan(
    organizationId: string,
    plan: Pick<Organization, 'plan' | 'customRequestsPerMinute' | 'usagePlanId'>,
  ): Promise<void> {
    const custom = plan.customRequestsPerMinute;
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: organizationKey(organizationId),
          UpdateExpression: `SET #plan = :plan, usagePlanId = :usagePlanId${custom === undefined ? ' REMOVE customRequestsPerMinute' : ', customRequestsPerMinute = :custom'}`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#plan': 'plan' },
          ExpressionAttributeValues: {
            ':plan': plan.plan,
            ':usagePlanId': plan.usagePlanId,
            ...(custom !== undefined && { ':custom': custom }),
          },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new NotFoundError(`No organization ${organizationId}.`, { cause: error });
      throw error;
    }
  }

  async setLeakedKeyAction(organizationId: string, action: LeakedKeyAction): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: organizationKey(organizationId),
          UpdateExpression: 'SET leakedKeyAction = :action',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':action': action },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new NotFoundError(`No organization ${organizationId}.`, { cause: error });
      throw error;
    }
  }

  async delete(organizationId: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: organizationKey(organizationId) }));
  }
}
