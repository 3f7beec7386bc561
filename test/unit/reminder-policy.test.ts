import type { ApiKeyRecord } from '../../functions/domain/keys/key-model';
import type { Member } from '../../functions/domain/members/member-model';
import type { Organization } from '../../functions/domain/organization';
import { renderReminderEmail } from '../../functions/domain/reminders/email';
import { dueStage, nextReminderAt, stageDueAt } from '../../functions/domain/reminders/policy';
import { recipientsOf } from '../../functions/domain/reminders/reminder-service';
import { aMemberOf } from '../support/member-memory';

const DAY_MS = 24 * 3600 * 1000;
const created = Date.parse('2026-01-01T00:00:00Z');
const key = (periodDays = 182, extra: Partial<ApiKeyRecord> = {}): ApiKeyRecord => ({
  id: 'key_AAAAAAAAAAAAAAAA',
  organizationId: 'org_1',
  name: 'Export',
  secretHash: 'h',
  last8: 'abcdefgh',
  environment: 'live',
  status: 'active',
  permissions: ['read'],
  accounts: '*',
  createdAt: new Date(created).toISOString(),
  createdBy: 'mem_c',
  rotationDueAt: new Date(created + periodDays * DAY_MS).toISOString(),
  version: 1,
  ...extra,
});
const at = (days: number) => new Date(created + days * DAY_MS);
const organization: Organization = {
  id: 'org_1',
  name: 'Acme',
  accounts: [],
  rotationPeriodDays: 182,
  createdAt: new Date(created).toISOString(),
  plan: 'starter',
  creditBalance: 0,
};
const members: Member[] = [
  aMemberOf({ id: 'mem_o', email: 'Owner@acme.example', role: 'owner' }),
  aMemberOf({ id: 'mem_a', email: 'admin@acme.example', role: 'admin' }),
  aMemberOf({ id: 'mem_c', email: 'creator@acme.example', role: 'member' }),
  aMemberOf({ id: 'mem_m', email: 'other@acme.example', role: 'member' }),
];

describe('reminder stages', () => {
  it('are due at 5/6 of the period, the period, then every further period', () => {
    expect(dueStage(key(), at(120))).toBeUndefined();
    expect(dueStage(key(), at(152))).toBe(1);
    expect(dueStage(key(), at(182))).toBe(2);
    expect(dueStage(key(), at(364))).toBe(3);
    expect(dueStage(key(182, { lastReminderStage: 2 }), at(300))).toBeUndefined();
  });

  it('scale with the organization period', () => {
    expect(stageDueAt(key(60), 1)).toEqual(at(50));
    expect(stageDueAt(key(60), 2)).toEqual(at(60));
    expect(stageDueAt(key(60), 4)).toEqual(at(180));
  });

  it('stop for rotated, revoked and inactive keys', () => {
    expect(dueStage(key(182, { rotatedToKeyId: 'key_B' }), at(200))).toBeUndefined();
    expect(dueStage(key(182, { status: 'inactive' }), at(200))).toBeUndefined();
    expect(nextReminderAt(key(182, { status: 'revoked' }))).toBeUndefined();
    expect(nextReminderAt(key(182, { rotatedToKeyId: 'key_B', expiresAt: at(10).toISOString() }))).toEqual(at(9));
  });
});

describe('reminder emails', () => {
  it('go to owners, admins and the creator', () => {
    expect(recipientsOf(members, key())).toEqual(['owner@acme.example', 'admin@acme.example', 'creator@acme.example']);
  });

  it('are in German for a German organization and name the key, its age, creation and creator', () => {
    const email = renderReminderEmail(
      { ...organization, locale: 'de' },
      key(),
      { kind: 'stage', stage: 1, asOf: at(152) },
      'creator@acme.example',
    );
    expect(email.subject).toContain('Export (…abcdefgh)');
    expect(email.text).toContain('152 Tage alt');
    expect(email.text).toContain('1. Januar 2026');
    expect(email.text).toContain('creator@acme.example');
    expect(email.html).toContain('/v1/keys/key_AAAAAAAAAAAAAAAA/rotate');
  });
});
