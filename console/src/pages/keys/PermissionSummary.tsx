import { useConsole } from '../../app/context';
import { type PermissionCatalog, permissionSummary } from './permissions';

/** A key's permissions in a few words: its level ("Read-only") when one matches, else the permissions. */
export function PermissionSummary({
  permissions,
  catalog,
}: {
  permissions: readonly string[];
  catalog: PermissionCatalog;
}) {
  const { t } = useConsole();
  const summary = permissionSummary(permissions, catalog);
  if (!summary.level) return <span title={permissions.join(', ')}>{summary.text}</span>;
  return <span title={permissions.join(', ')}>{levelLabel(t, summary.level)}</span>;
}

/** A level's name in the reader's language when the console knows it, else as the definition spells it. */
export function levelLabel(t: (key: string) => string, level: string): string {
  const key = `keys.level.${level}`;
  const text = t(key);
  return text === key ? level : text;
}
