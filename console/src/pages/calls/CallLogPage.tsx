import { useEffect, useState } from 'preact/hooks';
import type { components } from '../../../../sdk/src/schema';
import { type PageProps, useConsole } from '../../app/context';
import { ErrorNotice, errorMessage, Pager, Spinner, Table } from '../../ui';
import { callTime } from './call-time';

type Call = components['schemas']['KeyCall'];
const PAGE_SIZE = 50;

interface Log {
  calls: Call[];
  /** Where the next page starts; null once the log is read to its end. */
  nextCursor: string | null;
  /** How many calls the latest page held: a page may be short, even empty, and still not be the last. */
  lastPageCount: number;
}

/** A key's calls of the last 7 days, newest first, a page at a time. */
export function CallLogPage({ params }: PageProps) {
  const { api, environment, locale, t } = useConsole();
  const keyId = params.id ?? '';
  const [name, setName] = useState<string>();
  const [log, setLog] = useState<Log>();
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string>();

  const load = async (cursor: string | undefined, before: Call[]) => {
    setLoading(true);
    setError(undefined);
    try {
      const query = { limit: PAGE_SIZE, ...(cursor && { cursor }) };
      const page = await api.GET('/v1/keys/{id}/calls', { params: { path: { id: keyId }, query } });
      setLog({
        calls: [...before, ...page.items],
        nextCursor: page.nextCursor ?? null,
        lastPageCount: page.items.length,
      });
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setLoading(false);
    }
  };

  useEffect(() => {
    setLog(undefined);
    setName(undefined);
    api
      .GET('/v1/keys/{id}', { params: { path: { id: keyId } } })
      .then((key) => setName(key.name))
      // The calls answer the same error, and say it.
      .catch(() => undefined);
    void load(undefined, []);
  }, [api, environment, keyId]);

  const hasMore = Boolean(log?.nextCursor);
  return (
    <section class="page calls-page" aria-labelledby="calls-title">
      <p>
        <a href={`#/keys/${encodeURIComponent(keyId)}`}>{t('calls.back')}</a>
      </p>
      <h1 id="calls-title">{name ? t('calls.titleOf', { name }) : t('calls.title')}</h1>
      <p class="page-intro">{t('calls.intro')}</p>
      <ErrorNotice message={error} />
      {!log && !error && <Spinner label={t('calls.loading')} />}
      {log && log.calls.length > 0 && (
        <Table
          caption={t('calls.caption')}
          columns={[
            t('calls.time'),
            t('calls.method'),
            t('calls.path'),
            t('calls.status'),
            t('calls.latency'),
            t('calls.ip'),
          ]}
        >
          {log.calls.map((call) => (
            <tr key={call.requestId}>
              <td data-label={t('calls.time')}>
                <time datetime={call.time}>{callTime(locale, call.time)}</time>
              </td>
              <td data-label={t('calls.method')}>{call.method}</td>
              <td data-label={t('calls.path')}>
                <code>{call.path}</code>
              </td>
              <td data-label={t('calls.status')} class={call.status < 400 ? 'status-ok' : 'status-fail'}>
                {call.status}
              </td>
              <td data-label={t('calls.latency')}>{t('calls.latencyMs', { ms: Math.round(call.latencyMs) })}</td>
              <td data-label={t('calls.ip')}>{call.ip}</td>
            </tr>
          ))}
        </Table>
      )}
      {log && (
        <p role="status" class="pager-state">
          {pagingState(log, t)}
        </p>
      )}
      <Pager hasMore={hasMore} loading={loading} onMore={() => log && load(log.nextCursor ?? undefined, log.calls)} />
    </section>
  );
}

/** Whether the log is read to its end, or a short page only means more is to be read. */
function pagingState(log: Log, t: ReturnType<typeof useConsole>['t']): string {
  if (log.nextCursor === null) return log.calls.length === 0 ? t('calls.none') : t('calls.end');
  if (log.calls.length === 0) return t('calls.noneYet');
  return log.lastPageCount < PAGE_SIZE ? t('calls.shortPage', { count: log.lastPageCount }) : '';
}
