import { useEffect, useRef, useState } from 'preact/hooks';
import { useConsole } from '../../app/context';
import { Button, FormFooter, useSubmit } from '../../ui';
import { accountsOf } from '../keys/AccountsPicker';
import { choiceOf, type PermissionCatalog, permissionsOf } from '../keys/permissions';
import { type MemberRights, MemberRightsFields } from './MemberRightsFields';
import { accountsChoiceOf, type Member } from './roles';

/** Changes a person's role, sub-accounts and (for a member) permissions; the API judges what the caller may grant. */
export function EditMemberForm({
  member,
  catalog,
  onSaved,
  onClose,
}: {
  member: Member;
  catalog: PermissionCatalog;
  onSaved: (member: Member) => void;
  onClose: () => void;
}) {
  const { api, t, notify } = useConsole();
  const [rights, setRights] = useState<MemberRights>({
    role: member.role,
    accounts: accountsChoiceOf(member.accounts),
    permissions: choiceOf(member.permissions, catalog),
  });
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);

  const { busy, error, submit } = useSubmit(async () => {
    const changed = await api.PATCH('/v1/members/{id}', {
      params: { path: { id: member.id } },
      body: {
        // An unchanged role is left out: an admin may change an owner's nothing, but not re-send 'owner'.
        ...(rights.role !== member.role && { role: rights.role }),
        accounts: accountsOf(rights.accounts),
        ...(rights.role === 'member' && { permissions: permissionsOf(rights.permissions, catalog) }),
      },
    });
    notify(t('members.edit.done', { email: changed.email }), 'ok');
    onSaved(changed);
  });

  return (
    <section class="panel" aria-labelledby="members-edit-title">
      <h2 id="members-edit-title" ref={heading} tabIndex={-1}>
        {t('members.edit.title', { email: member.email })}
      </h2>
      <form class="form" onSubmit={submit} noValidate>
        <MemberRightsFields value={rights} onChange={setRights} catalog={catalog} />
        <FormFooter error={error} busy={busy} submitLabel={t('members.edit.save')}>
          <Button onClick={onClose}>{t('ui.cancel')}</Button>
        </FormFooter>
      </form>
    </section>
  );
}
