/**
 * Leadbase on the local platform (`npm start`): its definition, its four handlers in-process under
 * the names its routes' `{ lambda }` backends use, and a setup that creates its own table.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { LocalApp } from '../../local/platform';
import { leadbaseApi } from './api';
import { handler as contacts } from './functions/contacts';
import { handler as enrichments } from './functions/enrichments';
import { handler as search } from './functions/search';
import { createLeadbaseTable } from './functions/table';
import { handler as tables } from './functions/tables';

const LEADBASE_TABLE = 'leadbase';

export const leadbaseApp: LocalApp = {
  definition: leadbaseApi,
  backends: { contacts, tables, enrichments, search },
  async setup({ endpoints, queueUrls }) {
    // What the CDK stack sets on the functions (infra/stack.ts); the handlers run in this process.
    process.env.LEADBASE_TABLE = LEADBASE_TABLE;
    process.env.TEAM_EVENT_QUEUE_URL = queueUrls['team-events'];
    await createLeadbaseTable(new DynamoDBClient({ endpoint: endpoints.dynamodb }), LEADBASE_TABLE);
  },
};
