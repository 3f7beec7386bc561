import { useEffect, useId, useRef } from 'preact/hooks';
import { useConsole } from '../../app/context';
import { Button, CopyButton } from '../../ui';

/** A key's plaintext, this once: a copy button and the warning that it will not be shown again. */
export function ShownOnceKey({
  title,
  plaintext,
  doneLabel,
  onDone,
}: {
  title: string;
  plaintext: string;
  doneLabel: string;
  onDone: () => void;
}) {
  const { t } = useConsole();
  const titleId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  // The form that made the key is gone: move focus to what replaced it.
  useEffect(() => heading.current?.focus(), []);
  return (
    <section class="shown-once" aria-labelledby={titleId}>
      <h2 id={titleId} ref={heading} tabIndex={-1}>
        {title}
      </h2>
      <p class="warning" role="note">
        <strong>{t('ui.notShownAgain')}</strong> {t('keys.shown.body')}
      </p>
      <p>
        {t('keys.shown.label')}: <code class="secret">{plaintext}</code>
      </p>
      <CopyButton text={plaintext} label={t('keys.shown.copy')} />
      <p>
        <Button variant="primary" onClick={onDone}>
          {doneLabel}
        </Button>
      </p>
    </section>
  );
}
