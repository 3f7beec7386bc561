/**
 * Credits: routes with a cost in the route table draw on the organization's balance. A call is
 * charged before its work with one conditional atomic update, so concurrent calls can never take
 * the balance below zero; a call that fails (status 400 or above, or an exception) is refunded, so
 * only successful calls cost anything.
 *
 * An organization has two balances, one per environment: sandbox calls draw on the sandbox balance
 * and never on the live one, and the reverse.
 */
import type { RouteDefinition } from '../definition/routes';
import { InsufficientCreditsError, ValidationError } from './errors';
import type { KeyEnvironment } from './keys/key-token';

/** What a new organization starts with in each environment, so the sample's paid calls work out of the box. */
export const DEFAULT_CREDIT_BALANCE = 1000;

/** Whose balance: an organization's, in one environment. */
export interface CreditHolder {
  organizationId: string;
  environment: KeyEnvironment;
}

/**
 * The balance of an organization item that has none for the environment. Live: 0, as always. Sandbox:
 * the starting amount, because organizations made before sandbox balances existed have none, and
 * their sandbox keys should work as a new organization's do (sandbox credits are play money).
 */
export function balanceWhenUnset(environment: KeyEnvironment): number {
  return environment === 'live' ? 0 : DEFAULT_CREDIT_BALANCE;
}

export interface CreditLedger {
  /**
   * Takes `cost` from the holder's balance if it holds at least that much, atomically. Returns the
   * balance after the charge, or the balance that was too low (balanceWhenUnset for an organization
   * without that balance; 0 without an organization item).
   */
  consume(holder: CreditHolder, cost: number): Promise<{ consumed: boolean; balance: number }>;
  /** Adds `amount` to the holder's balance atomically and returns it; NotFoundError if there is no organization. */
  add(holder: CreditHolder, amount: number): Promise<number>;
}

/** `METHOD /resource/template` → credits, from the route table. */
export function costTable(routes: readonly RouteDefinition[]): ReadonlyMap<string, number> {
  return new Map(
    routes.flatMap((route) => (route.credits ? [[`${route.method} ${route.path}`, route.credits] as const] : [])),
  );
}

export function costOf(table: ReadonlyMap<string, number>, method: string, resource: string): number | undefined {
  return table.get(`${method} ${resource}`);
}

/** Charges a call's cost, or throws InsufficientCreditsError (402) saying the balance and the cost. */
export async function chargeCredits(ledger: CreditLedger, holder: CreditHolder, cost: number): Promise<number> {
  const { consumed, balance } = await ledger.consume(holder, cost);
  if (!consumed) throw new InsufficientCreditsError(balance, cost);
  return balance;
}

/** A charged call is refunded unless it succeeded (2xx or 3xx). */
export function shouldRefund(outcome: { statusCode: number } | { error: unknown }): boolean {
  return 'error' in outcome || outcome.statusCode >= 400;
}

export function creditHeaders(consumed: number, remaining: number): Record<string, string> {
  return { 'X-Credits-Consumed': String(consumed), 'X-Credits-Remaining': String(remaining) };
}

export const MAX_CREDITS_PER_TOP_UP = 1_000_000_000;

/** Tops up an organization's balance in one environment (operator action); returns the new balance. */
export async function addCredits(ledger: CreditLedger, holder: CreditHolder, amount: number): Promise<number> {
  if (!Number.isSafeInteger(amount) || amount < 1 || amount > MAX_CREDITS_PER_TOP_UP) {
    throw new ValidationError([
      { field: 'credits', message: `must be a whole number from 1 to ${MAX_CREDITS_PER_TOP_UP}` },
    ]);
  }
  return ledger.add(holder, amount);
}
