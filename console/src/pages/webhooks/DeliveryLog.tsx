import { useCallback, useId, useState } from 'preact/hooks';
import { useConsole } from '../../app/context';
import { formatDate } from '../../app/i18n';
import { Button, EmptyState, errorMessage, Pager, Spinner, StatusBadge, Table } from '../../ui';
import { usePagedList } from '../../ui/usePagedList';
import type { Delivery, Endpoint } from './types';

const STATUS_TONE: Record<Delivery['status'], string> = { succeeded: 'enabled', failed: 'revoked', pending: 'expired' };

/**
 * The endpoint's deliveries, newest first, each with every attempt. `version` changes when
 * something else on the page made a delivery (a test send, a recovery), to read the log again.
 */
export function DeliveryLog({ endpoint, version }: { endpoint: Endpoint; version: number }) {
  const { api, t } = useConsole();
  const headingId = useId();
  const list = usePagedList(
    useCallback(
      (cursor?: string) =>
        api.GET('/v1/webhooks/{id}/deliveries', {
          params: { path: { id: endpoint.id }, query: cursor ? { cursor } : {} },
        }),
      // version is not read: a new one means "read the log again".
      [api, endpoint.id, version],
    ),
  );
  const deliveries = list.items;

  return (
    <section aria-labelledby={headingId}>
      <div class="section-heading">
        <h2 id={headingId}>{t('webhooks.deliveries')}</h2>
        <Button onClick={list.reload} disabled={list.loading}>
          {t('webhooks.refresh')}
        </Button>
      </div>
      {list.problem && (
        <p class="field-error" role="alert">
          {list.problem}
        </p>
      )}
      {deliveries === null && !list.problem && <Spinner />}
      {deliveries?.length === 0 && <EmptyState title={t('webhooks.deliveriesEmpty')} />}
      {deliveries && deliveries.length > 0 && (
        <ol class="deliveries">
          {deliveries.map((delivery) => (
            <DeliveryItem key={delivery.id} delivery={delivery} endpoint={endpoint} onRetried={list.replace} />
          ))}
        </ol>
      )}
      <Pager hasMore={list.hasMore} loading={list.loading} onMore={list.more} />
    </section>
  );
}

function DeliveryItem({
  delivery,
  endpoint,
  onRetried,
}: {
  delivery: Delivery;
  endpoint: Endpoint;
  onRetried: (delivery: Delivery) => void;
}) {
  const { api, t, locale, canWrite, notify } = useConsole();
  const [busy, setBusy] = useState(false);
  const retry = async () => {
    setBusy(true);
    try {
      onRetried(
        await api.POST('/v1/webhooks/{id}/deliveries/{deliveryId}/retry', {
          params: { path: { id: endpoint.id, deliveryId: delivery.id } },
        }),
      );
      notify(t('webhooks.retried'));
    } catch (error) {
      notify(errorMessage(error), 'error');
    } finally {
      setBusy(false);
    }
  };
  // The API refuses a retry while one is pending or the endpoint is disabled: no button then.
  const canRetry = canWrite && delivery.status !== 'pending' && endpoint.status === 'enabled';
  return (
    <li class="delivery">
      <h3>
        <code>{delivery.eventType}</code>{' '}
        <StatusBadge status={STATUS_TONE[delivery.status]} label={t(`webhooks.delivery.${delivery.status}`)} />
        {delivery.test && <span class="badge badge-off">{t('webhooks.testMark')}</span>}
      </h3>
      <p class="muted">
        <code>{delivery.id}</code> · {formatDate(locale, delivery.createdAt)}
        {delivery.nextAttemptAt && (
          <>
            {' '}
            · {t('webhooks.nextAttempt')}: {formatDate(locale, delivery.nextAttemptAt)}
          </>
        )}
      </p>
      {delivery.failureReason && <p class="field-error">{delivery.failureReason}</p>}
      {delivery.attempts.length > 0 && (
        <Table
          caption={`${t('webhooks.attempts')}: ${delivery.id}`}
          columns={[t('webhooks.time'), t('webhooks.responseCode'), t('webhooks.duration'), t('webhooks.error')]}
        >
          {delivery.attempts.map((attempt) => (
            <tr key={attempt.at}>
              <td data-label={t('webhooks.time')}>{formatDate(locale, attempt.at)}</td>
              <td data-label={t('webhooks.responseCode')}>{attempt.statusCode ?? t('webhooks.noAnswer')}</td>
              <td data-label={t('webhooks.duration')}>{Math.round(attempt.durationMs)} ms</td>
              <td data-label={t('webhooks.error')}>{attempt.error ?? '—'}</td>
            </tr>
          ))}
        </Table>
      )}
      {canRetry && (
        <Button onClick={retry} disabled={busy} aria-label={t('webhooks.retryLabel', { id: delivery.id })}>
          {t('webhooks.retry')}
        </Button>
      )}
    </li>
  );
}
