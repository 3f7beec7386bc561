import { useId, useState } from 'preact/hooks';
import { useConsole } from '../../app/context';
import { Button, errorMessage, Field } from '../../ui';
import type { Endpoint, TestOutcome } from './types';

/** Sends the catalog's example of one of the endpoint's event types now and shows how the receiver answered. */
export function TestSend({ endpoint, onSent }: { endpoint: Endpoint; onSent: () => void }) {
  const { api, t } = useConsole();
  const headingId = useId();
  const [eventType, setEventType] = useState(endpoint.events[0] ?? '');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<TestOutcome | null>(null);
  const [problem, setProblem] = useState<string>();

  const send = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setOutcome(null);
    setProblem(undefined);
    try {
      setOutcome(
        await api.POST('/v1/webhooks/{id}/test', { params: { path: { id: endpoint.id } }, body: { eventType } }),
      );
      onSent();
    } catch (error) {
      setProblem(errorMessage(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby={headingId}>
      <h2 id={headingId}>{t('webhooks.test')}</h2>
      <form onSubmit={send} class="inline-form">
        <Field label={t('webhooks.testEvent')}>
          <select value={eventType} onChange={(event) => setEventType(event.currentTarget.value)}>
            {endpoint.events.map((type) => (
              <option key={type} value={type}>
                {type}
              </option>
            ))}
          </select>
        </Field>
        <Button type="submit" variant="primary" disabled={busy} aria-busy={busy ? 'true' : undefined}>
          {busy ? t('webhooks.testSending') : t('webhooks.testSend')}
        </Button>
      </form>
      <div role="status" aria-live="polite" class="test-outcome">
        {outcome && <OutcomeText outcome={outcome} />}
        {problem && <p class="field-error">{problem}</p>}
      </div>
    </section>
  );
}

function OutcomeText({ outcome }: { outcome: TestOutcome }) {
  const { t } = useConsole();
  const reason =
    outcome.statusCode !== null
      ? t('webhooks.testFailedStatus', { status: outcome.statusCode })
      : (outcome.error ?? t('webhooks.noAnswer'));
  return (
    <>
      <p class={outcome.succeeded ? 'outcome-ok' : 'field-error'}>
        {outcome.succeeded
          ? t('webhooks.testOk', { status: outcome.statusCode ?? '', ms: Math.round(outcome.durationMs) })
          : t('webhooks.testFailed', { reason })}
      </p>
      {outcome.response && (
        <details>
          <summary>{t('webhooks.testResponse')}</summary>
          <pre>{outcome.response}</pre>
        </details>
      )}
    </>
  );
}
