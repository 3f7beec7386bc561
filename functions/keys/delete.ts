import { systemClock } from '../domain/clock';
import { deleteKey } from '../domain/keys/key-service';
import { route } from '../runtime/http';
import { noContent } from '../runtime/http-response';
import { authorizerCacheFromEnvironment, keyStore, memberStore } from '../runtime/stores';
import { keyIdOf } from './deps';

const deps = {
  keys: keyStore,
  members: memberStore,
  clock: systemClock,
  authorizerCache: authorizerCacheFromEnvironment(),
};

/** The key item goes; its audit trail stays, in the organization's own audit partition. */
export const handler = route(
  async ({ event, caller, audit }) => {
    const key = await deleteKey(deps, caller, keyIdOf(event));
    audit.details = { name: key.name, last8: key.last8 };
    return noContent();
  },
  { auditAction: 'key.delete' },
);
