/** Sample product: enrich a contact with what its email domain tells (needs `enrich`). */
import { z } from 'zod';
import { parseBody } from '../runtime/http-request';
import { json } from '../runtime/http-response';
import type { Contact } from './contact-store';
import { productRoutes, productStore } from './product-route';

const enrichmentRequest = z.strictObject({
  contactId: z.string().regex(/^ct_[0-9a-f]{20}$/, 'must be a contact id such as ct_0123456789abcdef0123'),
});
const FREE_MAIL = new Set(['gmail.com', 'outlook.com', 'hotmail.com', 'yahoo.com', 'icloud.com', 'gmx.de', 'web.de']);

export const handler = productRoutes({
  'POST /v1/enrichments': async ({ event, tenant }) => {
    const { contactId } = parseBody(event, enrichmentRequest);
    const contact = await productStore.get<Contact>(tenant, 'CONTACT', contactId);
    const domain = contact.email?.split('@')[1]?.toLowerCase();
    const enrichment = {
      domain: domain ?? null,
      freeMail: domain ? FREE_MAIL.has(domain) : null,
      companyGuess:
        domain && !FREE_MAIL.has(domain) ? capitalize(domain.split('.')[0] ?? '') : (contact.company ?? null),
      enrichedAt: new Date().toISOString(),
    };
    const enriched = await productStore.update<Contact>(tenant, 'CONTACT', contactId, { enrichment });
    return json(200, { contactId, status: 'completed', enrichment: enriched.enrichment });
  },
});

function capitalize(word: string) {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
