import fc from 'fast-check';
import { activeApi, useApi } from '../../functions/definition/active-api';
import type { AuditEntry } from '../../functions/domain/audit';
import { ConcurrentModificationError } from '../../functions/domain/errors';
import type { ApiKeyRecord } from '../../functions/domain/keys/key-model';
import { checksumOf, generateKey, type KeyEnvironment } from '../../functions/domain/keys/key-token';
import type { LeakedKeyAction } from '../../functions/domain/organization';
import type { Notification } from '../../functions/domain/reminders/reminder-service';
import type { LeakReport } from '../../functions/domain/secret-scanning/leak-report';
import { handleLeakReports, type LeakServiceDeps } from '../../functions/domain/secret-scanning/leak-service';
import { acmePeople, MemoryMemberStore } from '../support/member-memory';
import { anOrganization, aStoredKey, NOW, PEPPER } from '../support/unit-factories';

/** Every dependency in memory, counting each call that would be I/O. */
function harness(options: { stored?: ApiKeyRecord[]; action?: LeakedKeyAction; failReplaceOnce?: boolean } = {}) {
  const keys = new Map((options.stored ?? []).map((record) => [record.id, record]));
  const io = { keyGets: 0, keyWrites: 0, pepper: 0, organizationGets: 0, flushes: [] as KeyEnvironment[] };
  const notifications: Notification[] = [];
  const emails: { to: string[]; subject: string; text: string }[] = [];
  const published: { keyId: string; action: string; url: string }[] = [];
  const audit: AuditEntry[] = [];
  let failReplace = options.failReplaceOnce ?? false;
  const deps: LeakServiceDeps = {
    keys: {
      get: async (id) => {
        io.keyGets++;
        return keys.get(id);
      },
      replace: async (next) => {
        io.keyWrites++;
        if (failReplace) {
          failReplace = false;
          // Someone else changed the key meanwhile (e.g. renamed it): the stored version moved on.
          const current = keys.get(next.id) as ApiKeyRecord;
          keys.set(next.id, { ...current, name: 'Renamed', version: current.version + 1 });
          throw new ConcurrentModificationError('raced');
        }
        keys.set(next.id, next);
      },
    },
    organizations: {
      get: async () => {
        io.organizationGets++;
        return anOrganization(options.action && { leakedKeyAction: options.action });
      },
    },
    members: new MemoryMemberStore(acmePeople()),
    pepper: async () => {
      io.pepper++;
      return PEPPER;
    },
    clock: () => NOW,
    authorizerCache: { flush: async (environment) => void io.flushes.push(environment) },
    notifications: { put: async (notification) => void notifications.push(notification) },
    email: { send: async (email) => void emails.push(email) },
    publish: async (key, leak) => void published.push({ keyId: key.id, action: leak.action, url: leak.url }),
    audit: { append: async (entry) => void audit.push(entry), list: async () => ({ items: [] }) },
    onNoticeFailure: () => {},
  };
  return { deps, keys, io, notifications, emails, published, audit };
}

const reporter = { partnerKeyId: 'partner-1', sourceIp: '192.0.2.10' };
const reportOf = (token: string, url = 'https://github.com/acme/app/blob/main/.env'): LeakReport => ({
  token,
  type: 'api_key_platform_key',
  url,
  source: 'content',
});

describe('handleLeakReports', () => {
  it('answers tokens that fail the format or checksum false_positive without any I/O', async () => {
    const { deps, io } = harness();
    const real = aStoredKey().token;
    const badChecksum = real.slice(0, -6) + (real.endsWith('000000') ? '000001' : '000000');
    const reports = ['ghp_notours', 'sk_live_short', badChecksum, 'x'.repeat(1024), `${real} `].map((t) => reportOf(t));

    const verdicts = await handleLeakReports(deps, reports, reporter);

    expect(verdicts.map((verdict) => verdict.label)).toEqual(Array(5).fill('false_positive'));
    expect(io).toEqual({ keyGets: 0, keyWrites: 0, pepper: 0, organizationGets: 0, flushes: [] });
  });

  it('never does I/O for random strings, which the checksum drops', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.string({ maxLength: 60 }), fc.stringMatching(/^sk_(live|test)_[0-9A-Za-z]{46}$/)), {
          minLength: 1,
          maxLength: 20,
        }),
        async (tokens) => {
          // A random 46-character body passes the checksum once in 62^6: count only those.
          const wellFormed = tokens.filter((token) => checksumOf(token.slice(0, -6)) === token.slice(-6));
          const { deps, io } = harness();

          await handleLeakReports(
            deps,
            tokens.map((token) => reportOf(token)),
            reporter,
          );

          expect(io.keyGets).toBe(new Set(wellFormed).size);
          expect(io.keyWrites).toBe(0);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('answers a well-formed key that does not exist, or whose secret differs, false_positive and changes nothing', async () => {
    const stored = aStoredKey();
    const unknown = aStoredKey().token;
    // Same id (selector) and a valid checksum, but another secret: not the stored key.
    const otherSecretBody = `${stored.token.slice(0, 24)}${'Z'.repeat(24)}`;
    const otherSecret = otherSecretBody + checksumOf(otherSecretBody);
    const { deps, io, keys, audit } = harness({ stored: [stored.record] });

    const verdicts = await handleLeakReports(deps, [reportOf(unknown), reportOf(otherSecret)], reporter);

    expect(verdicts.map((verdict) => verdict.label)).toEqual(['false_positive', 'false_positive']);
    expect(io.keyGets).toBe(2);
    expect(io.keyWrites).toBe(0);
    expect(keys.get(stored.record.id)?.status).toBe('active');
    expect(audit).toEqual([]);
  });

  it("follows the definition's key prefix: revokes an lf_ key, and answers an sk_ one false_positive without I/O", async () => {
    const leadbase = activeApi();
    useApi({ ...leadbase.compiled, keyPrefix: 'lf' });
    try {
      const stored = aStoredKey();
      const otherPrefix = generateKey('live', undefined, 'sk').token;
      const { deps, keys, io } = harness({ stored: [stored.record] });

      const verdicts = await handleLeakReports(deps, [reportOf(otherPrefix), reportOf(stored.token)], reporter);

      expect(stored.token.startsWith('lf_live_')).toBe(true);
      expect(verdicts.map((verdict) => verdict.label)).toEqual(['false_positive', 'true_positive']);
      expect(io.keyGets).toBe(1);
      expect(keys.get(stored.record.id)?.status).toBe('revoked');
    } finally {
      useApi(leadbase.compiled);
    }
  });

  it('revokes a real key, flushes its environment once, and tells the admins, the webhooks and the audit log', async () => {
    const stored = aStoredKey({ environment: 'test' });
    const { deps, keys, io, notifications, emails, published, audit } = harness({ stored: [stored.record] });

    const verdicts = await handleLeakReports(deps, [reportOf(stored.token), reportOf('nope')], reporter);

    expect(verdicts).toEqual([
      { token_raw: stored.token, token_type: 'api_key_platform_key', label: 'true_positive' },
      { token_raw: 'nope', token_type: 'api_key_platform_key', label: 'false_positive' },
    ]);
    expect(keys.get(stored.record.id)).toMatchObject({ status: 'revoked', version: 2 });
    expect(io.flushes).toEqual(['test']);
    expect(notifications).toEqual([
      expect.objectContaining({ type: 'api_key.leaked', keyId: stored.record.id, action: 'revoked' }),
    ]);
    expect(emails).toHaveLength(1);
    expect(emails[0]?.to.sort()).toEqual(['admin@acme.example', 'owner@acme.example']);
    expect(emails[0]?.text).toContain('https://github.com/acme/app/blob/main/.env');
    expect(JSON.stringify(emails)).not.toContain(stored.token);
    expect(published).toEqual([
      { keyId: stored.record.id, action: 'revoked', url: 'https://github.com/acme/app/blob/main/.env' },
    ]);
    expect(audit).toEqual([
      expect.objectContaining({
        action: 'key.leaked',
        actorPartner: 'partner-1',
        targetKeyId: stored.record.id,
        sourceIp: '192.0.2.10',
        details: expect.objectContaining({ url: 'https://github.com/acme/app/blob/main/.env', leakAction: 'revoked' }),
      }),
    ]);
    expect(audit[0]).not.toHaveProperty('actorKeyId');
  });

  it("deactivates instead where the organization chose 'deactivate'", async () => {
    const stored = aStoredKey();
    const { deps, keys, published } = harness({ stored: [stored.record], action: 'deactivate' });

    await handleLeakReports(deps, [reportOf(stored.token)], reporter);

    expect(keys.get(stored.record.id)?.status).toBe('inactive');
    expect(published).toEqual([expect.objectContaining({ action: 'deactivated' })]);
  });

  it('alerts about a key found already deactivated, which anyone could switch back on', async () => {
    const stored = aStoredKey({ record: { status: 'inactive' } });
    const { deps, io, keys, notifications, emails, published } = harness({
      stored: [stored.record],
      action: 'deactivate',
    });

    const [verdict] = await handleLeakReports(deps, [reportOf(stored.token)], reporter);

    expect(verdict?.label).toBe('true_positive');
    expect(keys.get(stored.record.id)?.status).toBe('inactive');
    expect(io.keyWrites).toBe(0);
    expect(notifications).toEqual([expect.objectContaining({ type: 'api_key.leaked', action: 'deactivated' })]);
    expect(emails).toHaveLength(1);
    expect(published).toEqual([expect.objectContaining({ action: 'deactivated' })]);
  });

  it('acts once for a key reported several times, and not again once it is stopped', async () => {
    const stored = aStoredKey();
    const { deps, io, notifications, emails, audit } = harness({ stored: [stored.record] });

    const first = await handleLeakReports(
      deps,
      [reportOf(stored.token), reportOf(stored.token, 'https://x')],
      reporter,
    );
    const again = await handleLeakReports(deps, [reportOf(stored.token)], reporter);

    expect([...first, ...again].map((verdict) => verdict.label)).toEqual(Array(3).fill('true_positive'));
    expect(io.keyWrites).toBe(1);
    expect(io.flushes).toHaveLength(1);
    expect(notifications).toHaveLength(1);
    expect(emails).toHaveLength(1);
    // Both reports are on record; the second says it found the key stopped already.
    expect(audit.map((entry) => entry.details?.leakAction)).toEqual(['revoked', 'none']);
  });

  it('re-reads and still revokes when a concurrent write moved the key on', async () => {
    const stored = aStoredKey();
    const { deps, keys } = harness({ stored: [stored.record], failReplaceOnce: true });

    const [verdict] = await handleLeakReports(deps, [reportOf(stored.token)], reporter);

    expect(verdict?.label).toBe('true_positive');
    expect(keys.get(stored.record.id)).toMatchObject({ status: 'revoked', name: 'Renamed', version: 3 });
  });

  it('keeps the key revoked and answers true_positive when telling of it fails', async () => {
    const stored = aStoredKey();
    const { deps, keys } = harness({ stored: [stored.record] });
    const failures: string[] = [];
    deps.email = { send: async () => Promise.reject(new Error('SES is down')) };
    deps.onNoticeFailure = (_error, _keyId, step) => void failures.push(step);

    const [verdict] = await handleLeakReports(deps, [reportOf(stored.token)], reporter);

    expect(verdict?.label).toBe('true_positive');
    expect(keys.get(stored.record.id)?.status).toBe('revoked');
    expect(failures).toEqual(['email']);
  });
});
