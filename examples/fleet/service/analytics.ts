/** The analytics routes: figures over one sub-account's rides. */
import type { RevenueAnalytics, Ride, RideAnalytics } from '../model';
import type { AccountRecords } from './store';

export function rideAnalytics(accountId: string, records: AccountRecords): RideAnalytics {
  const rides = [...records.rides.values()];
  const completed = rides.filter((ride) => ride.status === 'completed');
  const minutes = completed.reduce((sum, ride) => sum + (ride.durationMinutes ?? 0), 0);
  const distance = completed.reduce((sum, ride) => sum + (ride.distanceKm ?? 0), 0);
  return {
    accountId,
    rides: {
      total: rides.length,
      active: count(rides, 'active'),
      completed: completed.length,
      cancelled: count(rides, 'cancelled'),
    },
    averageDurationMinutes: completed.length === 0 ? 0 : Math.round((minutes / completed.length) * 10) / 10,
    totalDistanceKm: Math.round(distance * 10) / 10,
  };
}

/** Revenue of completed rides by the zone they started in, in minor units of each zone's currency. */
export function revenueAnalytics(accountId: string, records: AccountRecords): RevenueAnalytics {
  const byZone = [...records.zones.values()].map((zone) => {
    const rides = [...records.rides.values()].filter((ride) => ride.zoneId === zone.id && ride.status === 'completed');
    return {
      zoneId: zone.id,
      name: zone.name,
      currency: zone.pricing.currency,
      completedRides: rides.length,
      revenue: rides.reduce((sum, ride) => sum + (ride.cost?.amount ?? 0), 0),
    };
  });
  return { accountId, byZone };
}

function count(rides: Ride[], status: Ride['status']) {
  return rides.filter((ride) => ride.status === status).length;
}
