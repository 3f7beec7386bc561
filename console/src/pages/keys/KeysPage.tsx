import { useEffect, useState } from 'preact/hooks';
import { type PageProps, useConsole } from '../../app/context';
import { formatDate } from '../../app/i18n';
import { EmptyState, ErrorNotice, errorMessage, Pager, Spinner, StatusBadge, Table } from '../../ui';
import { type ApiKey, permissionCatalog } from './catalog';
import { PermissionSummary } from './PermissionSummary';

const STATUSES = ['active', 'inactive', 'revoked', 'expired'] as const;
const PAGE_SIZE = 25;

/** The keys of the environment shown, newest first, paged by nextCursor; the status filter applies to the pages loaded. */
export function KeysPage(_props: PageProps) {
  const { api, environment, canWrite, locale, t, me } = useConsole();
  const [keys, setKeys] = useState<ApiKey[] | undefined>(undefined);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState('');
  const [status, setStatus] = useState('');
  const catalog = permissionCatalog(me.permissions);

  const load = async (after: string | null, previous: ApiKey[]) => {
    setLoading(true);
    setError('');
    try {
      const page = await api.GET('/v1/keys', {
        params: { query: { limit: PAGE_SIZE, ...(after ? { cursor: after } : {}) } },
      });
      setKeys([...previous, ...page.items]);
      setCursor(page.nextCursor ?? null);
    } catch (caught) {
      setError(errorMessage(caught));
      setKeys(previous);
    } finally {
      setLoading(false);
    }
  };

  // The shell re-mounts the page when the environment switches, so one load on mount suffices.
  useEffect(() => {
    void load(null, []);
  }, []);

  const shown = (keys ?? []).filter((key) => !status || key.status === status);
  return (
    <section aria-labelledby="keys-title">
      <div class="page-header">
        <h1 id="keys-title">{t('keys.title')}</h1>
        {canWrite && (
          <a class="button button-primary" href="#/keys/new">
            {t('keys.create')}
          </a>
        )}
      </div>
      <div class="filters">
        <div class="field">
          <label for="keys-status-filter">{t('keys.filter.status')}</label>
          <select
            id="keys-status-filter"
            value={status}
            onChange={(event) => setStatus((event.target as HTMLSelectElement).value)}
          >
            <option value="">{t('keys.filter.all')}</option>
            {STATUSES.map((value) => (
              <option key={value} value={value}>
                {t(`ui.status.${value}`)}
              </option>
            ))}
          </select>
        </div>
      </div>
      <ErrorNotice message={error} />
      {keys === undefined ? (
        <Spinner />
      ) : shown.length === 0 ? (
        <EmptyState title={t(keys.length === 0 ? 'keys.empty' : 'keys.emptyFiltered')} />
      ) : (
        <Table
          caption={t(environment === 'live' ? 'keys.caption.live' : 'keys.caption.test')}
          columns={[
            t('keys.col.name'),
            t('keys.col.created'),
            t('keys.col.lastUsed'),
            t('keys.col.permissions'),
            t('keys.col.status'),
            t('keys.col.last8'),
          ]}
        >
          {shown.map((key) => (
            <tr key={key.id}>
              <td data-label={t('keys.col.name')}>
                <a href={`#/keys/${key.id}`}>{key.name}</a>
              </td>
              <td data-label={t('keys.col.created')}>{formatDate(locale, key.createdAt)}</td>
              <td data-label={t('keys.col.lastUsed')}>
                {key.lastUsedAt ? formatDate(locale, key.lastUsedAt) : t('keys.never')}
              </td>
              <td data-label={t('keys.col.permissions')}>
                <PermissionSummary permissions={key.permissions} catalog={catalog} />
              </td>
              <td data-label={t('keys.col.status')}>
                <StatusBadge status={key.status} />
              </td>
              <td data-label={t('keys.col.last8')}>
                <code>…{key.last8}</code>
              </td>
            </tr>
          ))}
        </Table>
      )}
      <Pager hasMore={cursor !== null} loading={loading} onMore={() => void load(cursor, keys ?? [])} />
    </section>
  );
}
