/**
 * The schema registry of the platform's routes, one module per area. A route missing here is
 * documented without request or response schemas (test/unit/route-schemas.test.ts requires them all).
 */
import type { RouteKey, RouteSchemas } from './route-schemas';

export const PLATFORM_ROUTE_SCHEMAS: Partial<Record<RouteKey, RouteSchemas>> = {};
