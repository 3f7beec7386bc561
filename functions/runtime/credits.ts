/**
 * Credits as a middy middleware: a route with a cost in the route table is charged to the calling
 * key's organization and environment (a sandbox key spends the sandbox balance) before the
 * handler runs (one conditional atomic update; 402 when the balance is too low) and refunded when
 * the call fails, so only successful calls (2xx, 3xx) cost anything. Responses of paid routes say
 * what the call cost and what is left in `X-Credits-Consumed` and `X-Credits-Remaining`.
 *
 * Fails closed: if the balance cannot be charged, the call fails (500) without doing its work.
 * A refund that fails is logged as an error with the organization and amount, to be credited by hand.
 */
import type { MiddlewareObj, Request } from '@middy/core';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import {
  type CreditHolder,
  type CreditLedger,
  chargeCredits,
  costOf,
  creditHeaders,
  shouldRefund,
} from '../domain/credits';
import { InsufficientCreditsError } from '../domain/errors';
import { withHeaders } from '../domain/response-headers';
import { platformCallerOf } from './http-request';
import type { HttpResponse } from './http-response';

type HttpRequest = Request<APIGatewayProxyEvent, HttpResponse>;

export interface CreditsLog {
  error(message: string, details: Record<string, unknown>): void;
}

interface Charge {
  holder: CreditHolder;
  cost: number;
  remaining: number;
}

export function credits(
  ledger: CreditLedger,
  costs: ReadonlyMap<string, number>,
  log: CreditsLog,
): MiddlewareObj<APIGatewayProxyEvent, HttpResponse> {
  const charges = new WeakMap<HttpRequest, Charge>();

  const setHeaders = (request: HttpRequest, consumed: number, remaining: number) => {
    if (request.response) {
      // A backend's own x-credits-* (any letter case; HTTP answers come lower-cased) never beside ours.
      request.response = withHeaders(request.response, creditHeaders(consumed, remaining));
    }
  };

  const settle = async (request: HttpRequest, failed: boolean) => {
    const charge = charges.get(request);
    if (!charge) return;
    charges.delete(request);
    if (!failed) return setHeaders(request, charge.cost, charge.remaining);
    try {
      setHeaders(request, 0, await ledger.add(charge.holder, charge.cost));
    } catch (error) {
      log.error('Refunding the credits of a failed call failed; credit them by hand', {
        ...charge.holder,
        credits: charge.cost,
        error,
      });
      setHeaders(request, charge.cost, charge.remaining);
    }
  };

  return {
    before: async (request: HttpRequest) => {
      const cost = costOf(costs, request.event.httpMethod, request.event.resource);
      if (!cost) return;
      const { organizationId, environment } = platformCallerOf(request.event);
      const holder = { organizationId, environment };
      const remaining = await chargeCredits(ledger, holder, cost);
      charges.set(request, { holder, cost, remaining });
    },
    after: (request: HttpRequest) => settle(request, !request.response || shouldRefund(request.response)),
    onError: async (request: HttpRequest) => {
      if (request.error instanceof InsufficientCreditsError) setHeaders(request, 0, request.error.balance);
      await settle(request, true);
    },
  };
}
