import { usageQueryInput } from '../definition/schemas/usage';
import { systemClock } from '../domain/clock';
import { usageReport } from '../domain/usage/usage-report';
import { route } from '../runtime/http';
import { validate } from '../runtime/http-request';
import { json } from '../runtime/http-response';
import { keyStore } from '../runtime/stores';
import { recentUsageStore, usageStore } from './stores';

const deps = { keys: keyStore, usage: usageStore, recent: recentUsageStore, clock: systemClock };

export const handler = route(async ({ event, caller }) => {
  const query = validate(usageQueryInput, event.queryStringParameters ?? {}, 'query');
  return json(200, await usageReport(deps, caller, query));
});
