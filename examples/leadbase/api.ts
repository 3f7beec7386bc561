/**
 * Leadbase's API, declared once: contacts, tables, enrichments and search of a sales-data product,
 * with credits for enrichments and searches and six events of its own. Every route acts on one
 * sub-account, named by `account_id`. What each route takes and answers comes from schemas.ts,
 * the schemas the handlers validate and type with.
 */
import { defineApi, type RouteInput } from 'api-key-platform/definition';
import { z } from 'zod';
import {
  contact,
  contactEvent,
  contactExample,
  createContact,
  createTable,
  enrichmentDetails,
  enrichmentExample,
  enrichmentRequest,
  enrichmentResult,
  listOf,
  pageQuery,
  searchRequest,
  table,
  tableEvent,
  tableExample,
  updateContact,
} from './schemas';

const exampleContact = { ...contactExample, accountId: 'acc_7d1e2f3a4b5c6d7e' };

const route = (
  method: RouteInput['method'],
  path: string,
  permission: string,
  summary: string,
  lambda: string,
  contract: Pick<RouteInput, 'credits' | 'request' | 'response' | 'errors'>,
): RouteInput => ({ method, path, permission, summary, backend: { lambda }, accountScoped: true, ...contract });

/** What every route may answer beyond the platform's errors: a request that fails its schema (400). */
const invalid = 400;
/** A JSON body over 64 KiB (functions/request.ts). */
const tooLarge = 413;
const notFound = 404;

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
    route('GET', '/v1/contacts', 'contacts:read', 'List contacts', 'contacts', {
      request: { query: pageQuery },
      response: { schema: listOf(contact), description: 'One page of contacts, oldest first' },
      errors: [invalid],
    }),
    route('POST', '/v1/contacts', 'contacts:write', 'Create a contact', 'contacts', {
      request: { body: createContact },
      response: { status: 201, schema: contact, description: 'The contact, created' },
      errors: [invalid, tooLarge],
    }),
    route('GET', '/v1/contacts/{id}', 'contacts:read', 'Get a contact', 'contacts', {
      response: { schema: contact, description: 'The contact' },
      errors: [invalid, notFound],
    }),
    route('PATCH', '/v1/contacts/{id}', 'contacts:write', 'Update a contact', 'contacts', {
      request: { body: updateContact },
      response: { schema: contact, description: 'The contact as it is now' },
      errors: [invalid, notFound, tooLarge],
    }),
    route('DELETE', '/v1/contacts/{id}', 'contacts:delete', 'Delete a contact', 'contacts', {
      response: { status: 204, description: 'Deleted' },
      errors: [invalid, notFound],
    }),
    route('GET', '/v1/tables', 'tables:read', 'List tables', 'tables', {
      request: { query: pageQuery },
      response: { schema: listOf(table), description: 'One page of tables, oldest first' },
      errors: [invalid],
    }),
    route('POST', '/v1/tables', 'tables:write', 'Create a table', 'tables', {
      request: { body: createTable },
      response: { status: 201, schema: table, description: 'The table, created' },
      errors: [invalid, tooLarge],
    }),
    route('DELETE', '/v1/tables/{id}', 'tables:delete', 'Delete a table', 'tables', {
      response: { status: 204, description: 'Deleted' },
      errors: [invalid, notFound],
    }),
    route('POST', '/v1/enrichments', 'enrichments:enrich', 'Enrich a contact', 'enrichments', {
      credits: 5,
      request: { body: enrichmentRequest },
      response: { schema: enrichmentResult, description: "The contact's enrichment, also stored on the contact" },
      // 422: the contact has no email to enrich from; its credits are refunded.
      errors: [invalid, notFound, tooLarge, 422],
    }),
    route('POST', '/v1/search', 'search:search', 'Search contacts', 'search', {
      credits: 1,
      request: { body: searchRequest },
      response: {
        schema: listOf(contact),
        description: 'One page of the contacts whose name, email or company holds the query',
      },
      errors: [invalid, tooLarge],
    }),
  ],
  events: {
    'contact.created': { description: 'A contact was created.', data: contactEvent, example: exampleContact },
    'contact.updated': {
      description: 'A contact was changed; `data` is the contact as it is now.',
      data: contactEvent,
      example: { ...exampleContact, phone: '+44 20 7946 0000', updatedAt: '2026-11-22T10:00:00.000Z' },
    },
    'contact.deleted': {
      description: 'A contact was deleted.',
      data: z.object({ id: z.string(), accountId: z.string(), deletedAt: z.string() }),
      example: { id: exampleContact.id, accountId: exampleContact.accountId, deletedAt: '2026-11-22T11:00:00.000Z' },
    },
    'enrichment.completed': {
      description: 'A contact was enriched.',
      data: z.object({ contactId: z.string(), accountId: z.string(), enrichment: enrichmentDetails }),
      example: {
        contactId: exampleContact.id,
        accountId: exampleContact.accountId,
        enrichment: enrichmentExample,
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
      data: tableEvent,
      example: { ...tableExample, accountId: exampleContact.accountId },
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
