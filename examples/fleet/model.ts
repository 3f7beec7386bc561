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

const money = z.object({ amount: z.number().int(), currency: z.string().length(3) });

export const rideSchema = z.object({
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
});
export type Ride = z.infer<typeof rideSchema>;

export const vehicleSchema = z.object({
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
});
export type Vehicle = z.infer<typeof vehicleSchema>;

export const customerSchema = z.object({
  id: z.string(),
  accountId: z.string(),
  name: z.string(),
  email: z.string(),
  phone: z.string().optional(),
  status: z.enum(['active', 'blocked']),
  walletBalance: money,
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Customer = z.infer<typeof customerSchema>;

/** A pricing zone: what a ride that starts in it costs. */
export const zoneSchema = z.object({
  id: z.string(),
  accountId: z.string(),
  name: z.string(),
  pricing: z.object({ currency: z.string().length(3), unlockFee: z.number().int(), perMinute: z.number().int() }),
  updatedAt: z.string(),
});
export type Zone = z.infer<typeof zoneSchema>;

export const vehicleStatusChangeSchema = z.object({
  vehicleId: z.string(),
  accountId: z.string(),
  previousStatus: z.enum(VEHICLE_STATUSES),
  status: z.enum(VEHICLE_STATUSES),
  changedAt: z.string(),
});
export type VehicleStatusChange = z.infer<typeof vehicleStatusChangeSchema>;

/** A list answer: the first `limit` records, filtered and ordered (service/fleet.ts list). */
export const listOf = <Item extends z.ZodType>(item: Item) => z.object({ items: z.array(item) });

/** GET /v1/analytics/rides: ride counts and the completed rides' average duration and distance. */
export const rideAnalyticsSchema = z.object({
  accountId: z.string(),
  rides: z.object({
    total: z.number().int(),
    active: z.number().int(),
    completed: z.number().int(),
    cancelled: z.number().int(),
  }),
  averageDurationMinutes: z.number().min(0),
  totalDistanceKm: z.number().min(0),
});
export type RideAnalytics = z.infer<typeof rideAnalyticsSchema>;

/** GET /v1/analytics/revenue: completed rides' revenue by the zone they started in, in minor units. */
export const revenueAnalyticsSchema = z.object({
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
});
export type RevenueAnalytics = z.infer<typeof revenueAnalyticsSchema>;
