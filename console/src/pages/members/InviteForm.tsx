import { useState } from 'preact/hooks';
import { useConsole } from '../../app/context';
import { Field, FormFooter, useSubmit } from '../../ui';
import { accountsOf } from '../keys/AccountsPicker';
import { type PermissionCatalog, permissionsOf } from '../keys/permissions';
import { type MemberRights, MemberRightsFields } from './MemberRightsFields';
import type { Member } from './roles';

/** Invites a person by email with a role, sub-accounts and, for a member, permissions; the API sends the email. */
export function InviteForm({
  catalog,
  initialRights,
  onInvited,
}: {
  catalog: PermissionCatalog;
  initialRights: MemberRights;
  onInvited: (member: Member) => void;
}) {
  const { api, t, notify } = useConsole();
  const [email, setEmail] = useState('');
  const [rights, setRights] = useState<MemberRights>(initialRights);

  const { busy, error, submit } = useSubmit(async () => {
    const member = await api.POST('/v1/members', {
      body: {
        email: email.trim(),
        role: rights.role,
        accounts: accountsOf(rights.accounts),
        ...(rights.role === 'member' && { permissions: permissionsOf(rights.permissions, catalog) }),
      },
    });
    notify(t('members.invite.done', { email: member.email }), 'ok');
    setEmail('');
    setRights(initialRights);
    onInvited(member);
  });

  return (
    <section aria-labelledby="members-invite-title">
      <h2 id="members-invite-title">{t('members.invite.title')}</h2>
      <form class="form" onSubmit={submit} noValidate>
        <Field label={t('members.field.email')} hint={t('members.field.email.hint')}>
          <input
            type="email"
            autocomplete="off"
            required
            value={email}
            onInput={(event) => setEmail((event.target as HTMLInputElement).value)}
          />
        </Field>
        <MemberRightsFields value={rights} onChange={setRights} catalog={catalog} />
        <FormFooter error={error} busy={busy} submitLabel={t('members.invite.submit')} />
      </form>
    </section>
  );
}
