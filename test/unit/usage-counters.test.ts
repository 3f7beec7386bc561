/** Aggregation into counters and reading them back: every call counted once, where it belongs. */
import fc from 'fast-check';
import { aggregate, creditsOf, endpointOf, summarize } from '../../functions/domain/usage/counters';
import { addDays, dayCount, eachDay, isDay, periodOf } from '../../functions/domain/usage/days';
import { aCall } from '../support/usage-memory';

const T = Date.parse('2026-03-01T12:00:00.000Z');

describe('aggregate', () => {
  it('counts per key and per organization by endpoint and status, and credits for successes only', () => {
    const updates = aggregate([
      aCall(),
      aCall({ status: 403 }),
      aCall({ method: 'POST', resourcePath: '/v1/search', status: 200 }),
      aCall({ method: 'POST', resourcePath: '/v1/search', status: 402 }),
      aCall({ method: 'POST', resourcePath: '/v1/enrichments', status: 201, keyId: 'key_BBBBBBBBBBBBBBBB' }),
    ]);
    const byScope = Object.fromEntries(updates.map((update) => [JSON.stringify(update.scope), update.counters]));
    expect(
      byScope[
        JSON.stringify({ kind: 'key', organizationId: 'org_1', keyId: 'key_AAAAAAAAAAAAAAAA', day: '2026-03-01' })
      ],
    ).toEqual({
      'n|GET /v1/contacts|200': 1,
      'n|GET /v1/contacts|403': 1,
      'n|POST /v1/search|200': 1,
      'c|POST /v1/search': 1,
      'n|POST /v1/search|402': 1,
    });
    const organization = { kind: 'organization', organizationId: 'org_1', environment: 'live', day: '2026-03-01' };
    expect(byScope[JSON.stringify(organization)]).toEqual({
      'n|GET /v1/contacts|200': 1,
      'n|GET /v1/contacts|403': 1,
      'n|POST /v1/search|200': 1,
      'c|POST /v1/search': 1,
      'n|POST /v1/search|402': 1,
      'n|POST /v1/enrichments|201': 1,
      'c|POST /v1/enrichments': 5,
    });
    expect(updates).toHaveLength(3);
  });

  it('counts calls without a key per stage and day, never under an organization', () => {
    const updates = aggregate([
      aCall({ keyId: '', organizationId: '', status: 401 }),
      aCall({ keyId: '', organizationId: '', status: 404, resourcePath: '', method: 'GET' }),
      aCall({ keyId: '', organizationId: '', status: 401, time: T + 24 * 3600 * 1000 }),
    ]);
    expect(updates).toEqual([
      {
        scope: { kind: 'stage', stage: 'live', day: '2026-03-01' },
        counters: { 'n|GET /v1/contacts|401': 1, 'n|GET (no route)|404': 1 },
      },
      { scope: { kind: 'stage', stage: 'live', day: '2026-03-02' }, counters: { 'n|GET /v1/contacts|401': 1 } },
    ]);
  });

  it("counts an organization's sandbox calls apart from its live calls; a key's counters stay the key's", () => {
    const updates = aggregate([
      aCall(),
      aCall({ stage: 'sandbox', keyId: 'key_SANDBOXSANDBOXSA' }),
      aCall({ stage: 'sandbox', keyId: 'key_SANDBOXSANDBOXSA', status: 404 }),
    ]);

    const organizations = updates.filter((update) => update.scope.kind === 'organization');
    expect(organizations).toEqual([
      {
        scope: { kind: 'organization', organizationId: 'org_1', environment: 'live', day: '2026-03-01' },
        counters: { 'n|GET /v1/contacts|200': 1 },
      },
      {
        scope: { kind: 'organization', organizationId: 'org_1', environment: 'test', day: '2026-03-01' },
        counters: { 'n|GET /v1/contacts|200': 1, 'n|GET /v1/contacts|404': 1 },
      },
    ]);
    expect(
      updates.find((update) => update.scope.kind === 'key' && update.scope.keyId === 'key_SANDBOXSANDBOXSA'),
    ).toMatchObject({ counters: { 'n|GET /v1/contacts|200': 1, 'n|GET /v1/contacts|404': 1 } });
  });

  it('counts a call on a stage that is neither live nor sandbox with its stage, under no organization', () => {
    expect(aggregate([aCall({ stage: 'beta' })])).toEqual([
      { scope: { kind: 'stage', stage: 'beta', day: '2026-03-01' }, counters: { 'n|GET /v1/contacts|200': 1 } },
    ]);
  });

  it('splits days at midnight UTC', () => {
    const midnight = Date.parse('2026-03-02T00:00:00.000Z');
    const days = aggregate([aCall({ time: midnight - 1 }), aCall({ time: midnight })]).map((u) => u.scope.day);
    expect(new Set(days)).toEqual(new Set(['2026-03-01', '2026-03-02']));
  });

  it('adds up: summed counters equal the calls, by status and endpoint, with no counter per key', () => {
    const call = fc.record({
      method: fc.constantFrom('GET', 'POST'),
      resourcePath: fc.constantFrom('/v1/contacts', '/v1/search', '/v1/enrichments'),
      status: fc.constantFrom(200, 201, 302, 400, 401, 402, 403, 429, 500),
      keyId: fc.constantFrom('key_AAAAAAAAAAAAAAAA', 'key_BBBBBBBBBBBBBBBB', ''),
    });
    fc.assert(
      fc.property(fc.array(call, { maxLength: 60 }), (shapes) => {
        const calls = shapes.map((shape) => aCall({ ...shape, organizationId: shape.keyId ? 'org_1' : '' }));
        const organization = aggregate(calls).find((update) => update.scope.kind === 'organization');
        const summary = summarize(organization?.counters ?? {});
        const attributed = calls.filter((c) => c.keyId);
        expect(summary.requests).toBe(attributed.length);
        expect(summary.succeeded).toBe(attributed.filter((c) => c.status < 400).length);
        expect(summary.failed).toBe(attributed.filter((c) => c.status >= 400).length);
        expect(summary.credits).toBe(attributed.reduce((sum, c) => sum + creditsOf(c), 0));
        expect(summary.byStatus['429'] ?? 0).toBe(attributed.filter((c) => c.status === 429).length);
        for (const [endpoint, usage] of summary.byEndpoint) {
          expect(usage.requests).toBe(attributed.filter((c) => endpointOf(c) === endpoint).length);
        }
        // Nothing on the organization's item names a key: its size does not grow with the keys.
        expect(Object.keys(organization?.counters ?? {}).filter((name) => name.includes('key_'))).toEqual([]);
      }),
    );
  });
});

describe('credits', () => {
  it('come from the route table, for 2xx and 3xx answers', () => {
    expect(creditsOf({ method: 'POST', resourcePath: '/v1/enrichments', status: 200 })).toBe(5);
    expect(creditsOf({ method: 'POST', resourcePath: '/v1/search', status: 201 })).toBe(1);
    expect(creditsOf({ method: 'POST', resourcePath: '/v1/search', status: 402 })).toBe(0);
    expect(creditsOf({ method: 'POST', resourcePath: '/v1/search', status: 429 })).toBe(0);
    expect(creditsOf({ method: 'GET', resourcePath: '/v1/contacts', status: 200 })).toBe(0);
  });
});

describe('days and periods', () => {
  it('knows real days', () => {
    expect(isDay('2028-02-29')).toBe(true);
    expect(isDay('2026-02-29')).toBe(false);
    expect(isDay('2026-13-01')).toBe(false);
    expect(isDay('2026-3-01')).toBe(false);
  });

  it('starts weeks on Monday and months on the 1st', () => {
    expect(periodOf('2026-03-01', 'week')).toBe('2026-02-23'); // a Sunday
    expect(periodOf('2026-03-02', 'week')).toBe('2026-03-02'); // a Monday
    expect(periodOf('2026-03-31', 'month')).toBe('2026-03');
    expect(periodOf('2026-03-31', 'day')).toBe('2026-03-31');
  });

  it('counts and lists days inclusively', () => {
    expect(dayCount('2026-01-01', '2026-12-31')).toBe(365);
    expect(eachDay('2026-02-27', '2026-03-02')).toEqual(['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02']);
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });
});
