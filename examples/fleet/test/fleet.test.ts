/** The fleet service's domain: rides, vehicles, customers and zones on one sub-account's records. */
import type { Vehicle } from '../model';
import {
  deleteVehicle,
  endRide,
  MINIMUM_BATTERY_TO_RIDE,
  startRide,
  updateCustomer,
  updateVehicle,
  updateZone,
} from '../service/fleet';
import { type AccountRecords, type IdOf, seedFleet } from '../service/store';

const START = new Date('2026-11-30T08:00:00.000Z');
const minutesAfterStart = (minutes: number, seconds = 0) =>
  new Date(START.getTime() + minutes * 60_000 + seconds * 1000);

function sequentialIds(): IdOf {
  let next = 0;
  return (prefix) => `${prefix}_${(next++).toString(16).padStart(4, '0')}`;
}

function aFleet() {
  const newId = sequentialIds();
  const records = seedFleet('acc_1', new Date('2026-11-01T00:00:00.000Z'), newId);
  const vehicles = [...records.vehicles.values()];
  const available = vehicles.find((vehicle) => vehicle.status === 'available') as Vehicle;
  const charging = vehicles.find((vehicle) => vehicle.status === 'charging') as Vehicle;
  const customer = [...records.customers.values()][0] as { id: string };
  return { records, newId, available, charging, customer };
}

const snapshot = (records: AccountRecords) => JSON.stringify(Object.values(records).map((map) => [...map]));

describe('startRide', () => {
  it('starts a ride in the vehicle’s zone and puts the vehicle in use, with both events', () => {
    const { records, newId, available, customer } = aFleet();

    const { result: ride, events } = startRide(
      records,
      { vehicleId: available.id, customerId: customer.id },
      START,
      newId,
    );

    expect(ride).toMatchObject({ status: 'active', zoneId: available.zoneId, startedAt: START.toISOString() });
    expect(records.vehicles.get(available.id)?.status).toBe('in_use');
    expect(events.map((event) => event.type)).toEqual(['ride.started', 'vehicle.status_changed']);
    expect(events[1]?.data).toMatchObject({ vehicleId: available.id, previousStatus: 'available', status: 'in_use' });
  });

  it('refuses a vehicle that is not available and changes nothing', () => {
    const { records, newId, charging, customer } = aFleet();
    const before = snapshot(records);

    const start = () => startRide(records, { vehicleId: charging.id, customerId: customer.id }, START, newId);

    expect(start).toThrow(expect.objectContaining({ status: 409, message: expect.stringContaining('charging') }));
    expect(snapshot(records)).toBe(before);
  });

  it('refuses a blocked customer and a vehicle below the minimum battery', () => {
    const { records, newId, available, customer } = aFleet();
    updateCustomer(records, customer.id, { status: 'blocked' }, START);
    expect(() => startRide(records, { vehicleId: available.id, customerId: customer.id }, START, newId)).toThrow(
      expect.objectContaining({ status: 409, message: expect.stringContaining('blocked') }),
    );

    const other = aFleet();
    updateVehicle(other.records, other.available.id, { batteryLevel: MINIMUM_BATTERY_TO_RIDE - 1 }, START);
    expect(() =>
      startRide(other.records, { vehicleId: other.available.id, customerId: other.customer.id }, START, other.newId),
    ).toThrow(expect.objectContaining({ status: 409, message: expect.stringContaining('battery') }));
  });

  it('answers 404 for a vehicle of no record', () => {
    const { records, newId, customer } = aFleet();

    expect(() => startRide(records, { vehicleId: 'vh_ffff', customerId: customer.id }, START, newId)).toThrow(
      expect.objectContaining({ status: 404 }),
    );
  });
});

describe('endRide', () => {
  function aStartedRide() {
    const fleet = aFleet();
    const { result } = startRide(
      fleet.records,
      { vehicleId: fleet.available.id, customerId: fleet.customer.id },
      START,
      fleet.newId,
    );
    return { ...fleet, ride: result };
  }

  it('charges the unlock fee and every started minute at the zone’s prices, and frees the vehicle', () => {
    const { records, ride, available } = aStartedRide();
    const pricing = records.zones.get(ride.zoneId)?.pricing;

    const { result, events } = endRide(
      records,
      ride.id,
      { status: 'completed', distanceKm: 3.2 },
      minutesAfterStart(12, 1),
    );

    expect(result).toMatchObject({
      status: 'completed',
      durationMinutes: 13,
      distanceKm: 3.2,
      cost: { amount: (pricing?.unlockFee ?? NaN) + 13 * (pricing?.perMinute ?? NaN), currency: 'EUR' },
    });
    expect(records.vehicles.get(available.id)?.status).toBe('available');
    expect(events.map((event) => event.type)).toEqual(['ride.completed', 'vehicle.status_changed']);
  });

  it('cancels without a cost', () => {
    const { records, ride } = aStartedRide();

    const { result, events } = endRide(
      records,
      ride.id,
      { status: 'cancelled', cancellationReason: 'Would not unlock' },
      minutesAfterStart(1),
    );

    expect(result.cost).toBeUndefined();
    expect(result.cancellationReason).toBe('Would not unlock');
    expect(events[0]?.type).toBe('ride.cancelled');
  });

  it('refuses to end a ride twice', () => {
    const { records, ride } = aStartedRide();
    endRide(records, ride.id, { status: 'completed' }, minutesAfterStart(5));

    expect(() => endRide(records, ride.id, { status: 'cancelled' }, minutesAfterStart(6))).toThrow(
      expect.objectContaining({ status: 409, message: expect.stringContaining('already completed') }),
    );
  });
});

describe('vehicles', () => {
  it('publishes vehicle.status_changed only when the status changes', () => {
    const { records, charging } = aFleet();

    const unchanged = updateVehicle(records, charging.id, { status: 'charging', batteryLevel: 90 }, START);
    const changed = updateVehicle(records, charging.id, { status: 'available' }, START);

    expect(unchanged.events).toEqual([]);
    expect(unchanged.result.batteryLevel).toBe(90);
    expect(changed.events).toEqual([
      {
        type: 'vehicle.status_changed',
        data: expect.objectContaining({ previousStatus: 'charging', status: 'available' }),
      },
    ]);
  });

  it('keeps a vehicle on a ride: no status change and no deletion', () => {
    const { records, newId, available, customer } = aFleet();
    startRide(records, { vehicleId: available.id, customerId: customer.id }, START, newId);

    expect(() => updateVehicle(records, available.id, { status: 'maintenance' }, START)).toThrow(
      expect.objectContaining({ status: 409 }),
    );
    expect(() => deleteVehicle(records, available.id)).toThrow(expect.objectContaining({ status: 409 }));
    expect(records.vehicles.get(available.id)?.status).toBe('in_use');
  });

  it('refuses a zone the sub-account does not have, naming the field', () => {
    const { records, charging } = aFleet();

    expect(() => updateVehicle(records, charging.id, { zoneId: 'zn_ffff' }, START)).toThrow(
      expect.objectContaining({ status: 400, fields: [expect.objectContaining({ field: 'zoneId' })] }),
    );
  });
});

describe('updateZone', () => {
  it('changes the prices sent and keeps the others', () => {
    const { records } = aFleet();
    const zone = [...records.zones.values()][0];

    const { result } = updateZone(records, zone?.id as string, { pricing: { perMinute: 40 } }, START);

    expect(result.pricing).toEqual({ ...zone?.pricing, perMinute: 40 });
  });
});
