import { useCallback, useEffect, useState } from 'preact/hooks';
import { type PageProps, useConsole } from '../../app/context';
import { formatDate } from '../../app/i18n';
import { errorMessage, Spinner, StatusBadge } from '../../ui';
import { DeliveryLog } from './DeliveryLog';
import { EndpointActions } from './EndpointActions';
import { RecoverForm } from './RecoverForm';
import { TestSend } from './TestSend';
import type { Endpoint } from './types';

/** One endpoint: its settings and state, the actions on it, a test send and the delivery log. */
export function WebhookDetailPage({ params }: PageProps) {
  const { api, t, locale, canWrite } = useConsole();
  const id = params.id ?? '';
  const [endpoint, setEndpoint] = useState<Endpoint | null>(null);
  const [problem, setProblem] = useState<string>();
  // Bumped when a test send or a recovery made deliveries, so the log reads them.
  const [deliveriesVersion, setDeliveriesVersion] = useState(0);
  const deliveriesChanged = useCallback(() => setDeliveriesVersion((version) => version + 1), []);

  useEffect(() => {
    let current = true;
    setEndpoint(null);
    setProblem(undefined);
    api
      .GET('/v1/webhooks/{id}', { params: { path: { id } } })
      .then((found) => current && setEndpoint(found))
      .catch((error) => current && setProblem(errorMessage(error)));
    return () => {
      current = false;
    };
  }, [api, id]);

  return (
    <div class="webhooks-page">
      <p>
        <a href="#/webhooks">← {t('webhooks.back')}</a>
      </p>
      {problem && (
        <>
          <h1>{t('webhooks.title')}</h1>
          <p class="field-error" role="alert">
            {problem}
          </p>
        </>
      )}
      {!endpoint && !problem && <Spinner />}
      {endpoint && (
        <>
          <h1 class="break">{endpoint.url}</h1>
          <p>
            <StatusBadge status={endpoint.status} />
          </p>
          {endpoint.status === 'disabled' && endpoint.disabledReason && (
            <p class="notice notice-warn">{t(`webhooks.disabledReason.${endpoint.disabledReason}`)}</p>
          )}
          <dl class="facts">
            <dt>{t('webhooks.id')}</dt>
            <dd>
              <code>{endpoint.id}</code>
            </dd>
            <dt>{t('webhooks.events')}</dt>
            <dd>{endpoint.events.join(', ')}</dd>
            {endpoint.description && (
              <>
                <dt>{t('webhooks.description')}</dt>
                <dd>{endpoint.description}</dd>
              </>
            )}
            <dt>{t('webhooks.created')}</dt>
            <dd>{formatDate(locale, endpoint.createdAt)}</dd>
            <dt>{t('webhooks.updated')}</dt>
            <dd>{formatDate(locale, endpoint.updatedAt)}</dd>
            {endpoint.failingSince && (
              <>
                <dt>{t('webhooks.failingSince')}</dt>
                <dd>{formatDate(locale, endpoint.failingSince)}</dd>
              </>
            )}
          </dl>
          {endpoint.previousSecretExpiresAt && (
            <p>{t('webhooks.rotatedOverlap', { time: formatDate(locale, endpoint.previousSecretExpiresAt) })}</p>
          )}
          {canWrite && <EndpointActions endpoint={endpoint} onChanged={setEndpoint} />}
          {canWrite && <TestSend endpoint={endpoint} onSent={deliveriesChanged} />}
          {canWrite && endpoint.status === 'enabled' && (
            <RecoverForm endpoint={endpoint} onRecovered={deliveriesChanged} />
          )}
          <DeliveryLog endpoint={endpoint} version={deliveriesVersion} />
        </>
      )}
    </div>
  );
}
