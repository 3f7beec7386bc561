/**
 * Enrich a contact from its email domain. The route costs 5 credits, which the platform charges
 * before this runs and refunds when it answers 4xx or 5xx: a contact without an email is a 422.
 */

import { enrichmentRequest } from '../schemas';
import { emit, leadbaseHandler, leadbaseStore as store } from './app';
import { enrich } from './enrich';
import { json, unprocessable } from './http';
import { parseBody } from './request';
import type { Contact } from './store';

export const handler = leadbaseHandler({
  'POST /v1/enrichments': async ({ event, tenant }) => {
    const { contactId } = parseBody(event, enrichmentRequest);
    const contact = await store().get<Contact>(tenant, 'CONTACT', contactId);
    const result = enrich(contact, new Date());
    if (!result.ok) {
      await emit(
        { type: 'enrichment.failed', data: { contactId, accountId: tenant.accountId, reason: result.reason } },
        tenant,
      );
      throw unprocessable(result.reason);
    }
    const enriched = await store().update<Contact>(tenant, 'CONTACT', contactId, { enrichment: result.enrichment });
    const enrichment = enriched.enrichment ?? result.enrichment;
    await emit({ type: 'enrichment.completed', data: { contactId, accountId: tenant.accountId, enrichment } }, tenant);
    return json(200, { contactId, status: 'completed', enrichment });
  },
});
