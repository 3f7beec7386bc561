/** Organizations and their sub-accounts; their people are member items (domain/members/). */
import type { PlanName } from '../definition/plans';
import { ValidationError } from './errors';
import type { AccountScope } from './keys/key-model';
import type { Member } from './members/member-model';

/** Owners and admins manage everything, members their own keys, viewers read (see domain/members). */
export const MEMBER_ROLES = ['owner', 'admin', 'member', 'viewer'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

export const LOCALES = ['en', 'de'] as const;
export type Locale = (typeof LOCALES)[number];

/** What happens to a key a secret-scanning partner reports as leaked: revoked (default) or deactivated. */
export const LEAKED_KEY_ACTIONS = ['revoke', 'deactivate'] as const;
export type LeakedKeyAction = (typeof LEAKED_KEY_ACTIONS)[number];

export interface SubAccount {
  id: string;
  name: string;
}

export interface Organization {
  id: string;
  name: string;
  accounts: SubAccount[];
  rotationPeriodDays: number;
  /** Language of emails; English when unset. */
  locale?: Locale;
  createdAt: string;
  plan: PlanName;
  /** Enterprise only: a requests-per-minute figure of its own instead of the plan's. */
  customRequestsPerMinute?: number;
  /** Live credits left; live calls with a cost in the route table draw on it. */
  creditBalance: number;
  /**
   * Sandbox credits left; sandbox calls draw on these, never on the live balance. Absent on
   * organizations made before sandbox balances existed (see balanceWhenUnset in credits.ts).
   */
  sandboxCreditBalance?: number;
  /**
   * The organization's API Gateway API key, returned by the authorizer as `usageIdentifierKey`
   * so the organization's usage plan throttles it. One per organization, not per customer key.
   */
  gatewayApiKeyId?: string;
  usagePlanId?: string;
  usageIdentifierKey?: string;
  /** Unset means `revoke`. */
  leakedKeyAction?: LeakedKeyAction;
}

export interface OrganizationStore {
  get(organizationId: string): Promise<Organization | undefined>;
  create(organization: Organization): Promise<void>;
  /** Sets the plan fields only: the credit balance and the rest are written by their own atomic updates. */
  setPlan(
    organizationId: string,
    plan: Pick<Organization, 'plan' | 'customRequestsPerMinute' | 'usagePlanId'>,
  ): Promise<void>;
  delete(organizationId: string): Promise<void>;
}

/** Sets what happens to the organization's leaked keys (the operator CLI's `orgs set-leak-action`). */
export interface LeakedKeyActionSetting {
  setLeakedKeyAction(organizationId: string, action: LeakedKeyAction): Promise<void>;
}

export const DEFAULT_ROTATION_PERIOD_DAYS = 182;

/** The addresses of the organization's owners and admins (and of `alsoMemberIds`), lower-cased, each once. */
export function adminEmailsOf(
  members: readonly Pick<Member, 'id' | 'email' | 'role'>[],
  alsoMemberIds: readonly string[] = [],
): string[] {
  const chosen = members.filter(
    (member) => member.role === 'owner' || member.role === 'admin' || alsoMemberIds.includes(member.id),
  );
  return [...new Set(chosen.map((member) => member.email.toLowerCase()))];
}

/** A 400 naming `field` when `accounts` lists ids that are not the organization's sub-accounts. */
export function assertAccountsBelong(organization: Organization, accounts: AccountScope, field: string) {
  if (accounts === '*') return;
  const known = new Set(organization.accounts.map((account) => account.id));
  const unknown = accounts.filter((account) => !known.has(account));
  if (unknown.length > 0) {
    throw new ValidationError([
      {
        field,
        message: `${unknown.join(', ')} ${unknown.length === 1 ? 'is not a sub-account' : 'are not sub-accounts'} of this organization; its sub-accounts are ${[...known].join(', ')}`,
      },
    ]);
  }
}
