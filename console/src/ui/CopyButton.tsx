import { useState } from 'preact/hooks';
import { useT } from '../app/i18n';
import { Button } from './Button';

/** Copies `text` to the clipboard and says so in its own live region. */
export function CopyButton({ text, label }: { text: string; label?: string }) {
  const t = useT();
  const [status, setStatus] = useState('');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setStatus(t('ui.copied'));
    } catch {
      setStatus(t('ui.copyFailed'));
    }
  };
  return (
    <span class="copy">
      <Button onClick={copy}>{label ?? t('ui.copy')}</Button>
      <span class="copy-status" role="status" aria-live="polite">
        {status}
      </span>
    </span>
  );
}
