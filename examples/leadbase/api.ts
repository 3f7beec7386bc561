/**
 * Leadbase's API, declared once: contacts, tables, enrichments and search of a sales-data product,
 * with credits for enrichments and searches and six events of its own. Every route acts on one
 * sub-account, named by `account_id`.
 */
import { defineApi, type RouteInput } from 'api-key-platform/definition';
import { z } from 'zod';

const contact = z.object({
  id: z.string(),
  accountId: z.string(),
  name: z.string(),
  email: z.string().optional(),
  company: z.string().optional(),
  phone: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const exampleContact = {
  id: 'ct_0f3a9c2d4b5e6f708192',
  accountId: 'acc_7d1e2f3a4b5c6d7e',
  name: 'Ada Lovelace',
  email: 'ada@analytical.example',
  company: 'Analytical Engines',
  createdAt: '2026-11-22T09:30:00.000Z',
  updatedAt: '2026-11-22T09:30:00.000Z',
};

const route = (
  method: RouteInput['method'],
  path: string,
  permission: string,
  summary: string,
  lambda: string,
  credits?: number,
): RouteInput => ({
  method,
  path,
  permission,
  summary,
  backend: { lambda },
  accountScoped: true,
  ...(credits !== undefined && { credits }),
});

export const leadbaseApi = defineApi({
  name: 'Leadbase API',
  version: '1.0.0',
  resources: {
    contacts: ['read', 'write', 'delete'],
    tables: ['read', 'write', 'delete'],
    enrichments: ['enrich'],
    search: ['search'],
  },
  presets: {
    read: { description: 'Read contacts and tables', scopes: ['*:read'] },
    write: { description: 'Create and change contacts and tables', scopes: ['*:write'] },
    delete: { description: 'Delete contacts and tables', scopes: ['*:delete'] },
    enrich: { description: 'Enrich contacts (costs credits)', scopes: ['*:enrich'] },
    search: { description: 'Search contacts (costs credits)', scopes: ['*:search'] },
  },
  levels: {
    'read-only': { description: 'Reads contacts and tables', permissions: ['read'] },
    'read-write': {
      description: 'Reads, writes, deletes, enriches and searches',
      permissions: ['read', 'write', 'delete', 'enrich', 'search'],
    },
    admin: { description: 'Everything, key and webhook management included', permissions: ['admin'] },
  },
  routes: [
    route('GET', '/v1/contacts', 'contacts:read', 'List contacts', 'contacts'),
    route('POST', '/v1/contacts', 'contacts:write', 'Create a contact', 'contacts'),
    route('GET', '/v1/contacts/{id}', 'contacts:read', 'Get a contact', 'contacts'),
    route('PATCH', '/v1/contacts/{id}', 'contacts:write', 'Update a contact', 'contacts'),
    route('DELETE', '/v1/contacts/{id}', 'contacts:delete', 'Delete a contact', 'contacts'),
    route('GET', '/v1/tables', 'tables:read', 'List tables', 'tables'),
    route('POST', '/v1/tables', 'tables:write', 'Create a table', 'tables'),
    route('DELETE', '/v1/tables/{id}', 'tables:delete', 'Delete a table', 'tables'),
    route('POST', '/v1/enrichments', 'enrichments:enrich', 'Enrich a contact', 'enrichments', 5),
    route('POST', '/v1/search', 'search:search', 'Search contacts', 'search', 1),
  ],
  events: {
    'contact.created': { description: 'A contact was created.', data: contact, example: exampleContact },
    'contact.updated': {
      description: 'A contact was changed; `data` is the contact as it is now.',
      data: contact,
      example: { ...exampleContact, phone: '+44 20 7946 0000', updatedAt: '2026-11-22T10:00:00.000Z' },
    },
    'contact.deleted': {
      description: 'A contact was deleted.',
      data: z.object({ id: z.string(), accountId: z.string(), deletedAt: z.string() }),
      example: { id: exampleContact.id, accountId: exampleContact.accountId, deletedAt: '2026-11-22T11:00:00.000Z' },
    },
    'enrichment.completed': {
      description: 'A contact was enriched.',
      data: z.object({ contactId: z.string(), accountId: z.string(), enrichment: z.record(z.string(), z.unknown()) }),
      example: {
        contactId: exampleContact.id,
        accountId: exampleContact.accountId,
        enrichment: { domain: 'analytical.example', freeMail: false, companyGuess: 'Analytical' },
      },
    },
    'enrichment.failed': {
      description: 'A contact could not be enriched; `reason` says why.',
      data: z.object({ contactId: z.string(), accountId: z.string(), reason: z.string() }),
      example: {
        contactId: exampleContact.id,
        accountId: exampleContact.accountId,
        reason: 'The contact has no email.',
      },
    },
    'table.created': {
      description: 'A table was created.',
      data: z.object({
        id: z.string(),
        accountId: z.string(),
        name: z.string(),
        description: z.string().optional(),
        createdAt: z.string(),
      }),
      example: {
        id: 'tb_1a2b3c4d5e6f70819203',
        accountId: exampleContact.accountId,
        name: 'Leads',
        createdAt: '2026-11-22T09:30:00.000Z',
      },
    },
  },
  plans: {
    starter: { requestsPerMinute: 60 },
    professional: { requestsPerMinute: 300 },
    enterprise: { requestsPerMinute: 1000, customLimit: true },
  },
  defaultPlan: 'starter',
  stages: { live: 'live', sandbox: 'sandbox' },
  keyPrefix: 'sk',
});
