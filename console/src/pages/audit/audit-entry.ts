/** How the audit log names who acted and what they did, for entries of every version. */
import type { components } from '../../../../sdk/src/schema';
import type { Translate } from '../../app/locale';
import { type KeyName, keyLabel } from '../usage/key-label';

export type AuditEntry = components['schemas']['AuditEntry'];

export interface ActorView {
  name: string;
  /** How a person signed in, or nothing for a key or a partner. */
  via?: string;
}

/** A person by email, a key by name or id; entries written before `actor` name only ids. */
export function actorOf(entry: AuditEntry, keys: KeyName[], t: Translate): ActorView {
  const { actor } = entry;
  if (actor?.type === 'member') {
    return {
      name: actor.email,
      via: t(actor.authMethod === 'oidc' ? 'audit.actor.viaOidc' : 'audit.actor.viaSession'),
    };
  }
  if (actor?.type === 'key') return { name: t('audit.actor.key', { id: keyLabel(keys, actor.keyId) }) };
  if (entry.actorKeyId) return { name: t('audit.actor.key', { id: keyLabel(keys, entry.actorKeyId) }) };
  if (entry.actorPartner) return { name: t('audit.actor.partner') };
  return { name: entry.actorMemberId ?? t('audit.actor.unknown') };
}

/** The action's label ("Revoked a key"), or the action itself for one the console has no words for. */
export function actionLabel(entry: AuditEntry, t: Translate): string {
  const change = entry.action === 'key.status' ? entry.details?.change : undefined;
  const keys = [
    ...(typeof change === 'string' ? [`audit.action.key.status.${change}`] : []),
    `audit.action.${entry.action}`,
  ];
  for (const key of keys) {
    const label = t(key);
    if (label !== key) return label;
  }
  return entry.action;
}
