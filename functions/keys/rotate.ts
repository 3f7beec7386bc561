import { rotateKeyInput } from '../definition/schemas/keys';
import { systemClock } from '../domain/clock';
import { rotateKey } from '../domain/keys/key-service';
import { creatorEmailsOf, keyView } from '../domain/keys/key-view';
import { latestUseOf, withLatestUse } from '../domain/usage/last-use';
import { keyCreatedEvent } from '../domain/webhooks/key-events';
import { emit } from '../runtime/events';
import { route } from '../runtime/http';
import { parseBody } from '../runtime/http-request';
import { json } from '../runtime/http-response';
import { expirySchedulerFromEnvironment } from '../runtime/key-expiry';
import {
  authorizerCacheFromEnvironment,
  keyStore,
  memberStore,
  organizationStore,
  pepperFromEnvironment,
} from '../runtime/stores';
import { lastUseStores } from '../usage/stores';
import { keyIdOf } from './deps';

const deps = {
  keys: keyStore,
  organizations: organizationStore,
  members: memberStore,
  pepper: pepperFromEnvironment(),
  clock: systemClock,
  expiries: expirySchedulerFromEnvironment(),
  authorizerCache: authorizerCacheFromEnvironment(),
};

export const handler = route(
  async ({ event, caller, audit }) => {
    const keyId = keyIdOf(event);
    const input = parseBody(event, rotateKeyInput);
    // The recent windows before the old key (see latestUseOf): the answer shows its lastUsedAt.
    const latest = await latestUseOf(lastUseStores, caller);
    const { record, token, retired } = await rotateKey(deps, caller, keyId, input);
    await emit(keyCreatedEvent(record));
    audit.details = { newKeyId: record.id, gracePeriodSeconds: input.gracePeriodSeconds };
    const now = deps.clock();
    const creators = await creatorEmailsOf(deps.members, caller, [record, retired]);
    return json(
      201,
      {
        ...keyView(record, now, creators),
        key: token,
        previousKey: keyView(await withLatestUse(latest, retired), now, creators),
      },
      { location: `/v1/keys/${record.id}` },
    );
  },
  { auditAction: 'key.rotate' },
);
