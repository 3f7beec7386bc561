import { systemClock } from '../domain/clock';
import { ValidationError } from '../domain/errors';
import { changeKeyStatus, type StatusChange } from '../domain/keys/key-service';
import { creatorEmailsOf, keyView } from '../domain/keys/key-view';
import { latestUseOf, withLatestUse } from '../domain/usage/last-use';
import { keyRevokedEvent } from '../domain/webhooks/key-events';
import { emit } from '../runtime/events';
import { route } from '../runtime/http';
import { json } from '../runtime/http-response';
import { authorizerCacheFromEnvironment, keyStore, memberStore } from '../runtime/stores';
import { lastUseStores } from '../usage/stores';
import { keyIdOf } from './deps';

const deps = {
  keys: keyStore,
  members: memberStore,
  clock: systemClock,
  authorizerCache: authorizerCacheFromEnvironment(),
};

const CHANGES: readonly StatusChange[] = ['deactivate', 'activate', 'revoke'];

/** One function serves /deactivate, /activate and /revoke: the last path segment says which. */
export const handler = route(
  async ({ event, caller, audit }) => {
    const change = event.resource.split('/').pop() as StatusChange;
    if (!CHANGES.includes(change)) throw new ValidationError([{ field: 'path', message: `unknown action ${change}` }]);
    audit.details = { change };
    // The recent windows before the key: see latestUseOf.
    const latest = await latestUseOf(lastUseStores, caller);
    const key = await changeKeyStatus(deps, caller, keyIdOf(event), change);
    if (change === 'revoke') await emit(keyRevokedEvent(key, deps.clock()));
    const creators = await creatorEmailsOf(deps.members, caller, [key]);
    return json(200, keyView(await withLatestUse(latest, key), deps.clock(), creators));
  },
  { auditAction: 'key.status' },
);
