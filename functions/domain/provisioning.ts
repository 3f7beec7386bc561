/**
 * Creating an organization with its sub-accounts, an owner and admin keys: what the operator CLI
 * and the local stack's first start do.
 */
import { randomBytes } from 'node:crypto';
import { defaultPlan, type PlanName } from '../definition/plans';
import type { Clock } from './clock';
import { DEFAULT_CREDIT_BALANCE } from './credits';
import type { ApiKeyRecord, KeyStore } from './keys/key-model';
import { issueKey } from './keys/key-service';
import type { KeyEnvironment } from './keys/key-token';
import type { Member, MemberStore } from './members/member-model';
import { DEFAULT_ROTATION_PERIOD_DAYS, type Organization, type OrganizationStore } from './organization';
import type { UsagePlanRegistry } from './usage-plans';

export interface ProvisioningDeps {
  keys: KeyStore;
  organizations: OrganizationStore;
  /** The owner is a member item (with its email lookup and the OWNERS item), written last. */
  members: Pick<MemberStore, 'invite'>;
  usagePlans: UsagePlanRegistry;
  pepper: () => Promise<Buffer>;
  clock: Clock;
}

export interface NewOrganization {
  name: string;
  ownerEmail: string;
  accountCount: number;
  /** One admin key per environment listed. */
  adminKeyEnvironments: KeyEnvironment[];
  plan?: PlanName;
  /** The starting balance of each environment, live and sandbox alike. */
  creditBalance?: number;
}

const shortId = (prefix: string) => `${prefix}_${randomBytes(8).toString('hex')}`;

export async function provisionOrganization(deps: ProvisioningDeps, request: NewOrganization) {
  const organizationId = shortId('org');
  const createdAt = deps.clock().toISOString();
  const owner: Member = {
    id: shortId('mem'),
    organizationId,
    email: request.ownerEmail.trim().toLowerCase(),
    role: 'owner',
    accounts: '*',
    permissions: [],
    status: 'invited',
    invitedAt: createdAt,
    invitedBy: 'operator',
    version: 1,
  };
  const plan = request.plan ?? defaultPlan();
  const gatewayKey = await deps.usagePlans.createOrganizationKey(organizationId, { plan });
  const organization: Organization = {
    id: organizationId,
    name: request.name,
    accounts: Array.from({ length: request.accountCount }, (_, index) => ({
      id: shortId('acct'),
      name: `Account ${index + 1}`,
    })),
    rotationPeriodDays: DEFAULT_ROTATION_PERIOD_DAYS,
    createdAt,
    plan,
    creditBalance: request.creditBalance ?? DEFAULT_CREDIT_BALANCE,
    sandboxCreditBalance: request.creditBalance ?? DEFAULT_CREDIT_BALANCE,
    gatewayApiKeyId: gatewayKey.id,
    usagePlanId: gatewayKey.usagePlanId,
    usageIdentifierKey: gatewayKey.value,
  };
  try {
    await deps.organizations.create(organization);
  } catch (error) {
    await deps.usagePlans.deleteKey(gatewayKey.id);
    throw error;
  }
  const adminKeys: Partial<Record<KeyEnvironment, string>> = {};
  const issued: ApiKeyRecord[] = [];
  try {
    for (const environment of request.adminKeyEnvironments) {
      const { token, record } = await issueKey(deps, organization, {
        name: `Admin key (${environment})`,
        permissions: ['admin'],
        accounts: '*',
        environment,
        createdBy: owner.id,
        ownerMemberId: owner.id,
      });
      adminKeys[environment] = token;
      issued.push(record);
    }
    await deps.members.invite(owner);
  } catch (error) {
    // Without its admin keys or its owner nobody could manage the organization: take it all away again.
    await Promise.all(issued.map((record) => deps.keys.delete(record)));
    await deps.organizations.delete(organization.id);
    await deps.usagePlans.deleteKey(gatewayKey.id);
    throw error;
  }
  return { organization, owner, adminKeys };
}
