import { activeApi } from '../../functions/definition/active-api';
import {
  addCredits,
  balanceWhenUnset,
  type CreditHolder,
  type CreditLedger,
  chargeCredits,
  costOf,
  costTable,
  creditHeaders,
  DEFAULT_CREDIT_BALANCE,
  shouldRefund,
} from '../../functions/domain/credits';
import { InsufficientCreditsError, NotFoundError, ValidationError } from '../../functions/domain/errors';
import { credits } from '../../functions/runtime/credits';
import { errorResponse } from '../../functions/runtime/http-errors';
import { type HttpResponse, json } from '../../functions/runtime/http-response';
import { anAuthorizedEvent, aStack } from '../support/middleware-harness';

/** The platform's routes and Leadbase's (the active definition, test/support/active-api-setup.ts). */
const ROUTES = activeApi().routes;

/**
 * Behaves like the DynamoDB ledger: a conditional decrement and an atomic add per organization and
 * environment. Live balances are keyed by organization id, sandbox balances by `<id>/test`.
 */
function aLedger(balances: Record<string, number>) {
  const slot = (holder: CreditHolder) =>
    holder.environment === 'live' ? holder.organizationId : `${holder.organizationId}/test`;
  const ledger: CreditLedger = {
    consume: jest.fn(async (holder: CreditHolder, cost: number) => {
      const balance = balances[slot(holder)] ?? 0;
      if (balance < cost) return { consumed: false, balance };
      balances[slot(holder)] = balance - cost;
      return { consumed: true, balance: balance - cost };
    }),
    add: jest.fn(async (holder: CreditHolder, amount: number) => {
      if (!(slot(holder) in balances)) throw new NotFoundError(`No organization ${holder.organizationId}.`);
      balances[slot(holder)] = (balances[slot(holder)] ?? 0) + amount;
      return balances[slot(holder)] as number;
    }),
  };
  return ledger;
}

const live = (organizationId: string): CreditHolder => ({ organizationId, environment: 'live' });
const sandbox = (organizationId: string): CreditHolder => ({ organizationId, environment: 'test' });

const COSTS = costTable(ROUTES);
const enrichment = () => anAuthorizedEvent({ method: 'POST', path: '/v1/enrichments' });

function aPaidStack(ledger: CreditLedger, handler: () => Promise<HttpResponse> = async () => json(200, { ok: true })) {
  const log = { error: jest.fn() };
  const work = jest.fn(handler);
  return { invoke: aStack(credits(ledger, COSTS, log), work), work, log };
}

describe('costTable', () => {
  it('prices the routes that have credits in the route table', () => {
    expect(costOf(COSTS, 'POST', '/v1/enrichments')).toBe(5);
    expect(costOf(COSTS, 'POST', '/v1/search')).toBe(1);
  });

  it('leaves every other route free', () => {
    expect(costOf(COSTS, 'GET', '/v1/contacts')).toBeUndefined();
    expect(costOf(COSTS, 'GET', '/v1/enrichments')).toBeUndefined();
    expect(COSTS.size).toBe(ROUTES.filter((route) => route.credits).length);
  });
});

describe('chargeCredits', () => {
  it('returns the balance after the charge', async () => {
    const balances = { org_1: 12 };

    expect(await chargeCredits(aLedger(balances), live('org_1'), 5)).toBe(7);
    expect(balances.org_1).toBe(7);
  });

  it('allows a charge that takes the balance to exactly zero', async () => {
    expect(await chargeCredits(aLedger({ org_1: 5 }), live('org_1'), 5)).toBe(0);
  });

  it('refuses a charge the balance does not cover, with 402 naming the balance and the cost', async () => {
    const balances = { org_1: 2 };

    const error = await chargeCredits(aLedger(balances), live('org_1'), 5).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(InsufficientCreditsError);
    expect(error).toMatchObject({ status: 402, code: 'insufficient_credits', balance: 2, cost: 5 });
    expect((error as Error).message).toBe(
      "This call costs 5 credits and the organization's balance is 2. Add credits, then retry.",
    );
    expect(balances.org_1).toBe(2);
  });

  it('says "1 credit" for a cost of one', () => {
    expect(new InsufficientCreditsError(0, 1).message).toContain('costs 1 credit and');
  });
});

describe('shouldRefund', () => {
  it.each([
    [200, false],
    [201, false],
    [304, false],
    [399, false],
    [400, true],
    [404, true],
    [429, true],
    [500, true],
  ])('refunds a call answered %i: %s', (statusCode, refund) => {
    expect(shouldRefund({ statusCode })).toBe(refund);
  });

  it('refunds a call that threw', () => {
    expect(shouldRefund({ error: new Error('boom') })).toBe(true);
  });
});

describe('creditHeaders', () => {
  it('says what the call consumed and what remains', () => {
    expect(creditHeaders(5, 7)).toEqual({ 'X-Credits-Consumed': '5', 'X-Credits-Remaining': '7' });
  });
});

describe('addCredits', () => {
  it('adds to the balance and returns the new one', async () => {
    const balances = { org_1: 3 };

    expect(await addCredits(aLedger(balances), live('org_1'), 100)).toBe(103);
    expect(balances.org_1).toBe(103);
  });

  it.each([
    0,
    -5,
    1.5,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    2_000_000_000,
  ])('rejects %p credits without touching the balance', async (amount) => {
    const ledger = aLedger({ org_1: 3 });

    await expect(addCredits(ledger, live('org_1'), amount)).rejects.toBeInstanceOf(ValidationError);
    expect(ledger.add).not.toHaveBeenCalled();
  });

  it('passes on NotFoundError for an unknown organization', async () => {
    await expect(addCredits(aLedger({}), live('org_missing'), 10)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('tops up the sandbox balance alone when asked for the test environment', async () => {
    const balances = { org_1: 3, 'org_1/test': 50 };

    expect(await addCredits(aLedger(balances), sandbox('org_1'), 10)).toBe(60);
    expect(balances).toEqual({ org_1: 3, 'org_1/test': 60 });
  });
});

describe('balanceWhenUnset', () => {
  it('counts a missing live balance as 0, as it always has', () => {
    expect(balanceWhenUnset('live')).toBe(0);
  });

  it('counts a missing sandbox balance as what a new organization starts with', () => {
    expect(balanceWhenUnset('test')).toBe(DEFAULT_CREDIT_BALANCE);
  });
});

describe('credits', () => {
  it('leaves free routes alone: no charge, no headers', async () => {
    const ledger = aLedger({ org_1: 12 });
    const { invoke } = aPaidStack(ledger);

    const response = await invoke(anAuthorizedEvent({ method: 'GET', path: '/v1/contacts' }));

    expect(response.statusCode).toBe(200);
    expect(ledger.consume).not.toHaveBeenCalled();
    expect(response.headers).not.toHaveProperty('X-Credits-Consumed');
  });

  it("charges a paid route's cost before the handler runs and says so in the headers", async () => {
    const balances = { org_1: 12 };
    let balanceSeenByHandler: number | undefined;
    const { invoke } = aPaidStack(aLedger(balances), async () => {
      balanceSeenByHandler = balances.org_1;
      return json(200, { ok: true });
    });

    const response = await invoke(enrichment());

    expect(balanceSeenByHandler).toBe(7);
    expect(balances.org_1).toBe(7);
    expect(response.headers).toMatchObject({ 'X-Credits-Consumed': '5', 'X-Credits-Remaining': '7' });
  });

  it('answers 402 without running the handler when the balance is too low', async () => {
    const balances = { org_1: 4 };
    const { invoke, work } = aPaidStack(aLedger(balances));

    const response = await invoke(enrichment());

    expect(work).not.toHaveBeenCalled();
    expect(response.statusCode).toBe(402);
    expect(JSON.parse(response.body).error).toEqual({
      code: 'insufficient_credits',
      message: expect.stringMatching(/costs 5 credits.*balance is 4/),
    });
    expect(response.headers).toMatchObject({ 'X-Credits-Consumed': '0', 'X-Credits-Remaining': '4' });
    expect(balances.org_1).toBe(4);
  });

  it('refunds a call whose handler throws', async () => {
    const balances = { org_1: 12 };
    const { invoke } = aPaidStack(aLedger(balances), async () => {
      throw new NotFoundError('No contact ct_1.');
    });

    const response = await invoke(enrichment());

    expect(response.statusCode).toBe(404);
    expect(balances.org_1).toBe(12);
    expect(response.headers).toMatchObject({ 'X-Credits-Consumed': '0', 'X-Credits-Remaining': '12' });
  });

  it('refunds a call whose handler answers 400 or above without throwing', async () => {
    const balances = { org_1: 12 };
    const { invoke } = aPaidStack(aLedger(balances), async () => json(409, { error: { code: 'conflict' } }));

    await invoke(enrichment());

    expect(balances.org_1).toBe(12);
  });

  it('keeps the charge of a successful call', async () => {
    const balances = { org_1: 12 };
    const { invoke } = aPaidStack(aLedger(balances), async () => json(201, {}));

    await invoke(enrichment());
    await invoke(enrichment());

    expect(balances.org_1).toBe(2);
  });

  it('never overdraws under concurrent calls', async () => {
    const balances = { org_1: 12 };
    const { invoke, work } = aPaidStack(aLedger(balances));

    const statuses = (await Promise.all(Array.from({ length: 10 }, () => invoke(enrichment())))).map(
      (response) => response.statusCode,
    );

    expect(statuses.filter((status) => status === 200)).toHaveLength(2);
    expect(statuses.filter((status) => status === 402)).toHaveLength(8);
    expect(work).toHaveBeenCalledTimes(2);
    expect(balances.org_1).toBe(2);
  });

  it('fails closed when the balance cannot be charged: 500 and no work', async () => {
    const ledger = aLedger({ org_1: 12 });
    (ledger.consume as jest.Mock).mockRejectedValueOnce(new Error('ProvisionedThroughputExceededException'));
    const { invoke, work } = aPaidStack(ledger);

    const response = await invoke(enrichment());

    expect(response.statusCode).toBe(500);
    expect(work).not.toHaveBeenCalled();
  });

  it("charges a sandbox key's call to the sandbox balance and leaves the live balance alone", async () => {
    const balances = { org_1: 12, 'org_1/test': 20 };
    const { invoke } = aPaidStack(aLedger(balances));

    const response = await invoke(anAuthorizedEvent({ method: 'POST', path: '/v1/enrichments', environment: 'test' }));

    expect(response.headers).toMatchObject({ 'X-Credits-Consumed': '5', 'X-Credits-Remaining': '15' });
    expect(balances).toEqual({ org_1: 12, 'org_1/test': 15 });
  });

  it('refunds a failed sandbox call to the sandbox balance', async () => {
    const balances = { org_1: 12, 'org_1/test': 20 };
    const { invoke } = aPaidStack(aLedger(balances), async () => json(404, { error: { code: 'not_found' } }));

    await invoke(anAuthorizedEvent({ method: 'POST', path: '/v1/enrichments', environment: 'test' }));

    expect(balances).toEqual({ org_1: 12, 'org_1/test': 20 });
  });

  it('logs a refund that fails, keeps the error answer, and says the credits were consumed', async () => {
    const ledger = aLedger({ org_1: 12 });
    (ledger.add as jest.Mock).mockRejectedValueOnce(new Error('timeout'));
    const { invoke, log } = aPaidStack(ledger, async () => {
      throw new NotFoundError('No contact ct_1.');
    });

    const response = await invoke(enrichment());

    expect(response.statusCode).toBe(404);
    expect(response.headers).toMatchObject({ 'X-Credits-Consumed': '5', 'X-Credits-Remaining': '7' });
    expect(log.error).toHaveBeenCalledWith(expect.stringContaining('Refunding'), {
      organizationId: 'org_1',
      environment: 'live',
      credits: 5,
      error: expect.any(Error),
    });
  });
});

describe('errorResponse', () => {
  it('maps InsufficientCreditsError to 402 insufficient_credits with its message', () => {
    const response = errorResponse(new InsufficientCreditsError(3, 5));

    expect(response.statusCode).toBe(402);
    expect(JSON.parse(response.body)).toEqual({
      error: {
        code: 'insufficient_credits',
        message: "This call costs 5 credits and the organization's balance is 3. Add credits, then retry.",
      },
    });
  });
});
