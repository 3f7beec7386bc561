/**
 * The fleet service's routes: each reads its input with zod, works on the caller's sub-account's
 * records and says what to answer and which events to publish.
 */
import type { z } from 'zod';
import type { Customer, Ride, Vehicle, Zone } from '../model';
import { revenueAnalytics, rideAnalytics } from './analytics';
import { invalidInput } from './errors';
import {
  createVehicle,
  deleteVehicle,
  endRide,
  type FleetEvent,
  find,
  list,
  startRide,
  updateCustomer,
  updateVehicle,
  updateZone,
} from './fleet';
import {
  createVehicleInput,
  customerListQuery,
  endRideInput,
  listQuery,
  rideListQuery,
  startRideInput,
  updateCustomerInput,
  updateVehicleInput,
  updateZoneInput,
  vehicleListQuery,
} from './inputs';
import type { AccountRecords, IdOf } from './store';

export interface RouteContext {
  accountId: string;
  records: AccountRecords;
  params: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
  now: Date;
  newId: IdOf;
}

export interface RouteAnswer {
  status: number;
  body?: unknown;
  events?: FleetEvent[];
}

export interface ServiceRoute {
  method: string;
  path: string;
  handle(context: RouteContext): RouteAnswer;
}

const parse = <T extends z.ZodType>(schema: T, value: unknown, where?: string): z.output<T> => {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalidInput(parsed.error, where);
  return parsed.data;
};

const newestFirst = (a: Ride, b: Ride) => b.startedAt.localeCompare(a.startedAt);
const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
const ok = (body: unknown): RouteAnswer => ({ status: 200, body });
const changed = (status: number, { result, events }: { result: unknown; events: FleetEvent[] }): RouteAnswer => ({
  status,
  body: result,
  events,
});

const route = (method: string, path: string, handle: ServiceRoute['handle']): ServiceRoute => ({
  method,
  path,
  handle,
});

export const SERVICE_ROUTES: readonly ServiceRoute[] = [
  route('GET', '/v1/rides', ({ records, query }) =>
    ok(list(records.rides.values(), parse(rideListQuery, query, 'query'), newestFirst)),
  ),
  route('POST', '/v1/rides', ({ records, body, now, newId }) =>
    changed(201, startRide(records, parse(startRideInput, body), now, newId)),
  ),
  route('GET', '/v1/rides/{id}', ({ records, params }) => ok(find<Ride>(records.rides, 'ride', params.id as string))),
  route('PATCH', '/v1/rides/{id}', ({ records, params, body, now }) =>
    changed(200, endRide(records, params.id as string, parse(endRideInput, body), now)),
  ),
  route('GET', '/v1/vehicles', ({ records, query }) =>
    ok(list(records.vehicles.values(), parse(vehicleListQuery, query, 'query'), byName)),
  ),
  route('POST', '/v1/vehicles', ({ records, accountId, body, now, newId }) =>
    changed(201, createVehicle(records, accountId, parse(createVehicleInput, body), now, newId)),
  ),
  route('GET', '/v1/vehicles/{id}', ({ records, params }) =>
    ok(find<Vehicle>(records.vehicles, 'vehicle', params.id as string)),
  ),
  route('PATCH', '/v1/vehicles/{id}', ({ records, params, body, now }) =>
    changed(200, updateVehicle(records, params.id as string, parse(updateVehicleInput, body), now)),
  ),
  route('DELETE', '/v1/vehicles/{id}', ({ records, params }) => {
    deleteVehicle(records, params.id as string);
    return { status: 204 };
  }),
  route('GET', '/v1/customers', ({ records, query }) =>
    ok(list(records.customers.values(), parse(customerListQuery, query, 'query'), byName)),
  ),
  route('GET', '/v1/customers/{id}', ({ records, params }) =>
    ok(find<Customer>(records.customers, 'customer', params.id as string)),
  ),
  route('PATCH', '/v1/customers/{id}', ({ records, params, body, now }) =>
    changed(200, updateCustomer(records, params.id as string, parse(updateCustomerInput, body), now)),
  ),
  route('GET', '/v1/analytics/rides', ({ records, accountId }) => ok(rideAnalytics(accountId, records))),
  route('GET', '/v1/analytics/revenue', ({ records, accountId }) => ok(revenueAnalytics(accountId, records))),
  route('GET', '/v1/zones', ({ records, query }) =>
    ok(list(records.zones.values(), parse(listQuery, query, 'query'), byName)),
  ),
  route('GET', '/v1/zones/{id}', ({ records, params }) => ok(find<Zone>(records.zones, 'zone', params.id as string))),
  route('PATCH', '/v1/zones/{id}', ({ records, params, body, now }) =>
    changed(200, updateZone(records, params.id as string, parse(updateZoneInput, body), now)),
  ),
];

/** The route and path parameters of a request, or which methods the path has (for a 405). */
export function matchServiceRoute(
  method: string,
  pathname: string,
): { route: ServiceRoute; params: Record<string, string> } | { allowed: string[] } {
  const segments = pathname.split('/').filter(Boolean);
  const allowed: string[] = [];
  for (const candidate of SERVICE_ROUTES) {
    const pattern = candidate.path.split('/').filter(Boolean);
    if (pattern.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const matches = pattern.every((part, index) => {
      const segment = segments[index] as string;
      if (!part.startsWith('{')) return part === segment;
      params[part.slice(1, -1)] = decodeURIComponent(segment);
      return true;
    });
    if (!matches) continue;
    if (candidate.method === method) return { route: candidate, params };
    allowed.push(candidate.method);
  }
  return { allowed };
}
