import { useState } from 'preact/hooks';
import { type PageProps, useConsole } from '../../app/context';
import { Field, FormFooter, useSubmit } from '../../ui';
import { type AccountsChoice, AccountsPicker, accountsOf } from './AccountsPicker';
import { type CreatedApiKey, permissionCatalog } from './catalog';
import { PermissionsPicker } from './PermissionsPicker';
import { type PermissionChoice, permissionsOf } from './permissions';
import { ShownOnceKey } from './ShownOnceKey';

/** Addresses or ranges, one per line (commas work too); empty lines dropped. */
export function allowlistOf(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((entry) => entry.trim())
    .filter(Boolean);
}

/** Creates a key in the environment shown, then shows it once. */
export function NewKeyPage(_props: PageProps) {
  const { api, environment, me, canWrite, t, navigate } = useConsole();
  const catalog = permissionCatalog(me.permissions);
  const firstLevel = Object.keys(catalog.levels)[0];
  const [name, setName] = useState('');
  const [permissions, setPermissions] = useState<PermissionChoice>(
    firstLevel ? { kind: 'level', level: firstLevel } : { kind: 'custom', presets: [], scopes: {} },
  );
  const [accounts, setAccounts] = useState<AccountsChoice>(
    // A person limited to some sub-accounts starts with all of theirs, which the API accepts.
    me.accounts === '*' ? { mode: 'all' } : { mode: 'some', ids: [...me.accounts] },
  );
  const [expiresOn, setExpiresOn] = useState('');
  const [rateLimit, setRateLimit] = useState('');
  const [allowlist, setAllowlist] = useState('');
  const [created, setCreated] = useState<CreatedApiKey | undefined>(undefined);

  if (!canWrite) {
    return (
      <section aria-labelledby="new-key-title">
        <h1 id="new-key-title">{t('keys.new.title')}</h1>
        <p>{t('shell.readOnly')}</p>
        <a href="#/keys">{t('keys.detail.back')}</a>
      </section>
    );
  }
  if (created) {
    return (
      <ShownOnceKey
        title={t('keys.shown.title')}
        plaintext={created.key}
        doneLabel={t('keys.shown.done')}
        onDone={() => navigate(`#/keys/${created.id}`)}
      />
    );
  }

  const { busy, error, submit } = useSubmit(async () => {
    const ipAllowlist = allowlistOf(allowlist);
    const key = await api.POST('/v1/keys', {
      body: {
        name,
        permissions: permissionsOf(permissions, catalog),
        accounts: accountsOf(accounts),
        environment,
        ...(expiresOn ? { expiresAt: `${expiresOn}T00:00:00Z` } : {}),
        ...(rateLimit ? { rateLimitPerMinute: Number(rateLimit) } : {}),
        ...(ipAllowlist.length > 0 ? { ipAllowlist } : {}),
      },
    });
    setCreated(key);
  });

  return (
    <section aria-labelledby="new-key-title">
      <h1 id="new-key-title">{t('keys.new.title')}</h1>
      <p>{t('keys.new.environment', { environment: t(`shell.environment.${environment}`) })}</p>
      <form class="form" onSubmit={submit} noValidate>
        <Field label={t('keys.field.name')} hint={t('keys.field.name.hint')}>
          <input
            type="text"
            required
            maxLength={100}
            value={name}
            onInput={(event) => setName((event.target as HTMLInputElement).value)}
          />
        </Field>
        <PermissionsPicker catalog={catalog} value={permissions} onChange={setPermissions} />
        <AccountsPicker value={accounts} onChange={setAccounts} />
        <Field label={t('keys.field.expiresAt')} hint={t('keys.field.expiresAt.hint')}>
          <input
            type="date"
            value={expiresOn}
            onInput={(event) => setExpiresOn((event.target as HTMLInputElement).value)}
          />
        </Field>
        <Field label={t('keys.field.rateLimit')} hint={t('keys.field.rateLimit.hint')}>
          <input
            type="number"
            min={1}
            max={100000}
            step={1}
            inputMode="numeric"
            value={rateLimit}
            onInput={(event) => setRateLimit((event.target as HTMLInputElement).value)}
          />
        </Field>
        <Field label={t('keys.field.ipAllowlist')} hint={t('keys.field.ipAllowlist.hint')}>
          <textarea
            rows={3}
            value={allowlist}
            onInput={(event) => setAllowlist((event.target as HTMLTextAreaElement).value)}
          />
        </Field>
        <FormFooter error={error} busy={busy} submitLabel={t('keys.submit.create')}>
          <a href="#/keys">{t('keys.cancel')}</a>
        </FormFooter>
      </form>
    </section>
  );
}
