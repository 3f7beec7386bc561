import { useCallback, useState } from 'preact/hooks';
import { useConsole } from '../../app/context';
import { formatDate } from '../../app/i18n';
import { Button, ConfirmDialog, EmptyState, ErrorNotice, errorMessage, Pager, Spinner, Table } from '../../ui';
import { usePagedList } from '../../ui/usePagedList';
import type { ConsoleSession, Member } from './roles';

const PAGE_SIZE = 25;

/** The organization's console sessions that have not expired, newest first, each revocable (confirmed). */
export function SessionsSection({ members, reloadKey }: { members: readonly Member[]; reloadKey: number }) {
  const { api, t, locale, canWrite, notify } = useConsole();
  const [error, setError] = useState('');
  const [revoking, setRevoking] = useState<ConsoleSession | undefined>(undefined);
  const emailOf = (memberId: string) => members.find((member) => member.id === memberId)?.email ?? memberId;
  // reloadKey: a console link just made a session, so the list is read again.
  const fetchPage = useCallback(
    (cursor?: string) =>
      api.GET('/v1/console-sessions', { params: { query: { limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) } } }),
    [api, reloadKey],
  );
  const list = usePagedList<ConsoleSession>(fetchPage);
  const sessions = list.items ?? (list.problem ? [] : undefined);

  const revoke = async (session: ConsoleSession) => {
    setRevoking(undefined);
    setError('');
    try {
      await api.DELETE('/v1/console-sessions/{id}', { params: { path: { id: session.id } } });
      list.reload();
      notify(t('members.sessions.revoke.done'), 'ok');
    } catch (caught) {
      setError(errorMessage(caught));
    }
  };

  const columns = [
    t('members.sessions.col.member'),
    t('members.sessions.col.created'),
    t('members.sessions.col.expires'),
    t('members.sessions.col.access'),
    t('members.sessions.col.signedIn'),
    ...(canWrite ? [t('members.col.actions')] : []),
  ];
  return (
    <section aria-labelledby="members-sessions-title">
      <h2 id="members-sessions-title">{t('members.sessions.title')}</h2>
      <ErrorNotice message={error || list.problem} />
      {sessions === undefined ? (
        <Spinner />
      ) : sessions.length === 0 ? (
        <EmptyState title={t('members.sessions.empty')} />
      ) : (
        <Table caption={t('members.sessions.caption')} columns={columns}>
          {sessions.map((session) => (
            <tr key={session.id}>
              <td data-label={columns[0]}>{emailOf(session.memberId)}</td>
              <td data-label={columns[1]}>{formatDate(locale, session.createdAt)}</td>
              <td data-label={columns[2]}>{formatDate(locale, session.expiresAt)}</td>
              <td data-label={columns[3]}>
                {t(session.readOnly ? 'members.sessions.readOnly' : 'members.sessions.readWrite')}
              </td>
              <td data-label={columns[4]}>{t(session.signedIn ? 'members.sessions.yes' : 'members.sessions.no')}</td>
              {canWrite && (
                <td data-label={columns[5]}>
                  <Button
                    variant="danger"
                    aria-label={t('members.sessions.revoke.label', {
                      email: emailOf(session.memberId),
                      created: formatDate(locale, session.createdAt),
                    })}
                    onClick={() => setRevoking(session)}
                  >
                    {t('members.sessions.revoke')}
                  </Button>
                </td>
              )}
            </tr>
          ))}
        </Table>
      )}
      <Pager hasMore={list.hasMore} loading={list.loading} onMore={list.more} />
      {revoking && (
        <ConfirmDialog
          title={t('members.sessions.revoke.title')}
          body={t('members.sessions.revoke.body', { email: emailOf(revoking.memberId) })}
          confirmLabel={t('members.sessions.revoke')}
          danger
          onConfirm={() => void revoke(revoking)}
          onCancel={() => setRevoking(undefined)}
        />
      )}
    </section>
  );
}
