/** Search a sub-account's contacts by name, email or company (1 credit a call, charged by the platform). */

import { searchRequest } from '../schemas';
import { leadbaseHandler, leadbaseStore as store } from './app';
import { matchesSearch } from './enrich';
import { json } from './http';
import { parseBody } from './request';
import type { Contact } from './store';

export const handler = leadbaseHandler({
  'POST /v1/search': async ({ event, tenant }) => {
    const { query, limit, cursor } = parseBody(event, searchRequest);
    const page = await store().list<Contact>(tenant, 'CONTACT', { limit, ...(cursor && { cursor }) }, (contact) =>
      matchesSearch(contact, query),
    );
    return json(200, page);
  },
});
