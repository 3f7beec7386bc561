import type { Role } from '../../app/context';
import { useConsole } from '../../app/context';
import { Field } from '../../ui';
import { type AccountsChoice, AccountsPicker } from '../keys/AccountsPicker';
import { PermissionsPicker } from '../keys/PermissionsPicker';
import type { PermissionCatalog, PermissionChoice } from '../keys/permissions';
import { grantableRoles } from './roles';

export interface MemberRights {
  role: Role;
  accounts: AccountsChoice;
  permissions: PermissionChoice;
}

/**
 * Role, sub-accounts and, for the role member, permissions: what invite and edit share. A member's
 * permissions never include 'admin', so the admin level is not offered.
 */
export function MemberRightsFields({
  value,
  onChange,
  catalog,
}: {
  value: MemberRights;
  onChange: (rights: MemberRights) => void;
  catalog: PermissionCatalog;
}) {
  const { t, me } = useConsole();
  const roles = grantableRoles(me.role);
  // Editing someone whose role the caller cannot grant (an admin looking at an owner) still shows it.
  const shownRoles = roles.includes(value.role) ? roles : [value.role, ...roles];
  const memberCatalog: PermissionCatalog = {
    ...catalog,
    levels: Object.fromEntries(
      Object.entries(catalog.levels).filter(([, level]) => !level.permissions.includes('admin')),
    ),
  };
  return (
    <>
      <Field label={t('members.field.role')} hint={t(`members.role.${value.role}.hint`)}>
        <select
          value={value.role}
          onChange={(event) => onChange({ ...value, role: (event.target as HTMLSelectElement).value as Role })}
        >
          {shownRoles.map((role) => (
            <option key={role} value={role}>
              {t(`members.role.${role}`)}
            </option>
          ))}
        </select>
      </Field>
      <AccountsPicker value={value.accounts} onChange={(accounts) => onChange({ ...value, accounts })} />
      {value.role === 'member' && (
        <PermissionsPicker
          catalog={memberCatalog}
          value={value.permissions}
          onChange={(permissions) => onChange({ ...value, permissions })}
        />
      )}
    </>
  );
}
