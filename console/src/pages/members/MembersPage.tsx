import { useEffect, useRef, useState } from 'preact/hooks';
import { type PageProps, useConsole } from '../../app/context';
import { formatDate } from '../../app/i18n';
import { Button, ConfirmDialog, EmptyState, ErrorNotice, errorMessage, Spinner, Table } from '../../ui';
import { permissionCatalog } from '../keys/catalog';
import { ConsoleLinkForm } from './ConsoleLinkForm';
import { EditMemberForm } from './EditMemberForm';
import { InviteForm } from './InviteForm';
import type { MemberRights } from './MemberRightsFields';
import { accountNames, type Member } from './roles';
import { SessionsSection } from './SessionsSection';

type Panel = { kind: 'edit'; member: Member } | { kind: 'link'; member: Member } | undefined;

/**
 * The organization's people (owners and admins only; the nav hides it from others and the API
 * refuses them): invite, change role and sub-accounts, remove, and sign a member in by a console link.
 */
export function MembersPage(_props: PageProps) {
  const { api, t, locale, me, organization, canWrite, notify } = useConsole();
  const catalog = permissionCatalog(me.permissions);
  const [members, setMembers] = useState<Member[] | undefined>(undefined);
  const [error, setError] = useState('');
  const [panel, setPanel] = useState<Panel>(undefined);
  const [removing, setRemoving] = useState<Member | undefined>(undefined);
  const [sessionsVersion, setSessionsVersion] = useState(0);
  const title = useRef<HTMLHeadingElement>(null);
  // A closed panel or a removed row takes the focused control with it: keyboard users resume at the title.
  const closePanel = () => {
    setPanel(undefined);
    title.current?.focus();
  };

  const load = async () => {
    try {
      setMembers((await api.GET('/v1/members')).items);
    } catch (caught) {
      setError(errorMessage(caught));
      setMembers([]);
    }
  };
  useEffect(() => {
    void load();
  }, []);

  const remove = async (member: Member) => {
    setRemoving(undefined);
    setError('');
    try {
      await api.DELETE('/v1/members/{id}', { params: { path: { id: member.id } } });
      setMembers((shown) => shown?.filter((item) => item.id !== member.id));
      closePanel();
      notify(t('members.remove.done', { email: member.email }), 'ok');
    } catch (caught) {
      // The last owner's refusal, among others: the API's own message says why, in the page's alert.
      setError(errorMessage(caught));
    }
  };

  const firstLevel = Object.entries(catalog.levels).find(([, level]) => !level.permissions.includes('admin'))?.[0];
  const initialRights: MemberRights = {
    role: 'member',
    accounts: me.accounts === '*' ? { mode: 'all' } : { mode: 'some', ids: [] },
    permissions: firstLevel ? { kind: 'level', level: firstLevel } : { kind: 'custom', presets: [], scopes: {} },
  };
  const columns = [
    t('members.col.email'),
    t('members.col.role'),
    t('members.col.accounts'),
    t('members.col.status'),
    t('members.col.joined'),
    ...(canWrite ? [t('members.col.actions')] : []),
  ];

  return (
    <section class="members-page" aria-labelledby="members-title">
      <div class="page-header">
        <h1 id="members-title" ref={title} tabIndex={-1}>
          {t('members.title')}
        </h1>
      </div>
      <p>{t('members.intro', { organization: organization.name })}</p>
      <ErrorNotice message={error} />
      {panel?.kind === 'edit' && (
        <EditMemberForm
          key={panel.member.id}
          member={panel.member}
          catalog={catalog}
          onSaved={(changed) => {
            setMembers((shown) => shown?.map((item) => (item.id === changed.id ? changed : item)));
            closePanel();
          }}
          onClose={closePanel}
        />
      )}
      {panel?.kind === 'link' && (
        <ConsoleLinkForm
          key={panel.member.id}
          member={panel.member}
          onCreated={() => setSessionsVersion((version) => version + 1)}
          onClose={closePanel}
        />
      )}
      {members === undefined ? (
        <Spinner />
      ) : members.length === 0 ? (
        <EmptyState title={t('members.empty')} />
      ) : (
        <Table caption={t('members.caption')} columns={columns}>
          {members.map((member) => (
            <tr key={member.id}>
              <td data-label={columns[0]}>
                <span>
                  {member.email}
                  {member.id === me.memberId && ` ${t('members.you')}`}
                </span>
              </td>
              <td data-label={columns[1]}>{t(`members.role.${member.role}`)}</td>
              <td data-label={columns[2]}>
                {member.accounts === '*'
                  ? t('members.accounts.all')
                  : accountNames(member.accounts, organization.accounts).join(', ')}
              </td>
              <td data-label={columns[3]}>
                <span class={`badge ${member.status === 'active' ? 'badge-ok' : 'badge-warn'}`}>
                  {t(`members.status.${member.status}`)}
                </span>
              </td>
              <td data-label={columns[4]}>
                {member.joinedAt ? formatDate(locale, member.joinedAt) : t('members.notJoined')}
              </td>
              {canWrite && (
                <td data-label={columns[5]}>
                  <div class="actions">
                    <Button
                      aria-label={t('members.edit.label', { email: member.email })}
                      onClick={() => setPanel({ kind: 'edit', member })}
                    >
                      {t('members.edit')}
                    </Button>
                    <Button
                      aria-label={t('members.link.label', { email: member.email })}
                      onClick={() => setPanel({ kind: 'link', member })}
                    >
                      {t('members.link')}
                    </Button>
                    <Button
                      variant="danger"
                      aria-label={t('members.remove.label', { email: member.email })}
                      onClick={() => setRemoving(member)}
                    >
                      {t('members.remove')}
                    </Button>
                  </div>
                </td>
              )}
            </tr>
          ))}
        </Table>
      )}
      {canWrite && (
        <InviteForm
          catalog={catalog}
          initialRights={initialRights}
          onInvited={(member) => setMembers((shown) => [...(shown ?? []), member])}
        />
      )}
      <SessionsSection members={members ?? []} reloadKey={sessionsVersion} />
      {removing && (
        <ConfirmDialog
          title={t('members.remove.title', { email: removing.email })}
          body={t('members.remove.body')}
          confirmLabel={t('members.remove')}
          danger
          onConfirm={() => void remove(removing)}
          onCancel={() => setRemoving(undefined)}
        />
      )}
    </section>
  );
}
