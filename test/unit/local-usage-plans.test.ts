import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import fc from 'fast-check';
import { startLocalGateway } from '../../local/gateway/gateway';
import { type QuotaPeriod, quotaPeriodStart } from '../../local/gateway/quota-period';
import { LocalUsagePlans } from '../../local/gateway/usage-plans';
import { aTestApi, usingApi } from '../support/test-api';

const DAY_MS = 86_400_000;
const at = (iso: string) => Date.parse(iso);

/** A gateway API key in the usage plan of `plan`, through the control plane as the platform adds it. */
function aKeyInPlan(usagePlans: LocalUsagePlans, plan: string): string {
  const created = usagePlans.handle('POST', '/apikeys', { name: 'org-1', enabled: true });
  const key = created?.body as { id: string; value: string };
  usagePlans.handle('POST', `/usageplans/${plan}/keys`, { keyId: key.id });
  return key.value;
}

describe('quotaPeriodStart', () => {
  const periods: QuotaPeriod[] = ['DAY', 'WEEK', 'MONTH'];
  const instants = fc.integer({ min: at('2000-01-01T00:00:00Z'), max: at('2100-01-01T00:00:00Z') });

  it('starts each period at 00:00 UTC, weeks on Sunday and months on the 1st, at or before the instant', () => {
    fc.assert(
      fc.property(instants, fc.constantFrom(...periods), (instant, period) => {
        const start = new Date(quotaPeriodStart(instant, period));
        expect(start.getTime()).toBeLessThanOrEqual(instant);
        expect(start.getTime() % DAY_MS).toBe(0);
        if (period === 'DAY') expect(instant - start.getTime()).toBeLessThan(DAY_MS);
        if (period === 'WEEK') {
          expect(start.getUTCDay()).toBe(0);
          expect(instant - start.getTime()).toBeLessThan(7 * DAY_MS);
        }
        if (period === 'MONTH') {
          expect(start.getUTCDate()).toBe(1);
          expect(start.getUTCMonth()).toBe(new Date(instant).getUTCMonth());
        }
      }),
    );
  });

  it('puts the last millisecond of a period and the first of the next in different periods', () => {
    expect(quotaPeriodStart(at('2026-11-30T23:59:59.999Z'), 'MONTH')).toBe(at('2026-11-01T00:00:00Z'));
    expect(quotaPeriodStart(at('2026-12-01T00:00:00Z'), 'MONTH')).toBe(at('2026-12-01T00:00:00Z'));
    // 2026-12-05 is a Saturday, 2026-12-06 a Sunday.
    expect(quotaPeriodStart(at('2026-12-05T23:59:59.999Z'), 'WEEK')).toBe(at('2026-11-29T00:00:00Z'));
    expect(quotaPeriodStart(at('2026-12-06T00:00:00Z'), 'WEEK')).toBe(at('2026-12-06T00:00:00Z'));
  });
});

describe('LocalUsagePlans with a quota', () => {
  // basic: 3 requests a day (aTestApi), stages live and sandbox.
  usingApi(aTestApi({ plans: { basic: { requestsPerMinute: 600, quota: { limit: 3, period: 'DAY' } } } }));
  const newUsagePlans = (clock: { now: number }) => new LocalUsagePlans('api1', undefined, () => clock.now);

  it('answers quota-exceeded past the limit, counting the live and sandbox stages together', () => {
    const clock = { now: at('2026-12-01T10:00:00Z') };
    const usagePlans = newUsagePlans(clock);
    const key = aKeyInPlan(usagePlans, 'basic');

    const decisions = ['live', 'sandbox', 'live', 'sandbox'].map((stage) => usagePlans.take(key, stage));

    expect(decisions).toEqual(['allowed', 'allowed', 'allowed', 'quota-exceeded']);
  });

  it('counts per API key', () => {
    const usagePlans = newUsagePlans({ now: at('2026-12-01T10:00:00Z') });
    const used = aKeyInPlan(usagePlans, 'basic');
    const other = aKeyInPlan(usagePlans, 'basic');
    for (let call = 0; call < 3; call++) usagePlans.take(used, 'live');

    expect(usagePlans.take(other, 'live')).toBe('allowed');
  });

  it('starts counting again at 00:00 UTC', () => {
    const clock = { now: at('2026-12-01T23:59:00Z') };
    const usagePlans = newUsagePlans(clock);
    const key = aKeyInPlan(usagePlans, 'basic');
    for (let call = 0; call < 3; call++) usagePlans.take(key, 'live');

    clock.now = at('2026-12-02T00:00:00Z');

    expect(usagePlans.take(key, 'live')).toBe('allowed');
  });

  it('does not count throttled requests against the quota', () => {
    const clock = { now: at('2026-12-01T10:00:00Z') };
    const usagePlans = new LocalUsagePlans('api1', undefined, () => clock.now);
    const created = usagePlans.handle('POST', '/usageplans', {
      name: 'tight',
      throttle: { rateLimit: 1, burstLimit: 1 },
      quota: { limit: 2, period: 'DAY' },
      apiStages: [{ apiId: 'api1', stage: 'live' }],
    });
    const key = aKeyInPlan(usagePlans, (created?.body as { id: string }).id);

    const sameSecond = [usagePlans.take(key, 'live'), usagePlans.take(key, 'live')];
    clock.now += 1000;
    const nextSecond = usagePlans.take(key, 'live');

    expect(sameSecond).toEqual(['allowed', 'throttled']);
    expect(nextSecond).toBe('allowed');
    expect(usagePlans.take(key, 'live')).toBe('quota-exceeded');
  });
});

describe('the local gateway with a quota', () => {
  usingApi(aTestApi({ plans: { basic: { requestsPerMinute: 600, quota: { limit: 2, period: 'MONTH' } } } }));

  it('answers 429 quota_exceeded once the key has used its quota for the month', async () => {
    const allowTheKey = async (): Promise<APIGatewayAuthorizerResult> => ({
      principalId: 'key_1',
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: ['arn:aws:execute-api:*'] }],
      },
      usageIdentifierKey: key,
    });
    const keyAuthorizer = jest.fn(allowTheKey);
    const gateway = await startLocalGateway({
      port: 0,
      restApiId: 'api1',
      cacheTtlSeconds: 0,
      identitySources: [],
      now: () => at('2026-12-01T10:00:00Z'),
      authorizer: keyAuthorizer,
      // GET /v1/whoami is a management route: its own authorizer, never the key authorizer.
      managementAuthorizer: allowTheKey,
      handlerOf: async () => async () => ({ statusCode: 200, body: '{}' }),
    });
    const key = aKeyInPlan(gateway.usagePlans, 'basic');
    try {
      const statuses: number[] = [];
      let last: Response | undefined;
      for (let call = 0; call < 3; call++) {
        last = await fetch(`${gateway.url}/live/v1/whoami`);
        statuses.push(last.status);
      }

      expect(statuses).toEqual([200, 200, 429]);
      expect(await last?.json()).toMatchObject({ error: { code: 'quota_exceeded' } });
      expect(last?.headers.get('x-amzn-errortype')).toBe('QUOTA_EXCEEDED');
      expect(keyAuthorizer).not.toHaveBeenCalled();
    } finally {
      await gateway.close();
    }
  });
});

describe('the local gateway options', () => {
  it('require the management authorizer: management routes never fall back to the key authorizer', () => {
    const authorizer = async (): Promise<APIGatewayAuthorizerResult> => ({
      principalId: 'x',
      policyDocument: { Version: '2012-10-17', Statement: [] },
    });
    // @ts-expect-error managementAuthorizer is required (tsc fails here if it becomes optional again)
    const options: Parameters<typeof startLocalGateway>[0] = {
      port: 0,
      restApiId: 'api1',
      cacheTtlSeconds: 0,
      identitySources: [],
      authorizer,
      handlerOf: async () => async () => ({ statusCode: 200, body: '{}' }),
    };

    expect(options).not.toHaveProperty('managementAuthorizer');
  });
});
