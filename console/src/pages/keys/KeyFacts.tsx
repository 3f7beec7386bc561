import { useConsole } from '../../app/context';
import { formatDate, formatNumber } from '../../app/i18n';
import { StatusBadge } from '../../ui';
import type { ApiKey } from './catalog';
import { PermissionSummary } from './PermissionSummary';
import type { PermissionCatalog } from './permissions';
import { reminderState } from './reminders';

/** What the API says about a key: never its value, only its last 8 characters. */
export function KeyFacts({ apiKey, catalog }: { apiKey: ApiKey; catalog: PermissionCatalog }) {
  const { t, locale, organization } = useConsole();
  const reminder = reminderState(apiKey);
  const accountName = (id: string) => organization.accounts.find((account) => account.id === id)?.name ?? id;
  const rows: [string, preact.ComponentChildren][] = [
    [t('keys.col.status'), <StatusBadge key="status" status={apiKey.status} />],
    [t('keys.col.last8'), <code key="last8">…{apiKey.last8}</code>],
    [t('keys.detail.id'), <code key="id">{apiKey.id}</code>],
    [t('keys.detail.environment'), t(`shell.environment.${apiKey.environment}`)],
    [
      t('keys.col.permissions'),
      <span key="permissions">
        <PermissionSummary permissions={apiKey.permissions} catalog={catalog} /> ({apiKey.permissions.join(', ')})
      </span>,
    ],
    [
      t('keys.accounts'),
      apiKey.accounts === '*' ? t('keys.accounts.all') : apiKey.accounts.map(accountName).join(', '),
    ],
    [t('keys.col.created'), formatDate(locale, apiKey.createdAt)],
    [t('keys.detail.createdBy'), apiKey.createdByEmail ?? apiKey.createdBy],
    [t('keys.col.lastUsed'), apiKey.lastUsedAt ? formatDate(locale, apiKey.lastUsedAt) : t('keys.never')],
    [t('keys.detail.age'), t('keys.detail.ageDays', { days: formatNumber(locale, apiKey.ageDays) })],
    [t('keys.detail.rotationDueAt'), formatDate(locale, apiKey.rotationDueAt)],
    [
      t('keys.detail.reminders'),
      reminder.nextAt === undefined
        ? t('keys.reminder.rotated')
        : reminder.lastStage === null
          ? t('keys.reminder.none', { date: formatDate(locale, reminder.nextAt) })
          : t('keys.reminder.sent', { stage: reminder.lastStage, date: formatDate(locale, reminder.nextAt) }),
    ],
    [t('keys.detail.expiresAt'), apiKey.expiresAt ? formatDate(locale, apiKey.expiresAt) : t('keys.detail.noExpiry')],
    [
      t('keys.detail.rateLimit'),
      apiKey.rateLimitPerMinute === null
        ? t('keys.detail.planLimit')
        : t('keys.detail.rateLimitValue', { count: formatNumber(locale, apiKey.rateLimitPerMinute) }),
    ],
    [t('keys.detail.ipAllowlist'), apiKey.ipAllowlist?.join(', ') || t('keys.detail.anyIp')],
  ];
  if (apiKey.rotatedFromKeyId)
    rows.push([
      t('keys.detail.rotatedFrom'),
      <a key="from" href={`#/keys/${apiKey.rotatedFromKeyId}`}>
        {apiKey.rotatedFromKeyId}
      </a>,
    ]);
  if (apiKey.rotatedToKeyId)
    rows.push([
      t('keys.detail.rotatedTo'),
      <a key="to" href={`#/keys/${apiKey.rotatedToKeyId}`}>
        {apiKey.rotatedToKeyId}
      </a>,
    ]);
  return (
    <dl class="facts">
      {rows.map(([term, value]) => (
        <div class="fact" key={term}>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
