/**
 * Levy Fleets' partner API, declared once: rides, vehicles, customers, pricing zones and analytics
 * of an electric-scooter fleet, served by the team's existing HTTP service (service/). Keys are
 * sent as `Authorization: Bearer lf_live_…`; every route acts on one sub-account (`account_id`).
 *
 * The definition is a function of the service's base URL, not of an environment variable read at
 * import: the URL is a port picked at run time locally and a CDK context value on AWS, and a
 * function makes each caller say which one it means, whatever was imported first.
 */
import { defineApi, type RouteInput } from 'api-key-platform/definition';
import {
  customerSchema,
  exampleCompletedRide,
  exampleCustomer,
  exampleRide,
  exampleVehicle,
  listOf,
  revenueAnalyticsSchema,
  rideAnalyticsSchema,
  rideSchema,
  vehicleSchema,
  vehicleStatusChangeSchema,
  zoneSchema,
} from './model';
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
} from './service/inputs';

/** The paths of the API; each route's backend is the service's URL for the same path. */
type Path =
  | '/v1/rides'
  | '/v1/rides/{id}'
  | '/v1/vehicles'
  | '/v1/vehicles/{id}'
  | '/v1/customers'
  | '/v1/customers/{id}'
  | '/v1/analytics/rides'
  | '/v1/analytics/revenue'
  | '/v1/zones'
  | '/v1/zones/{id}';

/** A query or body that fails its schema (400). */
const invalid = 400;
const notFound = 404;
/** The records' state forbids it: a blocked customer, a vehicle on a ride, a ride already ended. */
const conflict = 409;
/** What the service answers on a body: over 64 KiB (413), not JSON (415). */
const bodyErrors = [invalid, 413, 415];

/** The whole API, served by the fleet service at `serviceUrl` (such as https://fleet.internal.example). */
export function fleetApi(serviceUrl: string) {
  const base = serviceUrl.replace(/\/+$/, '');
  const route = (
    method: RouteInput['method'],
    path: Path,
    permission: string,
    summary: string,
    contract: Pick<RouteInput, 'credits' | 'request' | 'response' | 'errors'>,
  ): RouteInput => ({
    method,
    path,
    permission,
    summary,
    backend: { http: `${base}${path}` },
    accountScoped: true,
    ...contract,
  });

  return defineApi({
    name: 'Levy Fleets Partner API',
    version: '1.0.0',
    resources: {
      rides: ['read', 'create', 'update'],
      vehicles: ['read', 'create', 'update', 'delete'],
      customers: ['read', 'update'],
      prices: ['read', 'update'],
      analytics: ['read'],
    },
    presets: {
      read: { description: 'Read everything: GET requests only', scopes: ['*:read'] },
      write: { description: 'Create, change and delete', scopes: ['*:create', '*:update', '*:delete'] },
    },
    levels: {
      'read-only': { description: 'GET requests only', permissions: ['read'] },
      'read-write': { description: 'GET, POST, PATCH and DELETE on every resource', permissions: ['read', 'write'] },
      admin: { description: 'Everything, key and webhook management included', permissions: ['admin'] },
    },
    routes: [
      route('GET', '/v1/rides', 'rides:read', 'List rides', {
        request: { query: rideListQuery },
        response: { schema: listOf(rideSchema), description: 'Rides, newest first' },
        errors: [invalid],
      }),
      route('POST', '/v1/rides', 'rides:create', 'Start a ride', {
        request: { body: startRideInput },
        response: { status: 201, schema: rideSchema, description: 'The ride, started' },
        errors: [...bodyErrors, notFound, conflict],
      }),
      route('GET', '/v1/rides/{id}', 'rides:read', 'Get a ride', {
        response: { schema: rideSchema, description: 'The ride' },
        errors: [notFound],
      }),
      route('PATCH', '/v1/rides/{id}', 'rides:update', 'End or cancel a ride', {
        request: { body: endRideInput },
        response: { schema: rideSchema, description: 'The ride, completed with its cost, or cancelled' },
        errors: [...bodyErrors, notFound, conflict],
      }),
      route('GET', '/v1/vehicles', 'vehicles:read', 'List vehicles', {
        request: { query: vehicleListQuery },
        response: { schema: listOf(vehicleSchema), description: 'Vehicles by name' },
        errors: [invalid],
      }),
      route('POST', '/v1/vehicles', 'vehicles:create', 'Add a vehicle', {
        request: { body: createVehicleInput },
        response: { status: 201, schema: vehicleSchema, description: 'The vehicle, added' },
        errors: bodyErrors,
      }),
      route('GET', '/v1/vehicles/{id}', 'vehicles:read', 'Get a vehicle', {
        response: { schema: vehicleSchema, description: 'The vehicle' },
        errors: [notFound],
      }),
      route('PATCH', '/v1/vehicles/{id}', 'vehicles:update', 'Change a vehicle', {
        request: { body: updateVehicleInput },
        response: { schema: vehicleSchema, description: 'The vehicle as it is now' },
        errors: [...bodyErrors, notFound, conflict],
      }),
      route('DELETE', '/v1/vehicles/{id}', 'vehicles:delete', 'Retire a vehicle', {
        response: { status: 204, description: 'Retired' },
        errors: [notFound, conflict],
      }),
      route('GET', '/v1/customers', 'customers:read', 'List customers', {
        request: { query: customerListQuery },
        response: { schema: listOf(customerSchema), description: 'Customers by name' },
        errors: [invalid],
      }),
      route('GET', '/v1/customers/{id}', 'customers:read', 'Get a customer', {
        response: { schema: customerSchema, description: 'The customer' },
        errors: [notFound],
      }),
      route('PATCH', '/v1/customers/{id}', 'customers:update', 'Change a customer', {
        request: { body: updateCustomerInput },
        response: { schema: customerSchema, description: 'The customer as it is now' },
        errors: [...bodyErrors, notFound],
      }),
      route('GET', '/v1/analytics/rides', 'analytics:read', 'Ride counts, durations and distances', {
        response: { schema: rideAnalyticsSchema, description: "The sub-account's ride figures" },
      }),
      route('GET', '/v1/analytics/revenue', 'analytics:read', 'Revenue by pricing zone (2 credits)', {
        credits: 2,
        response: { schema: revenueAnalyticsSchema, description: 'Revenue of completed rides by pricing zone' },
      }),
      route('GET', '/v1/zones', 'prices:read', 'List pricing zones', {
        request: { query: listQuery },
        response: { schema: listOf(zoneSchema), description: 'Pricing zones by name' },
        errors: [invalid],
      }),
      route('GET', '/v1/zones/{id}', 'prices:read', 'Get a pricing zone', {
        response: { schema: zoneSchema, description: 'The pricing zone' },
        errors: [notFound],
      }),
      route('PATCH', '/v1/zones/{id}', 'prices:update', "Change a zone's prices", {
        request: { body: updateZoneInput },
        response: { schema: zoneSchema, description: 'The pricing zone as it is now' },
        errors: [...bodyErrors, notFound],
      }),
    ],
    events: {
      'ride.started': {
        description: 'A customer unlocked a vehicle; `data` is the ride.',
        data: rideSchema,
        example: exampleRide,
      },
      'ride.completed': {
        description: 'A ride ended; `data` is the ride with its duration, distance and cost.',
        data: rideSchema,
        example: exampleCompletedRide,
      },
      'ride.cancelled': {
        description: 'A ride was cancelled before it was completed; nothing is charged.',
        data: rideSchema,
        example: {
          ...exampleRide,
          status: 'cancelled',
          endedAt: '2026-11-30T08:16:00.000Z',
          cancellationReason: 'The vehicle would not unlock.',
          updatedAt: '2026-11-30T08:16:00.000Z',
        },
      },
      'vehicle.created': {
        description: 'A vehicle was added to the fleet.',
        data: vehicleSchema,
        example: { ...exampleVehicle, status: 'not_ready', updatedAt: exampleVehicle.createdAt },
      },
      'vehicle.status_changed': {
        description: "A vehicle's status changed: a ride started or ended, or an operator changed it.",
        data: vehicleStatusChangeSchema,
        example: {
          vehicleId: exampleVehicle.id,
          accountId: exampleVehicle.accountId,
          previousStatus: 'available',
          status: 'in_use',
          changedAt: exampleRide.startedAt,
        },
      },
      'customer.updated': {
        description: "A customer's profile or status changed; `data` is the customer as it is now.",
        data: customerSchema,
        example: { ...exampleCustomer, status: 'blocked' },
      },
    },
    plans: {
      basic: { requestsPerMinute: 60, quota: { limit: 50_000, period: 'MONTH' } },
      fleet: { requestsPerMinute: 600, quota: { limit: 2_000_000, period: 'MONTH' }, customLimit: true },
    },
    defaultPlan: 'basic',
    keyPrefix: 'lf',
    apiKeyHeader: 'authorization',
  });
}

export type FleetApi = ReturnType<typeof fleetApi>;
