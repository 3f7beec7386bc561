/**
 * The fleet service's in-memory store. Records live per organization, key environment and
 * sub-account, so one organization never reads another's and sandbox keys never touch live data.
 * A sub-account seen for the first time gets a small seeded fleet, so a new key has data to read.
 */
import { randomBytes } from 'node:crypto';
import type { Customer, Ride, Vehicle, Zone } from '../model';

/** Whose records: the caller's organization and environment, and the sub-account it names. */
export interface Scope {
  organizationId: string;
  environment: string;
  accountId: string;
}

export interface AccountRecords {
  rides: Map<string, Ride>;
  vehicles: Map<string, Vehicle>;
  customers: Map<string, Customer>;
  zones: Map<string, Zone>;
}

export type Clock = () => Date;
export type IdOf = (prefix: 'rd' | 'vh' | 'cu' | 'zn') => string;

export const randomId: IdOf = (prefix) => `${prefix}_${randomBytes(10).toString('hex')}`;

export class FleetStore {
  private readonly accounts = new Map<string, AccountRecords>();

  constructor(
    readonly clock: Clock = () => new Date(),
    readonly newId: IdOf = randomId,
  ) {}

  /** The sub-account's records, seeded on first use. */
  recordsOf(scope: Scope): AccountRecords {
    const key = JSON.stringify([scope.organizationId, scope.environment, scope.accountId]);
    let records = this.accounts.get(key);
    if (!records) {
      records = seedFleet(scope.accountId, this.clock(), this.newId);
      this.accounts.set(key, records);
    }
    return records;
  }
}

/** Two pricing zones, three vehicles, two customers and one finished ride. */
export function seedFleet(accountId: string, now: Date, newId: IdOf): AccountRecords {
  const at = (minutesAgo: number) => new Date(now.getTime() - minutesAgo * 60_000).toISOString();
  const zone = (name: string, unlockFee: number, perMinute: number): Zone => ({
    id: newId('zn'),
    accountId,
    name,
    pricing: { currency: 'EUR', unlockFee, perMinute },
    updatedAt: at(10_000),
  });
  const centre = zone('City centre', 100, 25);
  const airport = zone('Airport', 150, 35);
  const vehicle = (name: string, status: Vehicle['status'], batteryLevel: number, zoneId: string): Vehicle => ({
    id: newId('vh'),
    accountId,
    name,
    model: 'OKAI ES400',
    status,
    batteryLevel,
    zoneId,
    createdAt: at(10_000),
    updatedAt: at(60),
  });
  const vehicles = [
    vehicle('VH-001', 'available', 87, centre.id),
    vehicle('VH-002', 'charging', 35, centre.id),
    vehicle('VH-003', 'available', 64, airport.id),
  ];
  const customer = (name: string, email: string, balance: number): Customer => ({
    id: newId('cu'),
    accountId,
    name,
    email,
    status: 'active',
    walletBalance: { amount: balance, currency: 'EUR' },
    createdAt: at(20_000),
    updatedAt: at(20_000),
  });
  const customers = [
    customer('Ada Lovelace', 'ada@example.com', 2000),
    customer('Alan Turing', 'alan@example.com', 500),
  ];
  const ride: Ride = {
    id: newId('rd'),
    accountId,
    vehicleId: (vehicles[0] as Vehicle).id,
    customerId: (customers[0] as Customer).id,
    zoneId: centre.id,
    status: 'completed',
    startedAt: at(180),
    endedAt: at(162),
    durationMinutes: 18,
    distanceKm: 4.6,
    cost: { amount: 100 + 18 * 25, currency: 'EUR' },
    updatedAt: at(162),
  };
  const byId = <T extends { id: string }>(items: T[]) => new Map(items.map((item) => [item.id, item]));
  return {
    rides: byId([ride]),
    vehicles: byId(vehicles),
    customers: byId(customers),
    zones: byId([centre, airport]),
  };
}
