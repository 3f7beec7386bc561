import { useState } from 'preact/hooks';
import { useConsole } from '../../app/context';
import { Button, ConfirmDialog, errorMessage } from '../../ui';
import { SecretNotice } from './SecretNotice';
import type { Endpoint, EndpointWithSecret } from './types';

type Confirming = 'rotate' | 'delete' | null;

/** Enable or disable, rotate the secret (shown once), delete (confirmed): for writers only. */
export function EndpointActions({ endpoint, onChanged }: { endpoint: Endpoint; onChanged: (e: Endpoint) => void }) {
  const { api, t, notify, navigate } = useConsole();
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState<Confirming>(null);
  const [rotated, setRotated] = useState<EndpointWithSecret | null>(null);
  const path = { params: { path: { id: endpoint.id } } };

  const act = async (work: () => Promise<void>) => {
    setBusy(true);
    try {
      await work();
    } catch (error) {
      notify(errorMessage(error), 'error');
    } finally {
      setBusy(false);
    }
  };

  const setEnabled = (enabled: boolean) =>
    act(async () => {
      onChanged(await api.PATCH('/v1/webhooks/{id}', { ...path, body: { enabled } }));
      notify(t(enabled ? 'webhooks.enabledNotice' : 'webhooks.disabledNotice'));
    });

  const rotate = () => {
    setConfirming(null);
    return act(async () => {
      const answer = await api.POST('/v1/webhooks/{id}/rotate-secret', path);
      setRotated(answer);
      const { secret: _secret, ...view } = answer;
      onChanged(view);
    });
  };

  const remove = () => {
    setConfirming(null);
    return act(async () => {
      await api.DELETE('/v1/webhooks/{id}', path);
      notify(t('webhooks.deleted'));
      navigate('/webhooks');
    });
  };

  return (
    <>
      {rotated && (
        <SecretNotice title={t('webhooks.rotated')} secret={rotated.secret} onDone={() => setRotated(null)} />
      )}
      <p class="actions">
        {endpoint.status === 'enabled' ? (
          <Button onClick={() => setEnabled(false)} disabled={busy}>
            {t('webhooks.disable')}
          </Button>
        ) : (
          <Button variant="primary" onClick={() => setEnabled(true)} disabled={busy}>
            {t('webhooks.enable')}
          </Button>
        )}
        <Button onClick={() => setConfirming('rotate')} disabled={busy}>
          {t('webhooks.rotate')}
        </Button>
        <Button variant="danger" onClick={() => setConfirming('delete')} disabled={busy}>
          {t('webhooks.delete')}
        </Button>
      </p>
      {confirming === 'rotate' && (
        <ConfirmDialog
          title={t('webhooks.rotate')}
          body={<p>{t('webhooks.rotateBody')}</p>}
          confirmLabel={t('webhooks.rotateConfirm')}
          onConfirm={rotate}
          onCancel={() => setConfirming(null)}
        />
      )}
      {confirming === 'delete' && (
        <ConfirmDialog
          title={t('webhooks.deleteTitle')}
          body={<p>{t('webhooks.deleteBody', { url: endpoint.url })}</p>}
          confirmLabel={t('webhooks.delete')}
          danger
          onConfirm={remove}
          onCancel={() => setConfirming(null)}
        />
      )}
    </>
  );
}
