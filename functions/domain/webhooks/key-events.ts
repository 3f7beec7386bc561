/** The platform's own events about API keys: what `api_key.*` deliveries carry of a key (never its secret). */
import type { ApiKeyRecord } from '../keys/key-model';
import { rotationPeriodMs } from '../reminders/policy';
import type { EventInput } from './publish';

const DAY_MS = 24 * 3600 * 1000;

function keyData(key: ApiKeyRecord) {
  return {
    id: key.id,
    name: key.name,
    environment: key.environment,
    last8: key.last8,
    permissions: key.permissions,
    createdAt: key.createdAt,
  };
}

const origin = (key: ApiKeyRecord) => ({ organizationId: key.organizationId, environment: key.environment });

export function keyCreatedEvent(key: ApiKeyRecord): EventInput<'api_key.created'> {
  return {
    ...origin(key),
    type: 'api_key.created',
    data: { ...keyData(key), ...(key.rotatedFromKeyId && { rotatedFromKeyId: key.rotatedFromKeyId }) },
  };
}

export function keyRevokedEvent(key: ApiKeyRecord, at: Date): EventInput<'api_key.revoked'> {
  return { ...origin(key), type: 'api_key.revoked', data: { ...keyData(key), revokedAt: at.toISOString() } };
}

export function keyLeakedEvent(
  key: ApiKeyRecord,
  leak: { at: Date; url: string; source: string; action: 'revoked' | 'deactivated' },
): EventInput<'api_key.leaked'> {
  return {
    ...origin(key),
    type: 'api_key.leaked',
    data: { ...keyData(key), leakedAt: leak.at.toISOString(), url: leak.url, source: leak.source, action: leak.action },
  };
}

export function rotationDueEvent(key: ApiKeyRecord): EventInput<'api_key.rotation_due'> {
  return {
    ...origin(key),
    type: 'api_key.rotation_due',
    data: {
      ...keyData(key),
      rotationDueAt: key.rotationDueAt,
      rotationPeriodDays: Math.round(rotationPeriodMs(key) / DAY_MS),
    },
  };
}
