import { useT } from '../app/i18n';

const TONE: Record<string, 'ok' | 'warn' | 'off' | 'fail'> = {
  active: 'ok',
  enabled: 'ok',
  inactive: 'off',
  disabled: 'off',
  expired: 'warn',
  revoked: 'fail',
};

/** A status word with colour and text (never colour alone); known statuses are translated. */
export function StatusBadge({ status, label }: { status: string; label?: string }) {
  const t = useT();
  const key = `ui.status.${status}`;
  const text = label ?? (t(key) === key ? status : t(key));
  return <span class={`badge badge-${TONE[status] ?? 'off'}`}>{text}</span>;
}
