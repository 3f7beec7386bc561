import { useId, useState } from 'preact/hooks';
import { useConsole } from '../../app/context';
import { Button, errorMessage, Field } from '../../ui';
import type { Endpoint } from './types';

/** `datetime-local` as the input shows it: the reader's local time, to the minute. */
function localInputValue(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** Sends every failed delivery since a time again (the API takes up to 500 a call and says if more remain). */
export function RecoverForm({ endpoint, onRecovered }: { endpoint: Endpoint; onRecovered: () => void }) {
  const { api, t, notify } = useConsole();
  const headingId = useId();
  const [since, setSince] = useState(() =>
    localInputValue(endpoint.failingSince ? new Date(endpoint.failingSince) : new Date(Date.now() - 24 * 3600_000)),
  );
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string>();

  const recover = async (event: Event) => {
    event.preventDefault();
    const time = new Date(since);
    setBusy(true);
    setProblem(undefined);
    try {
      const result = await api.POST('/v1/webhooks/{id}/recover', {
        params: { path: { id: endpoint.id } },
        body: { since: time.toISOString() },
      });
      notify(t(result.more ? 'webhooks.recoveredMore' : 'webhooks.recovered', { count: result.recovered }));
      onRecovered();
    } catch (error) {
      setProblem(Number.isNaN(time.getTime()) ? t('webhooks.recoverHint') : errorMessage(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby={headingId}>
      <h2 id={headingId}>{t('webhooks.recover')}</h2>
      <form onSubmit={recover} class="inline-form">
        <Field label={t('webhooks.recoverSince')} hint={t('webhooks.recoverHint')} error={problem}>
          <input
            type="datetime-local"
            value={since}
            required
            onInput={(event) => setSince(event.currentTarget.value)}
          />
        </Field>
        <Button type="submit" disabled={busy} aria-busy={busy ? 'true' : undefined}>
          {t('webhooks.recoverSubmit')}
        </Button>
      </form>
    </section>
  );
}
