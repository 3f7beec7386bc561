/** Usage statistics and the organization's in-app notifications (functions/usage/, functions/notifications/). */
import { z } from 'zod';
import { KEY_ID_PATTERN } from '../../domain/keys/key-token';
import { isDay } from '../../domain/usage/days';
import { USAGE_GRANULARITIES, USAGE_WINDOW_SECONDS } from '../usage';
import { answer, environment, listRoute, timestamp } from './common';
import type { RouteKey, RouteSchemas } from './route-schemas';

const DAY_MESSAGE = 'must be a date as YYYY-MM-DD from 2000 to 2999, such as 2026-03-01';
const day = z
  .string({ error: DAY_MESSAGE })
  .refine((value) => isDay(value) && value >= '2000-01-01' && value <= '2999-12-31', DAY_MESSAGE);

export const usageQueryInput = z.object({
  from: day.optional().describe('First day, YYYY-MM-DD (UTC); defaults to 30 days before `to`.'),
  to: day.optional().describe('Last day, YYYY-MM-DD (UTC); defaults to today.'),
  granularity: z
    .enum(USAGE_GRANULARITIES, { error: "must be 'day', 'week' or 'month'" })
    .default('day')
    .describe('The period of each entry of `series`.'),
  keyId: z
    .string()
    .regex(KEY_ID_PATTERN, 'must look like key_ followed by 16 letters or digits (see GET /v1/keys)')
    .optional()
    .describe("One key's usage instead of the organization's."),
});
export type UsageQuery = z.output<typeof usageQueryInput>;

const count = z.int().min(0);
const outcome = {
  requests: count,
  succeeded: count.describe('Answers below 400.'),
  failed: count,
  credits: z.number().min(0).describe('Credits consumed.'),
};
const byStatus = z.record(z.string(), count).describe('Requests by HTTP status, such as {"200": 41, "429": 2}.');

/** domain/usage/usage-report.ts `UsageReport`. */
export const usageReportSchema = z
  .object({
    from: z.iso.date(),
    to: z.iso.date(),
    granularity: z.enum(USAGE_GRANULARITIES),
    keyId: z.string().nullable().describe('The key asked for, or null for the whole organization.'),
    totals: z.object({ ...outcome, byStatus }),
    series: z
      .array(z.object({ period: z.string().describe('The day, week (its Monday) or month.'), ...outcome }))
      .describe('One entry per period of the range, empty periods included.'),
    byEndpoint: z
      .array(z.object({ endpoint: z.string().describe('METHOD /path of the route.'), ...outcome, byStatus }))
      .describe('By route, busiest first.'),
    anomaly: z
      .boolean()
      .describe(
        'True when some key (or the key asked for) is anomalous today. Checked hourly, a few minutes after each hour ends.',
      ),
    anomalies: z.array(
      z.object({
        keyId: z.string(),
        day: z.iso.date(),
        requests: count,
        sevenDayAverage: z.number(),
        factor: z.number().nullable().describe("How many times the average today's requests are; null when it is 0."),
      }),
    ),
  })
  .describe(
    `Usage in the calling key's environment over a range of days. Counts include a call one usage window (${USAGE_WINDOW_SECONDS} s) plus delivery, about 1-2 minutes, after it was made.`,
  )
  .meta({ id: 'UsageReport', examples: [usageReportExample()] });

/** Three days of a small organization's traffic; every total is the sum of its parts. */
function usageReportExample() {
  const period = (day: string, requests: number, failed: number, credits: number) => ({
    period: day,
    requests,
    succeeded: requests - failed,
    failed,
    credits,
  });
  return {
    from: '2026-11-21',
    to: '2026-11-23',
    granularity: 'day',
    keyId: null,
    totals: {
      requests: 3630,
      succeeded: 3587,
      failed: 43,
      credits: 967,
      byStatus: { '200': 2620, '201': 967, '404': 21, '429': 22 },
    },
    series: [
      period('2026-11-21', 1200, 20, 310),
      period('2026-11-22', 1450, 18, 402),
      period('2026-11-23', 980, 5, 255),
    ],
    byEndpoint: [
      {
        endpoint: 'GET /v1/orders',
        requests: 2650,
        succeeded: 2620,
        failed: 30,
        credits: 0,
        byStatus: { '200': 2620, '404': 12, '429': 18 },
      },
      {
        endpoint: 'POST /v1/orders',
        requests: 980,
        succeeded: 967,
        failed: 13,
        credits: 967,
        byStatus: { '201': 967, '404': 9, '429': 4 },
      },
    ],
    anomaly: false,
    anomalies: [],
  };
}

const notificationBase = {
  id: z.string(),
  organizationId: z.string(),
  environment,
  title: z.string(),
  message: z.string(),
  createdAt: timestamp,
  read: z.boolean(),
  readAt: timestamp.nullable(),
};

/**
 * functions/notifications/list.ts `notificationView` of domain/reminders `Notification`: the stored
 * item's attributes, so open to attributes written by other versions.
 */
export const notificationSchema = z
  .discriminatedUnion('type', [
    z.looseObject({
      ...notificationBase,
      type: z.literal('api_key.rotation_due'),
      keyId: z.string(),
      keyName: z.string(),
      last8: z.string(),
      stage: z.int(),
    }),
    z.looseObject({
      ...notificationBase,
      type: z.literal('webhook.disabled'),
      webhookId: z.string(),
      url: z.string(),
      reason: z.string(),
    }),
    z.looseObject({
      ...notificationBase,
      type: z.literal('api_key.leaked'),
      keyId: z.string(),
      keyName: z.string(),
      last8: z.string(),
      url: z.string(),
      action: z.enum(['revoked', 'deactivated']),
    }),
  ])
  .describe('An in-app notification: a rotation reminder, a disabled webhook endpoint or a leaked key.')
  .meta({
    id: 'Notification',
    examples: [
      {
        id: 'ntf_4fGh7JkL9mNpQr2s001',
        organizationId: 'org_acme',
        environment: 'live',
        type: 'api_key.rotation_due',
        title: 'API key Billing service (…x7Yz9AbC) should be rotated soon',
        message: 'API key Billing service (…x7Yz9AbC) is 153 days old and should be rotated.',
        createdAt: '2026-11-22T09:30:00.000Z',
        read: false,
        readAt: null,
        keyId: 'key_4fGh7JkL9mNpQr2s',
        keyName: 'Billing service',
        last8: 'x7Yz9AbC',
        stage: 1,
      },
    ],
  });

export const USAGE_ROUTE_SCHEMAS = {
  'GET /v1/usage': {
    query: usageQueryInput,
    responses: { 200: answer('Usage statistics.', usageReportSchema) },
    errors: [400, 404],
  },
  'GET /v1/notifications': listRoute(
    "The organization's notifications of the calling key's environment, newest first.",
    notificationSchema,
    'Notifications, newest first.',
  ),
  'POST /v1/notifications/{id}/read': {
    responses: { 200: answer('The notification, read (a second call keeps the first time).', notificationSchema) },
    errors: [400, 404],
  },
} satisfies Partial<Record<RouteKey, RouteSchemas>>;
