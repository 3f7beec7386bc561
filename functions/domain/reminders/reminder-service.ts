/**
 * The rotation reminder flow, without AWS types: the scan finds due keys and queues one message per
 * reminder; the worker claims the stage on the key (a conditional write), sends, and releases the
 * claim if sending fails, so each stage goes out exactly once however often scans run or SQS
 * delivers.
 */
import type { Clock } from '../clock';
import { type ApiKeyRecord, answerableMemberOf } from '../keys/key-model';
import type { KeyEnvironment } from '../keys/key-token';
import type { Member, MemberStore } from '../members/member-model';
import { adminEmailsOf, type Organization } from '../organization';
import { type ReminderEmail, renderReminderEmail } from './email';
import { dueStage, graceWarningDue, stageNotifies } from './policy';

/** One reminder to send: a stage of a key, or the grace warning of a rotated key. */
export interface ReminderMessage {
  keyId: string;
  stage: number | 'grace';
  /** The scan's clock: the worker judges the key as of this time (the operator CLI's --now). */
  asOf: string;
}

export interface ReminderKeyStore {
  get(keyId: string): Promise<ApiKeyRecord | undefined>;
  /** Keys whose next reminder is due at or before `now`, from the reminder index only. */
  dueForReminder(now: Date): AsyncIterable<ApiKeyRecord>;
  /** Sets lastReminderStage to `stage` if it is still `previous`; false if someone else moved it. */
  claimReminderStage(key: ApiKeyRecord, stage: number): Promise<boolean>;
  /** Puts lastReminderStage back to what it was before `stage` was claimed. */
  releaseReminderStage(key: ApiKeyRecord, stage: number): Promise<void>;
  claimGraceWarning(key: ApiKeyRecord, at: string): Promise<boolean>;
  releaseGraceWarning(key: ApiKeyRecord): Promise<void>;
  /** Re-derives the key's reminder index entry from its stored state (after a stale entry was found). */
  syncReminderIndex(keyId: string): Promise<void>;
}

export interface ReminderOrganizationStore {
  get(organizationId: string): Promise<Organization | undefined>;
}

interface NotificationBase {
  id: string;
  organizationId: string;
  /**
   * The environment of what it is about (the key, the endpoint): live and sandbox keys list their
   * own environment's notifications only.
   */
  environment: KeyEnvironment;
  title: string;
  message: string;
  createdAt: string;
  readAt?: string;
}

/** An in-app notification: a key's rotation reminder, a webhook endpoint that was disabled, a leaked key. */
export type Notification = NotificationBase &
  (
    | { type: 'api_key.rotation_due'; keyId: string; keyName: string; last8: string; stage: number }
    | { type: 'webhook.disabled'; webhookId: string; url: string; reason: string }
    | {
        type: 'api_key.leaked';
        keyId: string;
        keyName: string;
        last8: string;
        url: string;
        action: 'revoked' | 'deactivated';
      }
  );

export interface NotificationStore {
  /** Idempotent: a notification with this id that exists already is left as it is. */
  put(notification: Notification): Promise<void>;
}

export interface EmailSender {
  send(email: ReminderEmail & { to: string[] }): Promise<void>;
}

export interface ReminderQueue {
  send(messages: ReminderMessage[]): Promise<void>;
}

/** Where `api_key.rotation_due` goes to customers' webhooks: once per stage that notifies (due and after). */
export type RotationDueHook = (event: { key: ApiKeyRecord; stage: number; at: string }) => Promise<void>;
export const noRotationDueWebhook: RotationDueHook = async () => {};

export interface ScanDeps {
  keys: Pick<ReminderKeyStore, 'dueForReminder'>;
  queue: ReminderQueue;
  clock: Clock;
}

/** Queues one message per due reminder; reads only keys in the reminder index due by now. */
export async function scanForReminders(deps: ScanDeps): Promise<{ read: number; queued: ReminderMessage[] }> {
  const now = deps.clock();
  const asOf = now.toISOString();
  const queued: ReminderMessage[] = [];
  let read = 0;
  for await (const key of deps.keys.dueForReminder(now)) {
    read += 1;
    if (key.rotatedToKeyId) {
      // Due, or its grace period already ended unwarned: the worker settles the index entry either way.
      queued.push({ keyId: key.id, stage: 'grace', asOf });
      continue;
    }
    const stage = dueStage(key, now);
    // Nothing due (a stale index entry, e.g. a deactivated key): the worker would repair it; queue a no-op.
    queued.push({ keyId: key.id, stage: stage ?? 0, asOf });
  }
  for (let start = 0; start < queued.length; start += 10) await deps.queue.send(queued.slice(start, start + 10));
  return { read, queued };
}

export interface WorkerDeps {
  keys: ReminderKeyStore;
  organizations: ReminderOrganizationStore;
  /** Who gets the reminder: the organization's owners and admins, and the key's creator. */
  members: Pick<MemberStore, 'list'>;
  notifications: NotificationStore;
  email: EmailSender;
  rotationDue?: RotationDueHook;
}

export type ReminderOutcome = 'sent' | 'already-sent' | 'not-due' | 'gone';

/** Sends one reminder at most once. Throws if sending failed (the claim is released, so a retry sends). */
export async function sendReminder(deps: WorkerDeps, message: ReminderMessage): Promise<ReminderOutcome> {
  const key = await deps.keys.get(message.keyId);
  if (!key) return 'gone';
  const organization = await deps.organizations.get(key.organizationId);
  if (!organization) return 'gone';
  const asOf = new Date(message.asOf);
  const members = await deps.members.list(key.organizationId);
  const recipients = recipientsOf(members, key);
  const creator = members.find((member) => member.id === answerableMemberOf(key))?.email ?? key.createdBy;

  if (message.stage === 'grace') {
    if (!graceWarningDue(key, asOf)) {
      if (key.graceWarningSentAt) return 'already-sent';
      // The old key stopped already (the scan did not run in its last 24 hours): too late to warn.
      if (key.expiresAt && Date.parse(key.expiresAt) <= asOf.getTime())
        await deps.keys.claimGraceWarning(key, message.asOf);
      else await deps.keys.syncReminderIndex(key.id);
      return 'not-due';
    }
    if (!(await deps.keys.claimGraceWarning(key, message.asOf))) return 'already-sent';
    try {
      await deps.email.send({
        to: recipients,
        ...renderReminderEmail(organization, key, { kind: 'grace', asOf }, creator),
      });
    } catch (error) {
      await deps.keys.releaseGraceWarning(key);
      throw error;
    }
    return 'sent';
  }

  const stage = message.stage;
  const due = dueStage(key, asOf);
  if (due === undefined || stage < 1 || due !== stage) {
    // Sent already, rotated, deactivated, or a later stage is due now: nothing for this message.
    await deps.keys.syncReminderIndex(key.id);
    return (key.lastReminderStage ?? 0) >= stage && stage >= 1 ? 'already-sent' : 'not-due';
  }
  if (!(await deps.keys.claimReminderStage(key, stage))) return 'already-sent';
  try {
    if (stageNotifies(stage)) {
      const text = renderReminderEmail(organization, key, { kind: 'stage', stage, asOf }, creator);
      await deps.notifications.put({
        // One id per key and stage: a retry after a failed email does not add a second notification.
        id: `ntf_${key.id.slice(4)}${String(stage).padStart(3, '0')}`,
        organizationId: key.organizationId,
        environment: key.environment,
        type: 'api_key.rotation_due',
        keyId: key.id,
        keyName: key.name,
        last8: key.last8,
        stage,
        title: text.subject,
        message: text.summary,
        createdAt: message.asOf,
      });
    }
    if (stageNotifies(stage)) await (deps.rotationDue ?? noRotationDueWebhook)({ key, stage, at: message.asOf });
    await deps.email.send({
      to: recipients,
      ...renderReminderEmail(organization, key, { kind: 'stage', stage, asOf }, creator),
    });
  } catch (error) {
    await deps.keys.releaseReminderStage(key, stage);
    throw error;
  }
  return 'sent';
}

/**
 * The organization's owners and admins, and the person answerable for the key (its maker, or the
 * person behind the key that made it); each address once.
 */
export function recipientsOf(members: readonly Member[], key: ApiKeyRecord): string[] {
  return adminEmailsOf(members, [answerableMemberOf(key)]);
}
