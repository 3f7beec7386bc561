import { useEffect, useRef, useState } from 'preact/hooks';
import { useConsole } from '../../app/context';
import { Button, CopyButton, Field, FormFooter, useSubmit } from '../../ui';
import { type CreatedConsoleSession, LINK_LIFETIMES, type Member } from './roles';

/**
 * Signs a member in elsewhere: a one-time console link (POST /v1/console-sessions), shown this once
 * with a copy button. The session's token is in the answer too, but a browser has no use for it: not shown.
 */
export function ConsoleLinkForm({
  member,
  onCreated,
  onClose,
}: {
  member: Member;
  onCreated: () => void;
  onClose: () => void;
}) {
  const { api, t } = useConsole();
  const [lifetime, setLifetime] = useState<number>(LINK_LIFETIMES[0]);
  const [readOnly, setReadOnly] = useState(false);
  // Only the link: the answer's session token acts as the member and is never shown, so never kept.
  const [created, setCreated] = useState<Pick<CreatedConsoleSession, 'url'> | undefined>(undefined);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [created !== undefined]);

  const { busy, error, submit } = useSubmit(async () => {
    const { url } = await api.POST('/v1/console-sessions', {
      body: { memberId: member.id, expiresInSeconds: lifetime, readOnly },
    });
    setCreated({ url });
    onCreated();
  });

  return (
    <section class="panel" aria-labelledby="members-link-title">
      <h2 id="members-link-title" ref={heading} tabIndex={-1}>
        {t('members.link.title', { email: member.email })}
      </h2>
      {created ? (
        <>
          <p class="warning" role="note">
            {t('members.link.shown', { email: member.email })}
          </p>
          <p>
            {t('members.link.url')}: <code class="secret">{created.url}</code>
          </p>
          <div class="actions">
            <CopyButton text={created.url} label={t('members.link.copy')} />
            <Button variant="primary" onClick={onClose}>
              {t('members.link.done')}
            </Button>
          </div>
        </>
      ) : (
        <form class="form" onSubmit={submit} noValidate>
          <Field label={t('members.link.lifetime')}>
            <select
              value={String(lifetime)}
              onChange={(event) => setLifetime(Number((event.target as HTMLSelectElement).value))}
            >
              {LINK_LIFETIMES.map((seconds) => (
                <option key={seconds} value={String(seconds)}>
                  {t(`members.link.lifetime.${seconds}`)}
                </option>
              ))}
            </select>
          </Field>
          <label class="choice">
            <input
              type="checkbox"
              checked={readOnly}
              onChange={(event) => setReadOnly((event.target as HTMLInputElement).checked)}
            />
            <span>{t('members.link.readOnly')}</span>
          </label>
          <FormFooter error={error} busy={busy} submitLabel={t('members.link.create')}>
            <Button onClick={onClose}>{t('ui.cancel')}</Button>
          </FormFooter>
        </form>
      )}
    </section>
  );
}
