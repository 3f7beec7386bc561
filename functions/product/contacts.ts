/** Sample product: contacts CRUD. Creating, updating and deleting a contact emits its webhook event. */
import { z } from 'zod';
import { emit } from '../runtime/events';
import { pageOf, parseBody } from '../runtime/http-request';
import { json, noContent } from '../runtime/http-response';
import { type Contact, newId, type Tenant } from './contact-store';
import { idOf, origin, productRoutes, productStore } from './product-route';

const contactFields = {
  name: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  email: z.email('must be an email address').max(254).optional(),
  company: z.string().trim().max(200).optional(),
  phone: z.string().trim().max(40).optional(),
};
const createContact = z.strictObject(contactFields);
const updateContact = z
  .strictObject({ ...contactFields, name: contactFields.name.optional() })
  .refine((patch) => Object.keys(patch).length > 0, { message: 'send at least one of name, email, company, phone' });

export const handler = productRoutes({
  'GET /v1/contacts': async ({ event, tenant }) => {
    const page = await productStore.list<Contact>(tenant, 'CONTACT', pageOf(event));
    return json(200, { items: page.items, nextCursor: page.nextCursor ?? null });
  },
  'POST /v1/contacts': async ({ event, tenant, caller }) => {
    const input = parseBody(event, createContact);
    const now = new Date().toISOString();
    const contact = await productStore.put<Contact>(tenant, 'CONTACT', {
      id: newId('ct'),
      ...input,
      createdAt: now,
      updatedAt: now,
    });
    await emit({ ...origin(caller), type: 'contact.created', data: contactEvent(contact, tenant) });
    return json(201, contact, { location: `/v1/contacts/${contact.id}` });
  },
  'GET /v1/contacts/{id}': async (context) =>
    json(200, await productStore.get<Contact>(context.tenant, 'CONTACT', idOf(context, 'ct'))),
  'PATCH /v1/contacts/{id}': async (context) => {
    const id = idOf(context, 'ct');
    const patch = parseBody(context.event, updateContact);
    const contact = await productStore.update<Contact>(context.tenant, 'CONTACT', id, {
      ...patch,
      updatedAt: new Date().toISOString(),
    });
    await emit({ ...origin(context.caller), type: 'contact.updated', data: contactEvent(contact, context.tenant) });
    return json(200, contact);
  },
  'DELETE /v1/contacts/{id}': async (context) => {
    const id = idOf(context, 'ct');
    await productStore.delete(context.tenant, 'CONTACT', id);
    await emit({
      ...origin(context.caller),
      type: 'contact.deleted',
      data: { id, accountId: context.tenant.accountId, deletedAt: new Date().toISOString() },
    });
    return noContent();
  },
});

/** A contact as its events carry it: with the sub-account it belongs to, without enrichment details. */
function contactEvent(contact: Contact, tenant: Tenant) {
  const { enrichment: _enrichment, ...fields } = contact;
  return { ...fields, accountId: tenant.accountId };
}
