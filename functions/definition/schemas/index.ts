/**
 * The schema registry of the platform's routes, one module per area. A route missing here is
 * documented without request or response schemas (test/unit/route-schemas.test.ts requires them all).
 */

import { ACCOUNT_ROUTE_SCHEMAS } from './account';
import { CONSOLE_SESSION_ROUTE_SCHEMAS } from './console-sessions';
import { EVENT_ROUTE_SCHEMAS } from './events';
import { KEY_ROUTE_SCHEMAS } from './keys';
import { MEMBER_ROUTE_SCHEMAS } from './members';
import type { RouteKey, RouteSchemas } from './route-schemas';
import { USAGE_ROUTE_SCHEMAS } from './usage';
import { WEBHOOK_ROUTE_SCHEMAS } from './webhooks';

export const PLATFORM_ROUTE_SCHEMAS: Partial<Record<RouteKey, RouteSchemas>> = {
  ...KEY_ROUTE_SCHEMAS,
  ...ACCOUNT_ROUTE_SCHEMAS,
  ...USAGE_ROUTE_SCHEMAS,
  ...WEBHOOK_ROUTE_SCHEMAS,
  ...EVENT_ROUTE_SCHEMAS,
  ...MEMBER_ROUTE_SCHEMAS,
  ...CONSOLE_SESSION_ROUTE_SCHEMAS,
};
