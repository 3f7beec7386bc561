import { systemClock } from '../domain/clock';
import { listKeys } from '../domain/keys/key-service';
import { creatorEmailsOf, keyView } from '../domain/keys/key-view';
import { latestUseOf } from '../domain/usage/last-use';
import { route } from '../runtime/http';
import { pageOf } from '../runtime/http-request';
import { json } from '../runtime/http-response';
import { keyStore, memberStore } from '../runtime/stores';
import { lastUseStores } from '../usage/stores';

export const handler = route(async ({ event, caller }) => {
  // The recent windows before the keys (see latestUseOf); the page holds the caller's own key at least.
  const latest = await latestUseOf(lastUseStores, caller);
  const page = await listKeys({ keys: keyStore }, caller, pageOf(event));
  const creators = await creatorEmailsOf(memberStore, caller, page.items);
  const now = systemClock();
  return json(200, {
    items: (await latest(page.items)).map((key) => keyView(key, now, creators)),
    nextCursor: page.nextCursor ?? null,
  });
});
