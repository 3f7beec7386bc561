/** webhook-event-types: the event catalog (the team's events and the platform's), with the body a receiver gets for each type. */
import { activeApi, type LoadedApi } from '../definition/active-api';
import { catalogView } from '../domain/webhooks/catalog';
import { route } from '../runtime/http';
import { json } from '../runtime/http-response';

// Built once per definition: in Lambda that is once per cold start.
let catalog: { api: LoadedApi; body: { items: ReturnType<typeof catalogView> } } | undefined;

export const handler = route(async () => {
  const api = activeApi();
  if (catalog?.api !== api) catalog = { api, body: { items: catalogView(api) } };
  return json(200, catalog.body, { 'cache-control': 'public, max-age=300' });
});
