import { systemClock } from '../domain/clock';
import { getKey } from '../domain/keys/key-service';
import { keyView } from '../domain/keys/key-view';
import { latestUseOf, withLatestUse } from '../domain/usage/last-use';
import { route } from '../runtime/http';
import { json } from '../runtime/http-response';
import { keyStore } from '../runtime/stores';
import { lastUseStores } from '../usage/stores';
import { keyIdOf } from './deps';

export const handler = route(async ({ event, caller }) => {
  const keyId = keyIdOf(event);
  // The recent windows before the key: see latestUseOf.
  const latest = await latestUseOf(lastUseStores, caller);
  const key = await getKey({ keys: keyStore }, caller, keyId);
  return json(200, keyView(await withLatestUse(latest, key), systemClock()));
});
