import { useEffect, useState } from 'preact/hooks';
import type { components } from '../../../../sdk/src/schema';
import { type PageProps, useConsole } from '../../app/context';
import { formatNumber } from '../../app/i18n';
import { BarChart, ErrorNotice, errorMessage, Spinner, Table } from '../../ui';
import { AnomalyList } from './AnomalyList';
import { keyLabel } from './key-label';
import { useKeyNames } from './key-names';
import { dayLabel, type Granularity, periodLabel, usageRange } from './usage-range';

type UsageReport = components['schemas']['UsageReport'];
const GRANULARITIES: Granularity[] = ['day', 'week', 'month'];

/** Requests per day, week or month; success against failure; credits; by endpoint; anomalies. */
export function UsagePage({ params }: PageProps) {
  const { api, environment, locale, t } = useConsole();
  const keys = useKeyNames();
  const [granularity, setGranularity] = useState<Granularity>('day');
  const [keyId, setKeyId] = useState(params.key ?? '');
  const [report, setReport] = useState<UsageReport>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    let current = true;
    setReport(undefined);
    setError(undefined);
    const query = { ...usageRange(granularity, Date.now()), granularity, ...(keyId && { keyId }) };
    api
      .GET('/v1/usage', { params: { query } })
      .then((answer) => current && setReport(answer))
      .catch((failure) => current && setError(errorMessage(failure)));
    return () => {
      current = false;
    };
  }, [api, environment, granularity, keyId]);

  const number = (value: number) => formatNumber(locale, value);
  return (
    <section class="page usage-page" aria-labelledby="usage-title">
      <h1 id="usage-title">{t('usage.title')}</h1>
      <p class="page-intro">{t('usage.intro')}</p>
      <form class="filters" aria-label={t('usage.filters')} onSubmit={(event) => event.preventDefault()}>
        <fieldset class="segmented">
          <legend>{t('usage.granularity')}</legend>
          {GRANULARITIES.map((choice) => (
            <label key={choice}>
              <input
                type="radio"
                name="granularity"
                value={choice}
                checked={granularity === choice}
                onChange={() => setGranularity(choice)}
              />
              {t(`usage.granularity.${choice}`)}
            </label>
          ))}
        </fieldset>
        <div class="field">
          <label for="usage-key">{t('usage.key')}</label>
          <select id="usage-key" value={keyId} onChange={(event) => setKeyId(event.currentTarget.value)}>
            <option value="">{t('usage.key.all')}</option>
            {keyId && !keys.some((key) => key.id === keyId) && <option value={keyId}>{keyId}</option>}
            {keys.map((key) => (
              <option key={key.id} value={key.id}>
                {keyLabel(keys, key.id)}
              </option>
            ))}
          </select>
        </div>
      </form>
      <ErrorNotice message={error} />
      {!report && !error && <Spinner label={t('usage.loading')} />}
      {report && (
        <>
          <p class="usage-range">
            {t('usage.range', { from: dayLabel(locale, report.from), to: dayLabel(locale, report.to) })}
          </p>
          <h2>{t('usage.totals')}</h2>
          <dl class="totals">
            <div>
              <dt>{t('usage.requests')}</dt>
              <dd>{number(report.totals.requests)}</dd>
            </div>
            <div>
              <dt>{t('usage.succeeded')}</dt>
              <dd>{number(report.totals.succeeded)}</dd>
            </div>
            <div>
              <dt>{t('usage.failed')}</dt>
              <dd>{number(report.totals.failed)}</dd>
            </div>
            <div>
              <dt>{t('usage.credits')}</dt>
              <dd>{number(report.totals.credits)}</dd>
            </div>
          </dl>
          <div class="charts">
            <BarChart
              title={t(`usage.chart.${granularity}`)}
              series={report.series.map((entry) => ({
                label: periodLabel(locale, granularity, entry.period),
                value: entry.requests,
              }))}
            />
            <BarChart
              title={t(`usage.chart.outcome.${granularity}`)}
              series={report.series.flatMap((entry) => {
                const label = periodLabel(locale, granularity, entry.period);
                return [
                  { label, value: entry.succeeded, kind: 'ok' as const },
                  { label, value: entry.failed, kind: 'fail' as const },
                ];
              })}
            />
            <BarChart
              title={t(`usage.chart.credits.${granularity}`)}
              series={report.series.map((entry) => ({
                label: periodLabel(locale, granularity, entry.period),
                value: entry.credits,
              }))}
            />
          </div>
          <h2>{t('usage.byEndpoint')}</h2>
          {report.byEndpoint.length === 0 ? (
            <p>{t('usage.byEndpoint.none')}</p>
          ) : (
            <Table
              caption={t('usage.byEndpoint')}
              columns={[
                t('usage.endpoint'),
                t('usage.requests'),
                t('usage.succeeded'),
                t('usage.failed'),
                t('usage.credits'),
              ]}
            >
              {report.byEndpoint.map((entry) => (
                <tr key={entry.endpoint}>
                  <th scope="row" data-label={t('usage.endpoint')}>
                    <code>{entry.endpoint}</code>
                  </th>
                  <td data-label={t('usage.requests')}>{number(entry.requests)}</td>
                  <td data-label={t('usage.succeeded')}>{number(entry.succeeded)}</td>
                  <td data-label={t('usage.failed')}>{number(entry.failed)}</td>
                  <td data-label={t('usage.credits')}>{number(entry.credits)}</td>
                </tr>
              ))}
            </Table>
          )}
          <h2>{t('usage.anomalies')}</h2>
          <AnomalyList anomalies={report.anomalies} keys={keys} />
        </>
      )}
    </section>
  );
}
