import { useId } from 'preact/hooks';
import { useConsole } from '../../app/context';

export type AccountsChoice = { mode: 'all' } | { mode: 'some'; ids: string[] } | { mode: 'one'; id: string };

/** The `accounts` the API takes. */
export function accountsOf(choice: AccountsChoice): '*' | string[] {
  if (choice.mode === 'all') return '*';
  return choice.mode === 'some' ? choice.ids : choice.id ? [choice.id] : [];
}

/**
 * All, some or one of the organization's sub-accounts, within the signed-in person's own: a person
 * limited to some sub-accounts is not offered "all", which the API would refuse.
 */
export function AccountsPicker({ value, onChange }: { value: AccountsChoice; onChange: (c: AccountsChoice) => void }) {
  const { t, organization, me } = useConsole();
  const name = useId();
  const selectId = useId();
  const reachable = organization.accounts.filter((account) => me.accounts === '*' || me.accounts.includes(account.id));
  const first = reachable[0]?.id ?? '';
  const modes = [...(me.accounts === '*' ? (['all'] as const) : []), 'some', 'one'] as const;
  const select = (mode: AccountsChoice['mode']) =>
    onChange(mode === 'all' ? { mode } : mode === 'some' ? { mode, ids: [] } : { mode, id: first });
  return (
    <fieldset class="accounts">
      <legend>{t('keys.accounts')}</legend>
      {modes.map((mode) => (
        <label class="choice" key={mode}>
          <input type="radio" name={name} checked={value.mode === mode} onChange={() => select(mode)} />
          <span>{t(`keys.accounts.${mode}`)}</span>
        </label>
      ))}
      {value.mode !== 'all' && reachable.length === 0 && <p class="field-hint">{t('keys.accounts.none')}</p>}
      {value.mode === 'some' && reachable.length > 0 && (
        <fieldset>
          <legend>{t('keys.accounts.some')}</legend>
          {reachable.map((account) => (
            <label class="choice" key={account.id}>
              <input
                type="checkbox"
                checked={value.ids.includes(account.id)}
                onChange={(event) => {
                  const on = (event.target as HTMLInputElement).checked;
                  onChange({
                    mode: 'some',
                    ids: on ? [...value.ids, account.id] : value.ids.filter((id) => id !== account.id),
                  });
                }}
              />
              <span>
                {account.name} <code>{account.id}</code>
              </span>
            </label>
          ))}
        </fieldset>
      )}
      {value.mode === 'one' && reachable.length > 0 && (
        <div class="field">
          <label for={selectId}>{t('keys.accounts.pick')}</label>
          <select
            id={selectId}
            value={value.id}
            onChange={(event) => onChange({ mode: 'one', id: (event.target as HTMLSelectElement).value })}
          >
            {reachable.map((account) => (
              <option key={account.id} value={account.id}>
                {account.name} ({account.id})
              </option>
            ))}
          </select>
        </div>
      )}
    </fieldset>
  );
}
