import { useCallback, useState } from 'preact/hooks';
import { type PageProps, useConsole } from '../../app/context';
import { formatDate } from '../../app/i18n';
import { EmptyState, Pager, Spinner, StatusBadge, Table } from '../../ui';
import { usePagedList } from '../../ui/usePagedList';
import { AddWebhookForm } from './AddWebhookForm';
import { SecretNotice } from './SecretNotice';
import type { EndpointWithSecret } from './types';

/** The endpoints of the environment shown, and (for writers) the form that adds one. */
export function WebhooksPage(_props: PageProps) {
  const { api, t, locale, canWrite, notify } = useConsole();
  const [created, setCreated] = useState<EndpointWithSecret | null>(null);
  const list = usePagedList(
    useCallback((cursor?: string) => api.GET('/v1/webhooks', { params: { query: cursor ? { cursor } : {} } }), [api]),
  );
  const endpoints = list.items;

  const onCreated = (endpoint: EndpointWithSecret) => {
    setCreated(endpoint);
    notify(t('webhooks.added'));
    list.reload();
  };

  return (
    <div class="webhooks-page">
      <h1>{t('webhooks.title')}</h1>
      <p>{t('webhooks.intro')}</p>
      {created && (
        <SecretNotice title={t('webhooks.secret')} secret={created.secret} onDone={() => setCreated(null)}>
          <p>
            <a href={`#/webhooks/${created.id}`}>{t('webhooks.open', { url: created.url })}</a>
          </p>
        </SecretNotice>
      )}
      <h2>{t('webhooks.list')}</h2>
      {list.problem && (
        <p class="field-error" role="alert">
          {list.problem}
        </p>
      )}
      {endpoints === null && !list.problem && <Spinner />}
      {endpoints?.length === 0 && <EmptyState title={t('webhooks.empty')} />}
      {endpoints && endpoints.length > 0 && (
        <Table
          caption={t('webhooks.list')}
          columns={[t('webhooks.url'), t('webhooks.events'), t('webhooks.status'), t('webhooks.created')]}
        >
          {endpoints.map((endpoint) => (
            <tr key={endpoint.id}>
              <td data-label={t('webhooks.url')} class="break">
                <a href={`#/webhooks/${endpoint.id}`}>{endpoint.url}</a>
                {endpoint.description && <div class="muted">{endpoint.description}</div>}
              </td>
              <td data-label={t('webhooks.events')}>{endpoint.events.join(', ')}</td>
              <td data-label={t('webhooks.status')}>
                <StatusBadge status={endpoint.status} />
              </td>
              <td data-label={t('webhooks.created')}>{formatDate(locale, endpoint.createdAt)}</td>
            </tr>
          ))}
        </Table>
      )}
      <Pager hasMore={list.hasMore} loading={list.loading} onMore={list.more} />
      {canWrite && <AddWebhookForm onCreated={onCreated} />}
    </div>
  );
}
