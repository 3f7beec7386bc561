/**
 * The email that tells a person they were invited: in English or German after the organization's
 * locale, naming the organization and, when the platform knows it, the console to sign in to. It
 * carries no secret: signing in goes through a console link or the team's identity provider.
 */
import { headerText } from '../email-header';
import { escapeHtml } from '../escape-html';
import type { Locale, Organization } from '../organization';
import type { Member } from './member-model';

export interface InviteEmail {
  subject: string;
  text: string;
  html: string;
  /** One line, as every platform email has (the in-app summary of reminders). */
  summary: string;
}

const ROLE_NAMES: Record<Locale, Record<string, string>> = {
  en: { owner: 'an owner', admin: 'an admin', member: 'a member', viewer: 'a viewer' },
  de: { owner: 'Eigentümer', admin: 'Administrator', member: 'Mitglied', viewer: 'Betrachter (nur lesend)' },
};

export function renderInviteEmail(
  organization: Pick<Organization, 'name' | 'locale'>,
  member: Pick<Member, 'email' | 'role'>,
  consoleUrl?: string,
): InviteEmail {
  const locale: Locale = organization.locale ?? 'en';
  const role = ROLE_NAMES[locale][member.role] ?? member.role;
  const lines =
    locale === 'de'
      ? {
          subject: `Einladung zu ${organization.name}`,
          body: [
            `Sie wurden als ${role} zur Organisation ${organization.name} eingeladen (${member.email}).`,
            consoleUrl
              ? `Melden Sie sich in der Konsole an: ${consoleUrl}`
              : 'Ihr Team sendet Ihnen einen Anmeldelink für die Konsole.',
          ],
        }
      : {
          subject: `You were invited to ${organization.name}`,
          body: [
            `You were invited to ${organization.name} as ${role} (${member.email}).`,
            consoleUrl
              ? `Sign in to the console: ${consoleUrl}`
              : 'Your team will send you a sign-in link for the console.',
          ],
        };
  const text = `${lines.body.join('\n\n')}\n`;
  const html = `<!doctype html><html lang="${locale}"><body style="font-family:sans-serif">${lines.body
    .map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`)
    .join('')}</body></html>`;
  return { subject: headerText(lines.subject), text, html, summary: lines.body[0] as string };
}
