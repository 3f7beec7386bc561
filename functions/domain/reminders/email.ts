/**
 * The reminder emails, in English or German after the organization's locale, as HTML and text.
 * They name the key by its name and last 8 characters; the key itself is never stored, so it
 * cannot be in them.
 */
import { headerText } from '../email-header';
import { escapeHtml } from '../escape-html';
import type { ApiKeyRecord } from '../keys/key-model';
import type { Locale, Organization } from '../organization';

export interface ReminderEmail {
  subject: string;
  text: string;
  html: string;
  /** One line for the in-app notification. */
  summary: string;
}

export type ReminderKind = { kind: 'stage'; stage: number; asOf: Date } | { kind: 'grace'; asOf: Date };

const DAY_MS = 24 * 3600 * 1000;

/** `creator` names who made the key: their email, else the key's `createdBy` as stored. */
export function renderReminderEmail(
  organization: Organization,
  key: ApiKeyRecord,
  reminder: ReminderKind,
  creator: string = key.createdBy,
): ReminderEmail {
  const locale: Locale = organization.locale ?? 'en';
  const ageDays = Math.floor((reminder.asOf.getTime() - Date.parse(key.createdAt)) / DAY_MS);
  const facts = {
    key: `${key.name} (…${key.last8})`,
    keyId: key.id,
    ageDays,
    createdAt: formatDate(key.createdAt, locale),
    creator,
    rotationDueAt: formatDate(key.rotationDueAt, locale),
    expiresAt: key.expiresAt ? formatDateTime(key.expiresAt, locale) : '',
    organization: organization.name,
  };
  const lines = reminder.kind === 'grace' ? graceText(locale, facts) : stageText(locale, facts, reminder.stage);
  const text = `${lines.body.join('\n\n')}\n\n${lines.howTo}\n`;
  const html = `<!doctype html><html lang="${locale}"><body style="font-family:sans-serif">${lines.body
    .map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`)
    .join('')}<p>${escapeHtml(lines.howTo)}</p><pre>POST /v1/keys/${escapeHtml(key.id)}/rotate</pre></body></html>`;
  return { subject: headerText(lines.subject), text, html, summary: lines.summary };
}

type Facts = {
  key: string;
  keyId: string;
  ageDays: number;
  createdAt: string;
  creator: string;
  rotationDueAt: string;
  expiresAt: string;
  organization: string;
};

function stageText(locale: Locale, f: Facts, stage: number) {
  const overdue = stage >= 2;
  if (locale === 'de') {
    return {
      subject: overdue
        ? `API-Schlüssel ${f.key} muss rotiert werden`
        : `API-Schlüssel ${f.key} sollte bald rotiert werden`,
      summary: `Der API-Schlüssel ${f.key} ist ${f.ageDays} Tage alt und sollte rotiert werden.`,
      body: [
        `Der API-Schlüssel ${f.key} der Organisation ${f.organization} ist ${f.ageDays} Tage alt.`,
        `Erstellt am ${f.createdAt} von ${f.creator}. Rotation fällig am ${f.rotationDueAt}.`,
        overdue ? 'Die Rotation ist fällig.' : 'Bitte planen Sie die Rotation ein.',
      ],
      howTo: `So rotieren Sie ihn: POST /v1/keys/${f.keyId}/rotate mit einem Admin-Schlüssel. Der neue Schlüssel wird einmal angezeigt; der alte funktioniert bis zum Ende der Übergangsfrist weiter.`,
    };
  }
  return {
    subject: overdue ? `API key ${f.key} is due for rotation` : `API key ${f.key} should be rotated soon`,
    summary: `API key ${f.key} is ${f.ageDays} days old and should be rotated.`,
    body: [
      `The API key ${f.key} of ${f.organization} is ${f.ageDays} days old.`,
      `It was created on ${f.createdAt} by ${f.creator}. Its rotation is due on ${f.rotationDueAt}.`,
      overdue ? 'Its rotation is due now.' : 'Please plan its rotation.',
    ],
    howTo: `To rotate it: POST /v1/keys/${f.keyId}/rotate with an admin key. The new key is shown once; the old one keeps working until its grace period ends.`,
  };
}

function graceText(locale: Locale, f: Facts) {
  if (locale === 'de') {
    return {
      subject: `Der alte API-Schlüssel ${f.key} funktioniert ab ${f.expiresAt} nicht mehr`,
      summary: `Der rotierte API-Schlüssel ${f.key} funktioniert ab ${f.expiresAt} nicht mehr.`,
      body: [
        `Der API-Schlüssel ${f.key} der Organisation ${f.organization} wurde rotiert. Seine Übergangsfrist endet am ${f.expiresAt}; danach wird er abgelehnt.`,
        `Erstellt am ${f.createdAt} von ${f.creator}, ${f.ageDays} Tage alt.`,
      ],
      howTo: 'Stellen Sie bis dahin alle Clients auf den neuen Schlüssel um.',
    };
  }
  return {
    subject: `The old API key ${f.key} stops working at ${f.expiresAt}`,
    summary: `The rotated API key ${f.key} stops working at ${f.expiresAt}.`,
    body: [
      `The API key ${f.key} of ${f.organization} was rotated. Its grace period ends at ${f.expiresAt}; after that it is rejected.`,
      `It was created on ${f.createdAt} by ${f.creator} and is ${f.ageDays} days old.`,
    ],
    howTo: 'Move every client to the new key before then.',
  };
}

function formatDate(iso: string, locale: Locale): string {
  return new Date(iso).toLocaleDateString(locale === 'de' ? 'de-DE' : 'en-GB', {
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    timeZone: 'UTC',
  });
}

function formatDateTime(iso: string, locale: Locale): string {
  return `${new Date(iso).toLocaleString(locale === 'de' ? 'de-DE' : 'en-GB', {
    dateStyle: 'long',
    timeStyle: 'short',
    timeZone: 'UTC',
  })} UTC`;
}
