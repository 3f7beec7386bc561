/** Sample product: enrich a contact with what its email domain tells (needs `enrich`). */
import { z } from 'zod';
import { UnprocessableError } from '../domain/errors';
import { emit } from '../runtime/events';
import { parseBody } from '../runtime/http-request';
import { json } from '../runtime/http-response';
import type { Contact } from './contact-store';
import { origin, productRoutes, productStore } from './product-route';

const enrichmentRequest = z.strictObject({
  contactId: z.string().regex(/^ct_[0-9a-f]{20}$/, 'must be a contact id such as ct_0123456789abcdef0123'),
});
const FREE_MAIL = new Set(['gmail.com', 'outlook.com', 'hotmail.com', 'yahoo.com', 'icloud.com', 'gmx.de', 'web.de']);

export const handler = productRoutes({
  'POST /v1/enrichments': async ({ event, tenant, caller }) => {
    const { contactId } = parseBody(event, enrichmentRequest);
    const contact = await productStore.get<Contact>(tenant, 'CONTACT', contactId);
    const domain = contact.email?.split('@')[1]?.toLowerCase();
    if (!domain) {
      const reason = 'The contact has no email address to enrich from; add one with PATCH /v1/contacts/{id}.';
      await emit({
        ...origin(caller),
        type: 'enrichment.failed',
        data: { contactId, accountId: tenant.accountId, reason },
      });
      // 422, so the call is not charged (credits are refunded for failed calls).
      throw new UnprocessableError(reason);
    }
    const enrichment = {
      domain,
      freeMail: FREE_MAIL.has(domain),
      companyGuess: FREE_MAIL.has(domain) ? (contact.company ?? null) : capitalize(domain.split('.')[0] ?? ''),
      enrichedAt: new Date().toISOString(),
    };
    const enriched = await productStore.update<Contact>(tenant, 'CONTACT', contactId, { enrichment });
    await emit({
      ...origin(caller),
      type: 'enrichment.completed',
      data: { contactId, accountId: tenant.accountId, enrichment: enriched.enrichment ?? enrichment },
    });
    return json(200, { contactId, status: 'completed', enrichment: enriched.enrichment });
  },
});

function capitalize(word: string) {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
