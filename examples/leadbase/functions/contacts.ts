/** Contacts: list, create, get, update, delete. Creating, changing and deleting one publishes its event. */

import { createContact, updateContact } from '../schemas';
import { emit, leadbaseHandler, leadbaseStore as store } from './app';
import { json, noContent } from './http';
import { idOf, pageOf, parseBody } from './request';
import { type Contact, newId, type Tenant } from './store';

export const handler = leadbaseHandler({
  'GET /v1/contacts': async ({ event, tenant }) =>
    json(200, await store().list<Contact>(tenant, 'CONTACT', pageOf(event))),
  'POST /v1/contacts': async ({ event, tenant }) => {
    const input = parseBody(event, createContact);
    const now = new Date().toISOString();
    const contact = await store().put<Contact>(tenant, 'CONTACT', {
      id: newId('ct'),
      ...input,
      createdAt: now,
      updatedAt: now,
    });
    await emit({ type: 'contact.created', data: contactEvent(contact, tenant) }, tenant);
    return json(201, contact, { location: `/v1/contacts/${contact.id}` });
  },
  'GET /v1/contacts/{id}': async ({ event, tenant }) =>
    json(200, await store().get<Contact>(tenant, 'CONTACT', idOf(event, 'ct'))),
  'PATCH /v1/contacts/{id}': async ({ event, tenant }) => {
    const id = idOf(event, 'ct');
    const patch = parseBody(event, updateContact);
    const contact = await store().update<Contact>(tenant, 'CONTACT', id, {
      ...patch,
      updatedAt: new Date().toISOString(),
    });
    await emit({ type: 'contact.updated', data: contactEvent(contact, tenant) }, tenant);
    return json(200, contact);
  },
  'DELETE /v1/contacts/{id}': async ({ event, tenant }) => {
    const id = idOf(event, 'ct');
    await store().delete(tenant, 'CONTACT', id);
    const data = { id, accountId: tenant.accountId, deletedAt: new Date().toISOString() };
    await emit({ type: 'contact.deleted', data }, tenant);
    return noContent();
  },
});

/** A contact as its events carry it: with its sub-account, without the enrichment details. */
function contactEvent(contact: Contact, tenant: Tenant) {
  const { enrichment: _enrichment, ...fields } = contact;
  return { ...fields, accountId: tenant.accountId };
}
