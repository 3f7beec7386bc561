/** What a contact's email domain tells: the enrichment Leadbase sells (5 credits a call). */
import type { Contact, EnrichmentDetails } from '../schemas';

const FREE_MAIL = new Set(['gmail.com', 'outlook.com', 'hotmail.com', 'yahoo.com', 'icloud.com', 'gmx.de', 'web.de']);

export type Enrichment = { ok: true; enrichment: EnrichmentDetails } | { ok: false; reason: string };

export function enrich(contact: Pick<Contact, 'email' | 'company'>, now: Date): Enrichment {
  const domain = contact.email?.split('@')[1]?.toLowerCase();
  if (!domain) {
    return {
      ok: false,
      reason: 'The contact has no email address to enrich from; add one with PATCH /v1/contacts/{id}.',
    };
  }
  const freeMail = FREE_MAIL.has(domain);
  const word = domain.split('.')[0] ?? '';
  return {
    ok: true,
    enrichment: {
      domain,
      freeMail,
      companyGuess: freeMail ? (contact.company ?? null) : word.charAt(0).toUpperCase() + word.slice(1),
      enrichedAt: now.toISOString(),
    },
  };
}

/** Whether a contact matches a search: the query in its name, email or company, any case. */
export function matchesSearch(contact: Pick<Contact, 'name' | 'email' | 'company'>, query: string): boolean {
  const needle = query.toLowerCase();
  return [contact.name, contact.email, contact.company].some((field) => field?.toLowerCase().includes(needle));
}
