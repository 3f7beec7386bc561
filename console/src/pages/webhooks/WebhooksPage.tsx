import { useCallback, useEffect, useState } from 'preact/hooks';
import { type PageProps, useConsole } from '../../app/context';
import { formatDate } from '../../app/i18n';
import { EmptyState, errorMessage, Pager, Spinner, StatusBadge, Table } from '../../ui';
import { AddWebhookForm } from './AddWebhookForm';
import { SecretNotice } from './SecretNotice';
import type { Endpoint, EndpointWithSecret } from './types';

/** The endpoints of the environment shown, and (for writers) the form that adds one. */
export function WebhooksPage(_props: PageProps) {
  const { api, t, locale, canWrite, notify } = useConsole();
  const [endpoints, setEndpoints] = useState<Endpoint[] | null>(null);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [problem, setProblem] = useState<string>();
  const [created, setCreated] = useState<EndpointWithSecret | null>(null);

  const load = useCallback(
    async (cursor?: string) => {
      setLoading(true);
      try {
        const page = await api.GET('/v1/webhooks', { params: { query: cursor ? { cursor } : {} } });
        setEndpoints((shown) => (cursor ? [...(shown ?? []), ...page.items] : page.items));
        setNextCursor(page.nextCursor ?? null);
        setProblem(undefined);
      } catch (error) {
        setProblem(errorMessage(error));
      } finally {
        setLoading(false);
      }
    },
    [api],
  );

  useEffect(() => {
    setEndpoints(null);
    setCreated(null);
    void load();
  }, [load]);

  const onCreated = (endpoint: EndpointWithSecret) => {
    setCreated(endpoint);
    notify(t('webhooks.added'));
    void load();
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
      {problem && (
        <p class="field-error" role="alert">
          {problem}
        </p>
      )}
      {endpoints === null && !problem && <Spinner />}
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
      <Pager hasMore={nextCursor !== null} loading={loading} onMore={() => nextCursor && load(nextCursor)} />
      {canWrite && <AddWebhookForm onCreated={onCreated} />}
    </div>
  );
}
