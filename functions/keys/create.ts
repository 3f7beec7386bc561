import { createKeyInput } from '../definition/schemas/keys';
import { systemClock } from '../domain/clock';
import { createKey } from '../domain/keys/key-service';
import { creatorEmailsOf, keyView } from '../domain/keys/key-view';
import { keyCreatedEvent } from '../domain/webhooks/key-events';
import { emit } from '../runtime/events';
import { route } from '../runtime/http';
import { parseBody } from '../runtime/http-request';
import { json } from '../runtime/http-response';
import { expirySchedulerFromEnvironment } from '../runtime/key-expiry';
import { keyStore, memberStore, organizationStore, pepperFromEnvironment } from '../runtime/stores';

const deps = {
  keys: keyStore,
  organizations: organizationStore,
  members: memberStore,
  pepper: pepperFromEnvironment(),
  clock: systemClock,
  expiries: expirySchedulerFromEnvironment(),
};

export const handler = route(
  async ({ event, caller, audit }) => {
    const input = parseBody(event, createKeyInput);
    const { record, token } = await createKey(deps, caller, input);
    await emit(keyCreatedEvent(record));
    audit.targetKeyId = record.id;
    audit.details = { name: record.name, permissions: record.permissions, environment: record.environment };
    // The only time the key itself is ever shown.
    const creators = await creatorEmailsOf(deps.members, caller, [record]);
    return json(201, { ...keyView(record, deps.clock(), creators), key: token }, { location: `/v1/keys/${record.id}` });
  },
  { auditAction: 'key.create' },
);
