import type { components } from '../../../../sdk/src/schema';
import { useConsole } from '../../app/context';
import { formatNumber } from '../../app/i18n';
import { type KeyName, keyLabel } from './key-label';

type Anomaly = components['schemas']['UsageReport']['anomalies'][number];

/** The days a key made far more calls than its 7-day average (checked hourly by the platform). */
export function AnomalyList({ anomalies, keys }: { anomalies: Anomaly[]; keys: KeyName[] }) {
  const { locale, t } = useConsole();
  if (anomalies.length === 0) return <p>{t('usage.anomalies.none')}</p>;
  const number = (value: number) => formatNumber(locale, Math.round(value * 10) / 10);
  return (
    <ul class="anomalies">
      {anomalies.map((anomaly) => {
        const params = {
          key: keyLabel(keys, anomaly.keyId),
          requests: number(anomaly.requests),
          day: anomaly.day,
          average: number(anomaly.sevenDayAverage),
          factor: anomaly.factor === null ? '' : number(anomaly.factor),
        };
        return (
          <li key={`${anomaly.keyId}-${anomaly.day}`} class="notice notice-warn">
            {t(anomaly.factor === null ? 'usage.anomaly.noAverage' : 'usage.anomaly', params)}
          </li>
        );
      })}
    </ul>
  );
}
