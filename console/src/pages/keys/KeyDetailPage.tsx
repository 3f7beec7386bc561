import { useEffect, useState } from 'preact/hooks';
import { type PageProps, useConsole } from '../../app/context';
import { ErrorNotice, errorMessage, Spinner } from '../../ui';
import { type ApiKey, permissionCatalog } from './catalog';
import { EditKeyForm } from './EditKeyForm';
import { KeyActions, type RotatedApiKey } from './KeyActions';
import { KeyFacts } from './KeyFacts';
import { ShownOnceKey } from './ShownOnceKey';

/** One key: its facts, a link to its calls, and for people who may write, the edit form and actions. */
export function KeyDetailPage({ params }: PageProps) {
  const { api, canWrite, me, t, navigate } = useConsole();
  const id = params.id ?? '';
  const [apiKey, setApiKey] = useState<ApiKey | undefined>(undefined);
  const [error, setError] = useState('');
  const [rotated, setRotated] = useState<RotatedApiKey | undefined>(undefined);
  const catalog = permissionCatalog(me.permissions);

  useEffect(() => {
    let current = true;
    setApiKey(undefined);
    setRotated(undefined);
    setError('');
    api
      .GET('/v1/keys/{id}', { params: { path: { id } } })
      .then((key) => current && setApiKey(key))
      .catch((caught: unknown) => current && setError(errorMessage(caught)));
    return () => {
      current = false;
    };
  }, [api, id]);

  if (rotated) {
    return (
      <ShownOnceKey
        title={t('keys.rotated.title')}
        plaintext={rotated.key}
        doneLabel={t('keys.rotated.done')}
        onDone={() => navigate(`#/keys/${rotated.id}`)}
      />
    );
  }
  if (error && !apiKey) {
    return (
      <section>
        <h1>{t('keys.title')}</h1>
        <ErrorNotice message={error} />
        <a href="#/keys">{t('keys.detail.back')}</a>
      </section>
    );
  }
  if (!apiKey) return <Spinner />;
  const editable = canWrite && apiKey.status !== 'revoked' && !apiKey.rotatedToKeyId;
  return (
    <section aria-labelledby="key-title">
      <p>
        <a href="#/keys">{t('keys.detail.back')}</a>
      </p>
      <h1 id="key-title">{t('keys.detail.title', { name: apiKey.name })}</h1>
      <KeyFacts apiKey={apiKey} catalog={catalog} />
      <p>
        <a href={`#/keys/${apiKey.id}/calls`}>{t('keys.detail.calls')}</a>
      </p>
      {/* Keyed by the key's state, so the form starts over from what the API answered. */}
      {editable && (
        <EditKeyForm
          key={`${apiKey.name}|${apiKey.permissions.join()}`}
          apiKey={apiKey}
          catalog={catalog}
          onSaved={setApiKey}
        />
      )}
      {canWrite && (
        <KeyActions apiKey={apiKey} onChanged={setApiKey} onDeleted={() => navigate('#/keys')} onRotated={setRotated} />
      )}
    </section>
  );
}
