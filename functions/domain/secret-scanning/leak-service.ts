/**
 * Handling a verified secret-scanning report. Matches that fail the key format or checksum are
 * answered false_positive with no I/O at all; the rest cost one GetItem each and a hash
 * comparison, as verification does, so only a real key counts. A real key is revoked or
 * deactivated (the organization's choice) with a conditional write, the authorizer caches of the
 * affected environments are flushed once per batch, and then the owners and admins, the
 * organization's webhooks and the audit log hear of it. A key that was already stopped (revoked,
 * or inactive where the choice is deactivate) is answered true_positive and audited, nothing more,
 * so repeated reports of one key notify once.
 */
import { randomUUID } from 'node:crypto';
import type { AuditStore } from '../audit';
import type { Clock } from '../clock';
import { ConcurrentModificationError } from '../errors';
import { hashesMatch, hashKey } from '../keys/key-hash';
import type { ApiKeyRecord, KeyStore } from '../keys/key-model';
import type { AuthorizerCacheFlusher } from '../keys/key-service';
import { type KeyEnvironment, parseKey } from '../keys/key-token';
import type { MemberStore } from '../members/member-model';
import { adminEmailsOf, type Organization } from '../organization';
import type { EmailSender, NotificationStore, ReminderOrganizationStore } from '../reminders/reminder-service';
import { type LeakAction, renderLeakNotice } from './leak-notice';
import type { LeakReport, LeakVerdict } from './leak-report';

export interface LeakServiceDeps {
  keys: Pick<KeyStore, 'get' | 'replace'>;
  organizations: ReminderOrganizationStore;
  /** The owners and admins the email goes to. */
  members: Pick<MemberStore, 'list'>;
  pepper: () => Promise<Buffer>;
  clock: Clock;
  authorizerCache: AuthorizerCacheFlusher;
  notifications: NotificationStore;
  /** Absent where the platform has no SES sender; the notification, webhook and audit still happen. */
  email?: EmailSender;
  /** Publishes `api_key.leaked` (and `api_key.revoked` for a revoked key) to the organization's webhooks. */
  publish: (key: ApiKeyRecord, leak: { at: Date; url: string; source: string; action: LeakAction }) => Promise<void>;
  audit: AuditStore;
  /** Where a failed notice is reported: the key is stopped already, so the report still succeeds. */
  onNoticeFailure: (error: unknown, keyId: string, step: string) => void;
}

/** Who reported, for the audit log: the partner's signing key, and where the request came from. */
export interface Reporter {
  partnerKeyId: string;
  sourceIp: string;
  userAgent?: string;
}

/** Real keys are looked up a few at a time: a batch of many well-formed tokens stays within the timeout. */
const LOOKUP_CONCURRENCY = 8;
const MAX_WRITE_ATTEMPTS = 3;

interface Found {
  report: LeakReport;
  key: ApiKeyRecord;
  /** What this report did to the key; undefined when it was stopped already. */
  action?: LeakAction;
}

export async function handleLeakReports(
  deps: LeakServiceDeps,
  reports: readonly LeakReport[],
  reporter: Reporter,
): Promise<LeakVerdict[]> {
  // The same token may be reported from several places in one batch; it is looked up once.
  const candidates = new Map<string, LeakReport>();
  for (const report of reports)
    if (parseKey(report.token) && !candidates.has(report.token)) candidates.set(report.token, report);

  const found = new Map<string, Found>();
  if (candidates.size > 0) {
    const pepper = await deps.pepper();
    const organizations = new Map<string, Promise<Organization | undefined>>();
    const organizationOf = (id: string) => {
      if (!organizations.has(id)) organizations.set(id, deps.organizations.get(id));
      return organizations.get(id) as Promise<Organization | undefined>;
    };
    await forEachLimited([...candidates.values()], LOOKUP_CONCURRENCY, async (report) => {
      const key = await realKeyOf(deps, report.token, pepper);
      if (!key) return;
      const organization = await organizationOf(key.organizationId);
      const stopped = await stopKey(deps, key, organization?.leakedKeyAction ?? 'revoke');
      found.set(report.token, { report, key: stopped.key, ...(stopped.action && { action: stopped.action }) });
    });

    const environments = new Set<KeyEnvironment>();
    for (const { key, action } of found.values()) if (action) environments.add(key.environment);
    for (const environment of environments) await deps.authorizerCache.flush(environment);

    const at = deps.clock();
    for (const leak of found.values())
      await tellOfLeak(deps, leak, await organizationOf(leak.key.organizationId), reporter, at);
  }

  return reports.map((report) => ({
    token_raw: report.token,
    token_type: report.type,
    label: found.has(report.token) ? 'true_positive' : 'false_positive',
  }));
}

/** The stored key behind a well-formed token, if the token is that key: hashed even for an unknown id. */
async function realKeyOf(deps: Pick<LeakServiceDeps, 'keys'>, token: string, pepper: Buffer) {
  const parsed = parseKey(token);
  if (!parsed) return undefined;
  const key = await deps.keys.get(parsed.keyId);
  const presentedHash = hashKey(token, pepper);
  return key && hashesMatch(key.secretHash, presentedHash) ? key : undefined;
}

/** Revokes or deactivates the key, re-reading it if a concurrent write got there first. */
async function stopKey(
  deps: Pick<LeakServiceDeps, 'keys'>,
  initial: ApiKeyRecord,
  choice: 'revoke' | 'deactivate',
): Promise<{ key: ApiKeyRecord; action?: LeakAction }> {
  let current = initial;
  for (let attempt = 1; ; attempt++) {
    const target = choice === 'revoke' || current.status === 'revoked' ? 'revoked' : 'inactive';
    if (current.status === target) return { key: current };
    const next: ApiKeyRecord = { ...current, status: target, version: current.version + 1 };
    try {
      await deps.keys.replace(next);
      return { key: next, action: target === 'revoked' ? 'revoked' : 'deactivated' };
    } catch (error) {
      if (!(error instanceof ConcurrentModificationError) || attempt >= MAX_WRITE_ATTEMPTS) throw error;
      const reread = await deps.keys.get(current.id);
      // Deleted meanwhile: nothing left to stop.
      if (!reread) return { key: current };
      current = reread;
    }
  }
}

async function tellOfLeak(
  deps: LeakServiceDeps,
  { report, key, action }: Found,
  organization: Organization | undefined,
  reporter: Reporter,
  at: Date,
) {
  const url = report.url ?? '';
  const source = report.source ?? '';
  const attempt = async (step: string, work: () => Promise<void>) => {
    try {
      await work();
    } catch (error) {
      deps.onNoticeFailure(error, key.id, step);
    }
  };
  // A key found already deactivated is still news: anyone may switch it back on not knowing it
  // leaked. (Only a revoked key can never work again; it is audited, nobody is alerted again.)
  const alert: LeakAction | undefined = action ?? (key.status === 'inactive' ? 'deactivated' : undefined);
  if (alert && organization) {
    const notice = renderLeakNotice(organization, { key, url, source, action: alert, at });
    await attempt('notification', () =>
      deps.notifications.put({
        // One per stop of the key: a retried report does not add a second one.
        id: `ntf_${key.id.slice(4)}leak${key.version}`,
        organizationId: organization.id,
        environment: key.environment,
        type: 'api_key.leaked',
        keyId: key.id,
        keyName: key.name,
        last8: key.last8,
        url,
        action: alert,
        title: notice.subject,
        message: notice.summary,
        createdAt: at.toISOString(),
      }),
    );
    const email = deps.email;
    if (email) {
      await attempt('email', async () => {
        const to = adminEmailsOf(await deps.members.list(organization.id));
        if (to.length > 0) await email.send({ to, ...notice });
      });
    }
  }
  if (alert) await attempt('webhook', () => deps.publish(key, { at, url, source, action: alert }));
  await attempt('audit', () =>
    deps.audit.append({
      id: randomUUID(),
      organizationId: key.organizationId,
      environment: key.environment,
      at: at.toISOString(),
      action: 'key.leaked',
      outcome: 'succeeded',
      actorPartner: reporter.partnerKeyId,
      targetKeyId: key.id,
      sourceIp: reporter.sourceIp,
      ...(reporter.userAgent && { userAgent: reporter.userAgent }),
      details: { url, source, tokenType: report.type, leakAction: action ?? 'none', status: key.status },
    }),
  );
}

async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  });
  await Promise.all(runners);
}
