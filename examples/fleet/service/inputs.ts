/** What the fleet service accepts, checked with zod before anything changes. */
import { z } from 'zod';
import { exampleRide, RIDE_STATUSES, VEHICLE_STATUSES } from '../model';

const id = (prefix: string) =>
  z.string().regex(new RegExp(`^${prefix}_[a-z0-9]{1,40}$`), { error: `must be an id such as ${prefix}_…` });

/** Rides set `in_use`; nobody else may. */
const settableVehicleStatus = z.enum(VEHICLE_STATUSES).exclude(['in_use'], {
  error: `must be one of ${VEHICLE_STATUSES.filter((status) => status !== 'in_use').join(', ')}; in_use is set by starting a ride`,
});

const atLeastOne = (fields: string) => ({ error: `send at least one of ${fields}` });

export const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

export const rideListQuery = listQuery.extend({ status: z.enum(RIDE_STATUSES).optional() });
export const vehicleListQuery = listQuery.extend({ status: z.enum(VEHICLE_STATUSES).optional() });
export const customerListQuery = listQuery.extend({ status: z.enum(['active', 'blocked']).optional() });

export const startRideInput = z
  .strictObject({ vehicleId: id('vh'), customerId: id('cu') })
  .meta({ examples: [{ vehicleId: exampleRide.vehicleId, customerId: exampleRide.customerId }] });

export const endRideInput = z
  .strictObject({
    status: z.enum(['completed', 'cancelled'], { error: 'must be completed or cancelled' }),
    distanceKm: z.number().min(0).max(500).optional(),
    cancellationReason: z.string().min(1).max(200).optional(),
  })
  .refine((input) => input.status === 'completed' || input.distanceKm === undefined, {
    error: 'only a completed ride has a distance',
    path: ['distanceKm'],
  })
  .refine((input) => input.status === 'cancelled' || input.cancellationReason === undefined, {
    error: 'only a cancelled ride has a cancellation reason',
    path: ['cancellationReason'],
  })
  .meta({ examples: [{ status: 'completed', distanceKm: 4.2 }] });

export const createVehicleInput = z
  .strictObject({
    name: z.string().trim().min(1).max(32),
    model: z.string().trim().min(1).max(64),
    status: settableVehicleStatus.default('not_ready'),
    batteryLevel: z.number().int().min(0).max(100).default(100),
    zoneId: id('zn').optional(),
  })
  .meta({ examples: [{ name: 'VH-002', model: 'OKAI ES400', zoneId: exampleRide.zoneId }] });

export const updateVehicleInput = z
  .strictObject({
    name: z.string().trim().min(1).max(32).optional(),
    model: z.string().trim().min(1).max(64).optional(),
    status: settableVehicleStatus.optional(),
    batteryLevel: z.number().int().min(0).max(100).optional(),
    zoneId: id('zn').optional(),
  })
  .refine((input) => Object.keys(input).length > 0, atLeastOne('name, model, status, batteryLevel, zoneId'))
  .meta({ examples: [{ status: 'maintenance', batteryLevel: 12 }] });

export const updateCustomerInput = z
  .strictObject({
    name: z.string().trim().min(1).max(100).optional(),
    email: z.email().optional(),
    phone: z
      .string()
      .regex(/^\+?[0-9 ()-]{5,20}$/, { error: 'must be a phone number' })
      .optional(),
    status: z.enum(['active', 'blocked']).optional(),
  })
  .refine((input) => Object.keys(input).length > 0, atLeastOne('name, email, phone, status'))
  .meta({ examples: [{ phone: '+49 30 901820', status: 'active' }] });

export const updateZoneInput = z
  .strictObject({
    name: z.string().trim().min(1).max(64).optional(),
    pricing: z
      .strictObject({
        unlockFee: z.number().int().min(0).max(10_000).optional(),
        perMinute: z.number().int().min(0).max(1_000).optional(),
      })
      .refine((pricing) => Object.keys(pricing).length > 0, atLeastOne('unlockFee, perMinute'))
      .optional(),
  })
  .refine((input) => Object.keys(input).length > 0, atLeastOne('name, pricing'))
  .meta({ examples: [{ pricing: { perMinute: 18 } }] });

export type StartRideInput = z.infer<typeof startRideInput>;
export type EndRideInput = z.infer<typeof endRideInput>;
export type CreateVehicleInput = z.infer<typeof createVehicleInput>;
export type UpdateVehicleInput = z.infer<typeof updateVehicleInput>;
export type UpdateCustomerInput = z.infer<typeof updateCustomerInput>;
export type UpdateZoneInput = z.infer<typeof updateZoneInput>;
