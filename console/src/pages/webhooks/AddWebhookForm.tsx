import { useEffect, useId, useState } from 'preact/hooks';
import { useConsole } from '../../app/context';
import { Button, errorMessage, Field, Spinner } from '../../ui';
import type { CatalogEntry, EndpointWithSecret } from './types';

/** The URL, an optional description and the events to receive, chosen from the catalog. */
export function AddWebhookForm({ onCreated }: { onCreated: (endpoint: EndpointWithSecret) => void }) {
  const { api, t } = useConsole();
  const headingId = useId();
  const [catalog, setCatalog] = useState<CatalogEntry[] | null>(null);
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [events, setEvents] = useState<string[]>([]);
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let current = true;
    api
      .GET('/v1/webhook-event-types')
      .then((answer) => current && setCatalog(answer.items))
      .catch((error) => current && setProblem(errorMessage(error)));
    return () => {
      current = false;
    };
  }, [api]);

  const toggle = (type: string, on: boolean) =>
    setEvents((chosen) => (on ? [...chosen, type] : chosen.filter((item) => item !== type)));

  const submit = async (event: Event) => {
    event.preventDefault();
    if (events.length === 0) {
      setProblem(t('webhooks.chooseEvent'));
      return;
    }
    setBusy(true);
    setProblem(undefined);
    try {
      const created = await api.POST('/v1/webhooks', {
        body: { url: url.trim(), events, ...(description.trim() ? { description: description.trim() } : {}) },
      });
      setUrl('');
      setDescription('');
      setEvents([]);
      onCreated(created);
    } catch (error) {
      setProblem(errorMessage(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby={headingId}>
      <h2 id={headingId}>{t('webhooks.add')}</h2>
      <form onSubmit={submit} noValidate>
        <Field label={t('webhooks.url')} hint={t('webhooks.urlHint')}>
          <input
            type="url"
            name="url"
            required
            value={url}
            autoComplete="off"
            placeholder="https://hooks.example.com/api-keys"
            onInput={(event) => setUrl(event.currentTarget.value)}
          />
        </Field>
        <Field label={t('webhooks.description')} hint={t('webhooks.descriptionHint')}>
          <input
            type="text"
            name="description"
            maxLength={500}
            value={description}
            onInput={(event) => setDescription(event.currentTarget.value)}
          />
        </Field>
        <fieldset class="event-choices">
          <legend>{t('webhooks.events')}</legend>
          <p class="field-hint">{t('webhooks.eventsHint')}</p>
          {catalog === null && !problem && <Spinner />}
          {catalog?.map((entry) => (
            <EventChoice
              key={entry.type}
              entry={entry}
              checked={events.includes(entry.type)}
              onChange={(on) => toggle(entry.type, on)}
            />
          ))}
        </fieldset>
        {problem && (
          <p class="field-error" role="alert">
            {problem}
          </p>
        )}
        <Button type="submit" variant="primary" disabled={busy} aria-busy={busy ? 'true' : undefined}>
          {t('webhooks.addSubmit')}
        </Button>
      </form>
    </section>
  );
}

function EventChoice({
  entry,
  checked,
  onChange,
}: {
  entry: CatalogEntry;
  checked: boolean;
  onChange: (on: boolean) => void;
}) {
  const { t } = useConsole();
  const id = useId();
  return (
    <div class="event-choice">
      <input
        type="checkbox"
        id={id}
        value={entry.type}
        checked={checked}
        aria-describedby={`${id}-description`}
        onChange={(event) => onChange(event.currentTarget.checked)}
      />
      <label for={id}>
        <code>{entry.type}</code>
      </label>
      <p class="field-hint" id={`${id}-description`}>
        {entry.description}
      </p>
      <details>
        <summary>
          {t('webhooks.example')}
          <span class="visually-hidden">: {entry.type}</span>
        </summary>
        <pre>{JSON.stringify(entry.example, null, 2)}</pre>
      </details>
    </div>
  );
}
