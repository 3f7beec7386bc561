import { useState } from 'preact/hooks';
import { useConsole } from '../../app/context';
import { Field, FormFooter, useSubmit } from '../../ui';
import type { ApiKey } from './catalog';
import { PermissionsPicker } from './PermissionsPicker';
import { choiceOf, type PermissionCatalog, type PermissionChoice, permissionsOf } from './permissions';

/** Name and permissions; the key's value never changes (rotate for a new one). */
export function EditKeyForm({
  apiKey,
  catalog,
  onSaved,
}: {
  apiKey: ApiKey;
  catalog: PermissionCatalog;
  onSaved: (key: ApiKey) => void;
}) {
  const { api, t, notify } = useConsole();
  const [name, setName] = useState(apiKey.name);
  const [permissions, setPermissions] = useState<PermissionChoice>(choiceOf(apiKey.permissions, catalog));

  const {
    busy,
    error,
    submit: save,
  } = useSubmit(async () => {
    const edited = await api.PATCH('/v1/keys/{id}', {
      params: { path: { id: apiKey.id } },
      body: { name, permissions: permissionsOf(permissions, catalog) },
    });
    onSaved(edited);
    notify(t('keys.edit.saved'));
  });

  return (
    <form class="form" onSubmit={save} noValidate aria-labelledby="edit-key-title">
      <h2 id="edit-key-title">{t('keys.edit.title')}</h2>
      <p class="field-hint">{t('keys.edit.valueNote')}</p>
      <Field label={t('keys.field.name')}>
        <input
          type="text"
          required
          maxLength={100}
          value={name}
          onInput={(event) => setName((event.target as HTMLInputElement).value)}
        />
      </Field>
      <PermissionsPicker catalog={catalog} value={permissions} onChange={setPermissions} />
      <FormFooter error={error} busy={busy} submitLabel={t('keys.edit.save')} />
    </form>
  );
}
