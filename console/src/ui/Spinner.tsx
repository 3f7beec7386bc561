import { useT } from '../app/i18n';

export function Spinner({ label }: { label?: string }) {
  const t = useT();
  return (
    <p class="spinner" role="status">
      <span class="spinner-dot" aria-hidden="true" />
      {label ?? t('ui.loading')}
    </p>
  );
}
