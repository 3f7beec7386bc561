import { useEffect, useState } from 'preact/hooks';
import { type PageProps, useConsole } from '../../app/context';
import { ErrorNotice, errorMessage, Pager, Spinner, Table } from '../../ui';
import { callTime } from '../calls/call-time';
import { keyLabel } from '../usage/key-label';
import { useKeyNames } from '../usage/key-names';
import { type AuditEntry, actionLabel, actorOf } from './audit-entry';

const PAGE_SIZE = 50;

/** Who (a person or a key) did what, when and from where, newest first, a page at a time. */
export function AuditPage(_props: PageProps) {
  const { api, environment, locale, t } = useConsole();
  const keys = useKeyNames();
  const [entries, setEntries] = useState<AuditEntry[]>();
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string>();

  const load = async (cursor: string | undefined, before: AuditEntry[]) => {
    setLoading(true);
    setError(undefined);
    try {
      const page = await api.GET('/v1/audit-log', {
        params: { query: { limit: PAGE_SIZE, ...(cursor && { cursor }) } },
      });
      setEntries([...before, ...page.items]);
      setNextCursor(page.nextCursor ?? null);
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setLoading(false);
    }
  };

  useEffect(() => {
    setEntries(undefined);
    void load(undefined, []);
  }, [api, environment]);

  return (
    <section class="page audit-page" aria-labelledby="audit-title">
      <h1 id="audit-title">{t('audit.title')}</h1>
      <p class="page-intro">{t('audit.intro')}</p>
      <ErrorNotice message={error} />
      {!entries && !error && <Spinner label={t('audit.loading')} />}
      {entries && entries.length > 0 && (
        <Table
          caption={t('audit.caption')}
          columns={[t('audit.when'), t('audit.who'), t('audit.what'), t('audit.outcome'), t('audit.where')]}
        >
          {entries.map((entry) => {
            const actor = actorOf(entry, keys, t);
            return (
              <tr key={entry.id}>
                <td data-label={t('audit.when')}>
                  <time datetime={entry.at}>{callTime(locale, entry.at)}</time>
                </td>
                <td data-label={t('audit.who')}>
                  <div>
                    {actor.name}
                    {actor.via && <div class="secondary">{actor.via}</div>}
                  </div>
                </td>
                <td data-label={t('audit.what')}>
                  <div>
                    {actionLabel(entry, t)}
                    {entry.targetKeyId && (
                      <div class="secondary">{t('audit.target', { id: keyLabel(keys, entry.targetKeyId) })}</div>
                    )}
                  </div>
                </td>
                <td data-label={t('audit.outcome')} class={entry.outcome === 'succeeded' ? 'status-ok' : 'status-fail'}>
                  {entry.outcome === 'succeeded'
                    ? t('audit.outcome.succeeded')
                    : entry.errorCode
                      ? t('audit.outcome.failedWith', { code: entry.errorCode })
                      : t('audit.outcome.failed')}
                </td>
                <td data-label={t('audit.where')}>
                  <div>
                    {entry.sourceIp}
                    {entry.userAgent && (
                      <div class="secondary" title={t('audit.userAgent')}>
                        {entry.userAgent}
                      </div>
                    )}
                  </div>
                </td>
              </tr>
            );
          })}
        </Table>
      )}
      {entries && (
        <p role="status" class="pager-state">
          {nextCursor === null ? (entries.length === 0 ? t('audit.none') : t('audit.end')) : ''}
        </p>
      )}
      <Pager
        hasMore={nextCursor !== null}
        loading={loading}
        onMore={() => load(nextCursor ?? undefined, entries ?? [])}
      />
    </section>
  );
}
