import { updateKeyInput } from '../definition/schemas/keys';
import { systemClock } from '../domain/clock';
import { updateKey } from '../domain/keys/key-service';
import { creatorEmailsOf, keyView } from '../domain/keys/key-view';
import { latestUseOf, withLatestUse } from '../domain/usage/last-use';
import { route } from '../runtime/http';
import { parseBody } from '../runtime/http-request';
import { json } from '../runtime/http-response';
import { expirySchedulerFromEnvironment } from '../runtime/key-expiry';
import { authorizerCacheFromEnvironment, keyStore, memberStore, organizationStore } from '../runtime/stores';
import { lastUseStores } from '../usage/stores';
import { keyIdOf } from './deps';

const deps = {
  keys: keyStore,
  organizations: organizationStore,
  members: memberStore,
  clock: systemClock,
  expiries: expirySchedulerFromEnvironment(),
  authorizerCache: authorizerCacheFromEnvironment(),
};

export const handler = route(
  async ({ event, caller, audit }) => {
    const keyId = keyIdOf(event);
    const patch = parseBody(event, updateKeyInput);
    audit.details = { changed: Object.keys(patch) };
    // The recent windows before the key: see latestUseOf.
    const latest = await latestUseOf(lastUseStores, caller);
    const key = await updateKey(deps, caller, keyId, patch);
    const creators = await creatorEmailsOf(deps.members, caller, [key]);
    return json(200, keyView(await withLatestUse(latest, key), deps.clock(), creators));
  },
  { auditAction: 'key.update' },
);
