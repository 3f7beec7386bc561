import { useId, useState } from 'preact/hooks';
import { useConsole } from '../../app/context';
import { Button, ConfirmDialog, ErrorNotice, useAction } from '../../ui';
import type { ApiKey } from './catalog';

export type RotatedApiKey = ApiKey & { key: string };

const GRACE_SECONDS = [0, 3600, 86_400, 604_800, 2_592_000] as const;

/**
 * Deactivate or reactivate, revoke and delete (each confirmed), rotate with a grace period. Shown
 * only to people who may write; the API refuses the rest anyway.
 */
export function KeyActions({
  apiKey,
  onChanged,
  onDeleted,
  onRotated,
}: {
  apiKey: ApiKey;
  onChanged: (key: ApiKey) => void;
  onDeleted: () => void;
  onRotated: (key: RotatedApiKey) => void;
}) {
  const { api, t, notify } = useConsole();
  const [confirming, setConfirming] = useState<'revoke' | 'delete' | undefined>(undefined);
  const [grace, setGrace] = useState('0');
  const { busy, error, run } = useAction();
  const graceId = useId();
  const path = { params: { path: { id: apiKey.id } } };

  const deactivate = () =>
    run(async () => {
      onChanged(await api.POST('/v1/keys/{id}/deactivate', path));
      notify(t('keys.deactivated'));
    });
  const reactivate = () =>
    run(async () => {
      onChanged(await api.POST('/v1/keys/{id}/activate', path));
      notify(t('keys.reactivated'));
    });
  const revoke = () =>
    run(async () => {
      setConfirming(undefined);
      onChanged(await api.POST('/v1/keys/{id}/revoke', path));
      notify(t('keys.revoked'));
    });
  const remove = () =>
    run(async () => {
      setConfirming(undefined);
      await api.DELETE('/v1/keys/{id}', path);
      notify(t('keys.deleted', { name: apiKey.name }));
      onDeleted();
    });
  const rotate = (event: Event) => {
    event.preventDefault();
    return run(async () => {
      onRotated(await api.POST('/v1/keys/{id}/rotate', { ...path, body: { gracePeriodSeconds: Number(grace) } }));
    });
  };

  const live = apiKey.status === 'active' || apiKey.status === 'inactive';
  return (
    <section class="key-actions" aria-labelledby="key-actions-title">
      <h2 id="key-actions-title">{t('keys.actions.title')}</h2>
      <div class="actions">
        {apiKey.status === 'active' && (
          <Button onClick={deactivate} disabled={busy}>
            {t('keys.deactivate')}
          </Button>
        )}
        {apiKey.status === 'inactive' && (
          <Button onClick={reactivate} disabled={busy}>
            {t('keys.reactivate')}
          </Button>
        )}
        {apiKey.status !== 'revoked' && (
          <Button variant="danger" onClick={() => setConfirming('revoke')} disabled={busy}>
            {t('keys.revoke')}
          </Button>
        )}
        <Button variant="danger" onClick={() => setConfirming('delete')} disabled={busy}>
          {t('keys.delete')}
        </Button>
      </div>
      {live && !apiKey.rotatedToKeyId && (
        <form class="form rotate" onSubmit={rotate}>
          <h3>{t('keys.rotate.title')}</h3>
          <p class="field-hint">{t('keys.rotate.hint')}</p>
          <div class="field">
            <label for={graceId}>{t('keys.rotate.grace')}</label>
            <select
              id={graceId}
              value={grace}
              onChange={(event) => setGrace((event.target as HTMLSelectElement).value)}
            >
              {GRACE_SECONDS.map((seconds) => (
                <option key={seconds} value={String(seconds)}>
                  {t(`keys.rotate.grace.${seconds}`)}
                </option>
              ))}
            </select>
          </div>
          <Button type="submit" disabled={busy}>
            {t('keys.rotate')}
          </Button>
        </form>
      )}
      <ErrorNotice message={error} />
      {confirming === 'revoke' && (
        <ConfirmDialog
          title={t('keys.revoke.title', { name: apiKey.name })}
          body={t('keys.revoke.body')}
          confirmLabel={t('keys.revoke')}
          danger
          onConfirm={() => void revoke()}
          onCancel={() => setConfirming(undefined)}
        />
      )}
      {confirming === 'delete' && (
        <ConfirmDialog
          title={t('keys.delete.title', { name: apiKey.name })}
          body={t('keys.delete.body')}
          confirmLabel={t('keys.delete')}
          danger
          onConfirm={() => void remove()}
          onCancel={() => setConfirming(undefined)}
        />
      )}
    </section>
  );
}
