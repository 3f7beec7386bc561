/**
 * Telling an organization's owners and admins that one of their keys was found in public: where,
 * what the platform did about it, and what they must do now. English or German after the
 * organization's locale; the key is named by name and last 8 characters, never shown.
 */
import { headerText } from '../email-header';
import { escapeHtml } from '../escape-html';
import type { ApiKeyRecord } from '../keys/key-model';
import type { Locale, Organization } from '../organization';
import type { ReminderEmail } from '../reminders/email';

export type LeakAction = 'revoked' | 'deactivated';

export interface LeakFacts {
  key: ApiKeyRecord;
  url: string;
  source: string;
  action: LeakAction;
  at: Date;
}

export function renderLeakNotice(organization: Organization, leak: LeakFacts): ReminderEmail {
  const locale: Locale = organization.locale ?? 'en';
  const lines = locale === 'de' ? german(organization, leak) : english(organization, leak);
  const text = `${lines.body.join('\n\n')}\n`;
  const html = `<!doctype html><html lang="${locale}"><body style="font-family:sans-serif">${lines.body
    .map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`)
    .join('')}</body></html>`;
  return { subject: headerText(lines.subject), text, html, summary: headerText(lines.summary) };
}

function english(organization: Organization, { key, url, source, action, at }: LeakFacts) {
  const name = `${key.name} (…${key.last8})`;
  const done =
    action === 'revoked'
      ? 'It was revoked at once: every call with it now gets 401, and revocation is permanent.'
      : `It was deactivated at once: every call with it now gets 401. Once it is safe, POST /v1/keys/${key.id}/activate turns it back on; rotating it (POST /v1/keys/${key.id}/rotate) is safer.`;
  return {
    subject: `API key ${name} was found in public and ${action}`,
    summary: `API key ${name} was found in public at ${url || 'an unnamed place'} and ${action}.`,
    body: [
      `The ${key.environment} API key ${name} of ${organization.name} was found in public by a secret-scanning partner on ${at.toISOString()}.`,
      `Where: ${url || '(no address given)'} (${source || 'unknown source'}).`,
      done,
      `What to do now: give the clients that used it a new key, remove the key from where it was found (including the history of the repository), and check the audit log (GET /v1/audit-log) and the key’s calls (GET /v1/keys/${key.id}/calls) for use you do not recognise.`,
    ],
  };
}

function german(organization: Organization, { key, url, source, action, at }: LeakFacts) {
  const name = `${key.name} (…${key.last8})`;
  const verb = action === 'revoked' ? 'widerrufen' : 'deaktiviert';
  const done =
    action === 'revoked'
      ? 'Er wurde sofort widerrufen: Jeder Aufruf mit ihm erhält jetzt 401, und der Widerruf ist endgültig.'
      : `Er wurde sofort deaktiviert: Jeder Aufruf mit ihm erhält jetzt 401. Sobald es sicher ist, schaltet POST /v1/keys/${key.id}/activate ihn wieder ein; ihn zu rotieren (POST /v1/keys/${key.id}/rotate) ist sicherer.`;
  return {
    subject: `API-Schlüssel ${name} wurde öffentlich gefunden und ${verb}`,
    summary: `Der API-Schlüssel ${name} wurde öffentlich gefunden (${url || 'ohne Adresse'}) und ${verb}.`,
    body: [
      `Der ${key.environment === 'live' ? 'Live' : 'Sandbox'}-API-Schlüssel ${name} der Organisation ${organization.name} wurde am ${at.toISOString()} von einem Secret-Scanning-Partner öffentlich gefunden.`,
      `Fundort: ${url || '(keine Adresse angegeben)'} (${source || 'unbekannte Quelle'}).`,
      done,
      `Was jetzt zu tun ist: Geben Sie den Clients, die ihn nutzten, einen neuen Schlüssel, entfernen Sie den Schlüssel vom Fundort (auch aus der Historie des Repositorys) und prüfen Sie das Audit-Log (GET /v1/audit-log) und die Aufrufe des Schlüssels (GET /v1/keys/${key.id}/calls) auf unbekannte Nutzung.`,
    ],
  };
}
