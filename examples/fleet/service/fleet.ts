/**
 * What the fleet service does, on one sub-account's records: plain functions that check, change
 * and say which events happened. Every check runs before the first change, so a refused call
 * leaves the records as they were.
 */
import type { Customer, Ride, Vehicle, VehicleStatus, VehicleStatusChange, Zone } from '../model';
import { conflict, notFound, ServiceError } from './errors';
import type {
  CreateVehicleInput,
  EndRideInput,
  StartRideInput,
  UpdateCustomerInput,
  UpdateVehicleInput,
  UpdateZoneInput,
} from './inputs';
import type { AccountRecords, IdOf } from './store';

export type FleetEvent =
  | { type: 'ride.started' | 'ride.completed' | 'ride.cancelled'; data: Ride }
  | { type: 'vehicle.created'; data: Vehicle }
  | { type: 'vehicle.status_changed'; data: VehicleStatusChange }
  | { type: 'customer.updated'; data: Customer };

export interface Changed<T> {
  result: T;
  events: FleetEvent[];
}

/** Below it a vehicle may not be unlocked, as in the fleet's vehicle settings. */
export const MINIMUM_BATTERY_TO_RIDE = 15;

export function find<T>(records: Map<string, T>, what: string, id: string): T {
  const found = records.get(id);
  if (!found) throw notFound(what, id);
  return found;
}

/** Newest rides first, everything else by name; `status` filters. */
export function list<T extends object>(
  items: Iterable<T>,
  { status, limit }: { status?: string | undefined; limit: number },
  order: (a: T, b: T) => number,
): { items: T[] } {
  return {
    items: [...items]
      .filter((item) => status === undefined || (item as { status?: string }).status === status)
      .sort(order)
      .slice(0, limit),
  };
}

export function startRide(records: AccountRecords, input: StartRideInput, now: Date, newId: IdOf): Changed<Ride> {
  const vehicle = find(records.vehicles, 'vehicle', input.vehicleId);
  const customer = find(records.customers, 'customer', input.customerId);
  if (customer.status === 'blocked') throw conflict(`Customer ${customer.id} is blocked and may not ride.`);
  if (vehicle.status !== 'available') {
    throw conflict(`Vehicle ${vehicle.name} is ${vehicle.status}; only an available vehicle can start a ride.`);
  }
  if (vehicle.batteryLevel < MINIMUM_BATTERY_TO_RIDE) {
    throw conflict(
      `Vehicle ${vehicle.name} has ${vehicle.batteryLevel}% battery; a ride needs ${MINIMUM_BATTERY_TO_RIDE}%.`,
    );
  }
  if (!vehicle.zoneId || !records.zones.has(vehicle.zoneId)) {
    throw conflict(`Vehicle ${vehicle.name} is in no pricing zone; PATCH it with a zoneId first.`);
  }
  const at = now.toISOString();
  const ride: Ride = {
    id: newId('rd'),
    accountId: vehicle.accountId,
    vehicleId: vehicle.id,
    customerId: customer.id,
    zoneId: vehicle.zoneId,
    status: 'active',
    startedAt: at,
    updatedAt: at,
  };
  records.rides.set(ride.id, ride);
  const statusChange = setVehicleStatus(records, vehicle, 'in_use', at);
  return { result: ride, events: [{ type: 'ride.started', data: ride }, ...statusChange] };
}

export function endRide(records: AccountRecords, id: string, input: EndRideInput, now: Date): Changed<Ride> {
  const ride = find(records.rides, 'ride', id);
  if (ride.status !== 'active') throw conflict(`Ride ${ride.id} is already ${ride.status}.`);
  const at = now.toISOString();
  const ended: Ride =
    input.status === 'completed'
      ? { ...ride, status: 'completed', endedAt: at, updatedAt: at, ...completion(records, ride, input, now) }
      : {
          ...ride,
          status: 'cancelled',
          endedAt: at,
          updatedAt: at,
          ...(input.cancellationReason && { cancellationReason: input.cancellationReason }),
        };
  records.rides.set(ended.id, ended);
  const vehicle = records.vehicles.get(ride.vehicleId);
  const statusChange = vehicle ? setVehicleStatus(records, vehicle, 'available', at) : [];
  const type = input.status === 'completed' ? 'ride.completed' : 'ride.cancelled';
  return { result: ended, events: [{ type, data: ended }, ...statusChange] };
}

/** A started minute is charged in full, at the prices of the zone the ride started in. */
function completion(records: AccountRecords, ride: Ride, input: EndRideInput, now: Date) {
  const durationMinutes = Math.max(1, Math.ceil((now.getTime() - Date.parse(ride.startedAt)) / 60_000));
  const pricing = records.zones.get(ride.zoneId)?.pricing ?? { currency: 'EUR', unlockFee: 0, perMinute: 0 };
  return {
    durationMinutes,
    distanceKm: input.distanceKm ?? 0,
    cost: { amount: pricing.unlockFee + pricing.perMinute * durationMinutes, currency: pricing.currency },
  };
}

export function createVehicle(
  records: AccountRecords,
  accountId: string,
  input: CreateVehicleInput,
  now: Date,
  newId: IdOf,
): Changed<Vehicle> {
  if (input.zoneId) assertZone(records, input.zoneId);
  const at = now.toISOString();
  const vehicle: Vehicle = {
    id: newId('vh'),
    accountId,
    name: input.name,
    model: input.model,
    status: input.status,
    batteryLevel: input.batteryLevel,
    ...(input.zoneId && { zoneId: input.zoneId }),
    createdAt: at,
    updatedAt: at,
  };
  records.vehicles.set(vehicle.id, vehicle);
  return { result: vehicle, events: [{ type: 'vehicle.created', data: vehicle }] };
}

export function updateVehicle(
  records: AccountRecords,
  id: string,
  input: UpdateVehicleInput,
  now: Date,
): Changed<Vehicle> {
  const vehicle = find(records.vehicles, 'vehicle', id);
  if (input.zoneId) assertZone(records, input.zoneId);
  if (vehicle.status === 'in_use' && input.status) {
    throw conflict(`Vehicle ${vehicle.name} is on a ride; end the ride before changing its status.`);
  }
  const at = now.toISOString();
  const { status, ...rest } = input;
  const updated: Vehicle = { ...vehicle, ...rest, updatedAt: at };
  records.vehicles.set(id, updated);
  const events = status ? setVehicleStatus(records, updated, status, at) : [];
  return { result: records.vehicles.get(id) as Vehicle, events };
}

export function deleteVehicle(records: AccountRecords, id: string): void {
  const vehicle = find(records.vehicles, 'vehicle', id);
  if (vehicle.status === 'in_use') throw conflict(`Vehicle ${vehicle.name} is on a ride; end the ride first.`);
  records.vehicles.delete(id);
}

export function updateCustomer(
  records: AccountRecords,
  id: string,
  input: UpdateCustomerInput,
  now: Date,
): Changed<Customer> {
  const customer = find(records.customers, 'customer', id);
  const updated: Customer = { ...customer, ...input, updatedAt: now.toISOString() };
  records.customers.set(id, updated);
  return { result: updated, events: [{ type: 'customer.updated', data: updated }] };
}

export function updateZone(records: AccountRecords, id: string, input: UpdateZoneInput, now: Date): Changed<Zone> {
  const zone = find(records.zones, 'zone', id);
  const updated: Zone = {
    ...zone,
    ...(input.name && { name: input.name }),
    pricing: { ...zone.pricing, ...input.pricing },
    updatedAt: now.toISOString(),
  };
  records.zones.set(id, updated);
  return { result: updated, events: [] };
}

function assertZone(records: AccountRecords, zoneId: string) {
  if (!records.zones.has(zoneId)) {
    throw new ServiceError(400, 'invalid_request', `zoneId: no zone ${zoneId} in this sub-account`, [
      { field: 'zoneId', message: `no zone ${zoneId} in this sub-account; GET /v1/zones lists them` },
    ]);
  }
}

function setVehicleStatus(records: AccountRecords, vehicle: Vehicle, status: VehicleStatus, at: string): FleetEvent[] {
  if (vehicle.status === status) return [];
  records.vehicles.set(vehicle.id, { ...vehicle, status, updatedAt: at });
  const change = {
    vehicleId: vehicle.id,
    accountId: vehicle.accountId,
    previousStatus: vehicle.status,
    status,
    changedAt: at,
  };
  return [{ type: 'vehicle.status_changed', data: change }];
}
