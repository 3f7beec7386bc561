/** The key that made a request, as the authorizer vouched for it. */
import type { AccountScope } from './keys/key-model';
import type { KeyEnvironment } from './keys/key-token';

export interface Caller {
  keyId: string;
  organizationId: string;
  /** The member who created the calling key: the person acting through it. */
  memberId: string;
  environment: KeyEnvironment;
  permissions: string[];
  accounts: AccountScope;
  /** The key's own per-minute limit, when it has one; the plan's limit is the gateway's business. */
  rateLimitPerMinute?: number;
  sourceIp: string;
  userAgent?: string;
}
