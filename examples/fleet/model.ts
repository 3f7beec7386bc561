/**
 * Levy Fleets' records as its API returns them and its events carry them. One module for both, so
 * an event's data is the same object a GET returns. Money is in minor units (cents).
 */
import { z } from 'zod';

/** A vehicle's operational status, as the fleet dashboard shows it. */
export const VEHICLE_STATUSES = ['available', 'in_use', 'maintenance', 'not_ready', 'charging', 'offline'] as const;
export type VehicleStatus = (typeof VEHICLE_STATUSES)[number];

export const RIDE_STATUSES = ['active', 'completed', 'cancelled'] as const;
export type RideStatus = (typeof RIDE_STATUSES)[number];

/**
 * The records the API docs show, one sub-account's: a ride started on a vehicle in a zone, by a
 * customer. The events' examples (api.ts) are these records as they change.
 */
const exampleAccount = 'acc_3f9a1c2b7d4e5f60';
export const exampleRide = {
  id: 'rd_5b0c9e3f1a2d4c6e8f70',
  accountId: exampleAccount,
  vehicleId: 'vh_8c1d2e3f4a5b6c7d8e90',
  customerId: 'cu_1a2b3c4d5e6f7a8b9c0d',
  zoneId: 'zn_0d9c8b7a6f5e4d3c2b1a',
  status: 'active' as RideStatus,
  startedAt: '2026-11-30T08:15:00.000Z',
  updatedAt: '2026-11-30T08:15:00.000Z',
};
/** exampleRide ended after 17 minutes in exampleZone: 100 + 17 × 15 cents. */
export const exampleCompletedRide = {
  ...exampleRide,
  status: 'completed' as RideStatus,
  endedAt: '2026-11-30T08:32:00.000Z',
  durationMinutes: 17,
  distanceKm: 4.2,
  cost: { amount: 355, currency: 'EUR' },
  updatedAt: '2026-11-30T08:32:00.000Z',
};
export const exampleVehicle = {
  id: exampleRide.vehicleId,
  accountId: exampleAccount,
  name: 'VH-001',
  model: 'OKAI ES400',
  status: 'available' as VehicleStatus,
  batteryLevel: 87,
  zoneId: exampleRide.zoneId,
  createdAt: '2026-11-01T07:00:00.000Z',
  updatedAt: '2026-11-30T08:00:00.000Z',
};
export const exampleCustomer = {
  id: exampleRide.customerId,
  accountId: exampleAccount,
  name: 'Grace Hopper',
  email: 'grace@example.com',
  status: 'active' as 'active' | 'blocked',
  walletBalance: { amount: 1200, currency: 'EUR' },
  createdAt: '2026-10-02T12:00:00.000Z',
  updatedAt: '2026-11-30T09:00:00.000Z',
};
export const exampleZone = {
  id: exampleRide.zoneId,
  accountId: exampleAccount,
  name: 'Berlin Mitte',
  pricing: { currency: 'EUR', unlockFee: 100, perMinute: 15 },
  updatedAt: '2026-11-01T07:00:00.000Z',
};

const money = z.object({ amount: z.number().int(), currency: z.string().length(3) });

export const rideSchema = z
  .object({
    id: z.string(),
    accountId: z.string(),
    vehicleId: z.string(),
    customerId: z.string(),
    zoneId: z.string(),
    status: z.enum(RIDE_STATUSES),
    startedAt: z.string(),
    endedAt: z.string().optional(),
    durationMinutes: z.number().int().min(0).optional(),
    distanceKm: z.number().min(0).optional(),
    cost: money.optional(),
    cancellationReason: z.string().optional(),
    updatedAt: z.string(),
  })
  .meta({ examples: [exampleCompletedRide] });
export type Ride = z.infer<typeof rideSchema>;

export const vehicleSchema = z
  .object({
    id: z.string(),
    accountId: z.string(),
    /** The fleet number painted on the vehicle, such as VH-001. */
    name: z.string(),
    model: z.string(),
    status: z.enum(VEHICLE_STATUSES),
    batteryLevel: z.number().int().min(0).max(100),
    zoneId: z.string().optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ examples: [exampleVehicle] });
export type Vehicle = z.infer<typeof vehicleSchema>;

export const customerSchema = z
  .object({
    id: z.string(),
    accountId: z.string(),
    name: z.string(),
    email: z.string(),
    phone: z.string().optional(),
    status: z.enum(['active', 'blocked']),
    walletBalance: money,
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ examples: [exampleCustomer] });
export type Customer = z.infer<typeof customerSchema>;

/** A pricing zone: what a ride that starts in it costs. */
export const zoneSchema = z
  .object({
    id: z.string(),
    accountId: z.string(),
    name: z.string(),
    pricing: z.object({ currency: z.string().length(3), unlockFee: z.number().int(), perMinute: z.number().int() }),
    updatedAt: z.string(),
  })
  .meta({ examples: [exampleZone] });
export type Zone = z.infer<typeof zoneSchema>;

export const vehicleStatusChangeSchema = z.object({
  vehicleId: z.string(),
  accountId: z.string(),
  previousStatus: z.enum(VEHICLE_STATUSES),
  status: z.enum(VEHICLE_STATUSES),
  changedAt: z.string(),
});
export type VehicleStatusChange = z.infer<typeof vehicleStatusChangeSchema>;

/** A list answer: the first `limit` records, filtered and ordered (service/fleet.ts list). Its example: the item's. */
export function listOf<Item extends z.ZodType>(item: Item) {
  const itemExamples = (z.globalRegistry.get(item)?.examples as unknown[] | undefined) ?? [];
  return z.object({ items: z.array(item) }).meta({ examples: [{ items: itemExamples.slice(0, 1) }] });
}

/** GET /v1/analytics/rides: ride counts and the completed rides' average duration and distance. */
export const rideAnalyticsSchema = z
  .object({
    accountId: z.string(),
    rides: z.object({
      total: z.number().int(),
      active: z.number().int(),
      completed: z.number().int(),
      cancelled: z.number().int(),
    }),
    averageDurationMinutes: z.number().min(0),
    totalDistanceKm: z.number().min(0),
  })
  .meta({
    examples: [
      {
        accountId: exampleAccount,
        rides: { total: 42, active: 3, completed: 36, cancelled: 3 },
        averageDurationMinutes: 14.5,
        totalDistanceKm: 151.2,
      },
    ],
  });
export type RideAnalytics = z.infer<typeof rideAnalyticsSchema>;

/** GET /v1/analytics/revenue: completed rides' revenue by the zone they started in, in minor units. */
export const revenueAnalyticsSchema = z
  .object({
    accountId: z.string(),
    byZone: z.array(
      z.object({
        zoneId: z.string(),
        name: z.string(),
        currency: z.string().length(3),
        completedRides: z.number().int(),
        revenue: z.number().int(),
      }),
    ),
  })
  .meta({
    examples: [
      {
        accountId: exampleAccount,
        byZone: [
          { zoneId: exampleZone.id, name: exampleZone.name, currency: 'EUR', completedRides: 36, revenue: 11_880 },
        ],
      },
    ],
  });
export type RevenueAnalytics = z.infer<typeof revenueAnalyticsSchema>;
