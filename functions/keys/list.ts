import { systemClock } from '../domain/clock';
import { listKeys } from '../domain/keys/key-service';
import { keyView } from '../domain/keys/key-view';
import { route } from '../runtime/http';
import { pageOf } from '../runtime/http-request';
import { json } from '../runtime/http-response';
import { keyStore } from '../runtime/stores';

export const handler = route(async ({ event, caller }) => {
  const page = await listKeys({ keys: keyStore }, caller, pageOf(event));
  const now = systemClock();
  return json(200, { items: page.items.map((key) => keyView(key, now)), nextCursor: page.nextCursor ?? null });
});
