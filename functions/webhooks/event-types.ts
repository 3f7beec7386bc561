/** webhook-event-types: the event catalog, with the body a receiver gets for each type. */
import { catalogView } from '../domain/webhooks/catalog';
import { route } from '../runtime/http';
import { json } from '../runtime/http-response';

const catalog = { items: catalogView() };

export const handler = route(async () => json(200, catalog, { 'cache-control': 'public, max-age=300' }));
