import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef } from 'preact/hooks';
import { useConsole } from '../../app/context';
import { Button, CopyButton } from '../../ui';

/**
 * A signing secret, shown this once: the API never returns it again. Focus moves to the notice so
 * a screen reader reads it out at once; "I have stored it" forgets it.
 */
export function SecretNotice({
  title,
  secret,
  children,
  onDone,
}: {
  title: string;
  secret: string;
  children?: ComponentChildren;
  onDone: () => void;
}) {
  const { t } = useConsole();
  const headingId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <section class="secret-notice" aria-labelledby={headingId}>
      <h2 id={headingId} ref={heading} tabIndex={-1}>
        {title}
      </h2>
      <p>{t('webhooks.secretIntro')}</p>
      <p>
        <code class="secret" data-testid="webhook-secret">
          {secret}
        </code>
      </p>
      <p class="warning">
        <strong>{t('webhooks.notShownAgain')}</strong>
      </p>
      {children}
      <p class="actions">
        <CopyButton text={secret} label={t('webhooks.copySecret')} />
        <Button onClick={onDone}>{t('webhooks.secretDone')}</Button>
      </p>
    </section>
  );
}
