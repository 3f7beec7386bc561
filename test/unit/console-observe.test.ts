import fc from 'fast-check';
import { messages, translate } from '../../console/src/app/messages';
import { type AuditEntry, actionLabel, actorOf } from '../../console/src/pages/audit/audit-entry';
import { type Granularity, periodLabel, usageRange } from '../../console/src/pages/usage/usage-range';
import { USAGE_MAX_RANGE_DAYS } from '../../functions/definition/usage';
import { addDays, dayCount, dayOf } from '../../functions/domain/usage/days';

const en = (key: string, params?: Record<string, string | number>) => translate('en', key, params);
const de = (key: string, params?: Record<string, string | number>) => translate('de', key, params);

const anEntry = (overrides: Partial<AuditEntry> = {}): AuditEntry => ({
  id: 'a1',
  organizationId: 'org_1',
  environment: 'live',
  at: '2026-12-01T10:00:00.000Z',
  action: 'api_key.viewed',
  outcome: 'succeeded',
  sourceIp: '203.0.113.7',
  ...overrides,
});
const KEYS = [{ id: 'key_AAAAAAAAAAAAAAAA', name: 'Billing', last8: 'x7Yz9AbC' }];

describe('the usage page range (console/src/pages/usage/usage-range.ts)', () => {
  const granularities: Granularity[] = ['day', 'week', 'month'];
  const instants = fc.date({ min: new Date('2001-01-01'), max: new Date('2999-12-31'), noInvalidDate: true });

  it('ends today (UTC) and asks for no more days than the API allows, whatever the date', () => {
    fc.assert(
      fc.property(instants, fc.constantFrom(...granularities), (now, granularity) => {
        const { from, to } = usageRange(granularity, now.getTime());
        expect(to).toBe(dayOf(now.getTime()));
        expect(dayCount(from, to)).toBeGreaterThan(0);
        expect(dayCount(from, to)).toBeLessThanOrEqual(USAGE_MAX_RANGE_DAYS);
      }),
    );
  });

  it('shows 30 days, 12 weeks and more, or this month and the 11 before it from their first day', () => {
    const now = Date.parse('2026-12-01T09:00:00.000Z');
    expect(usageRange('day', now)).toEqual({ from: addDays('2026-12-01', -29), to: '2026-12-01' });
    expect(dayCount(usageRange('week', now).from, '2026-12-01')).toBe(85);
    expect(usageRange('month', now)).toEqual({ from: '2026-01-01', to: '2026-12-01' });
  });

  it('labels bars briefly in each language', () => {
    expect(periodLabel('en', 'day', '2026-12-01')).toBe('01/12');
    expect(periodLabel('de', 'week', '2026-11-30')).toBe('30.11.');
    expect(periodLabel('en', 'month', '2026-12')).toBe('12/26');
  });
});

describe('the audit log entries (console/src/pages/audit/audit-entry.ts)', () => {
  it('names a person by email and how they signed in', () => {
    const entry = anEntry({
      actor: { type: 'member', memberId: 'mem_1', email: 'ada@example.com', authMethod: 'oidc' },
    });
    expect(actorOf(entry, KEYS, en)).toEqual({ name: 'ada@example.com', via: 'signed in with single sign-on' });
  });

  it('names a key by its name, a key not listed by its id, and older entries by the ids they hold', () => {
    const byKey = anEntry({ actor: { type: 'key', keyId: 'key_AAAAAAAAAAAAAAAA', memberId: 'mem_1' } });
    expect(actorOf(byKey, KEYS, en).name).toBe('Key Billing (…x7Yz9AbC)');
    expect(actorOf(anEntry({ actorKeyId: 'key_BBBBBBBBBBBBBBBB' }), KEYS, de).name).toBe(
      'Schlüssel key_BBBBBBBBBBBBBBBB',
    );
    expect(actorOf(anEntry({ actorPartner: 'github-1' }), KEYS, en).name).toBe('Secret-scanning partner');
    expect(actorOf(anEntry({ actorMemberId: 'mem_9' }), KEYS, en).name).toBe('mem_9');
  });

  it('says which status change a key.status entry made, and shows an action it has no words for as it is', () => {
    expect(actionLabel(anEntry({ action: 'key.status', details: { change: 'revoke' } }), en)).toBe('Revoked a key');
    expect(actionLabel(anEntry({ action: 'key.status', details: { change: 'deactivate' } }), de)).toBe(
      'Schlüssel deaktiviert',
    );
    expect(actionLabel(anEntry({ action: 'key.status' }), en)).toBe('Changed a key’s status');
    expect(actionLabel(anEntry({ action: 'organization.renamed' }), de)).toBe('organization.renamed');
  });

  it('has a German text for every English one of the usage, call log and audit pages', () => {
    const ours = Object.keys(messages.en).filter((key) => /^(usage|calls|audit)\./.test(key));
    expect(ours.filter((key) => key.startsWith('audit.action.')).length).toBeGreaterThan(20);
    expect(ours.filter((key) => !(key in messages.de))).toEqual([]);
  });
});
