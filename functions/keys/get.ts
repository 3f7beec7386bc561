import { systemClock } from '../domain/clock';
import { getKey } from '../domain/keys/key-service';
import { creatorEmailsOf, keyView } from '../domain/keys/key-view';
import { latestUseOf, withLatestUse } from '../domain/usage/last-use';
import { route } from '../runtime/http';
import { json } from '../runtime/http-response';
import { keyStore, memberStore } from '../runtime/stores';
import { lastUseStores } from '../usage/stores';
import { keyIdOf } from './deps';

/** Viewing a key's details is on the record, as HubSpot shows who viewed a key (a refused look too). */
export const handler = route(
  async ({ event, caller }) => {
    const keyId = keyIdOf(event);
    // The recent windows before the key: see latestUseOf.
    const latest = await latestUseOf(lastUseStores, caller);
    const key = await getKey({ keys: keyStore }, caller, keyId);
    const creators = await creatorEmailsOf(memberStore, caller, [key]);
    return json(200, keyView(await withLatestUse(latest, key), systemClock(), creators));
  },
  { auditAction: 'api_key.viewed' },
);
