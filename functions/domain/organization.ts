/** Organizations, their sub-accounts and members. */
export const MEMBER_ROLES = ['owner', 'admin', 'member'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

export interface Member {
  id: string;
  email: string;
  role: MemberRole;
}

export interface SubAccount {
  id: string;
  name: string;
}

export interface Organization {
  id: string;
  name: string;
  accounts: SubAccount[];
  /** Kept in the organization item: an organization has few members, and reminders read them all. */
  members: Member[];
  rotationPeriodDays: number;
  createdAt: string;
}

export interface OrganizationStore {
  get(organizationId: string): Promise<Organization | undefined>;
  create(organization: Organization): Promise<void>;
  delete(organizationId: string): Promise<void>;
}

export const DEFAULT_ROTATION_PERIOD_DAYS = 182;
