import { systemClock } from '../domain/clock';
import { callView, listCalls } from '../domain/usage/call-log';
import { cursorCodec } from '../runtime/cursors';
import { route } from '../runtime/http';
import { pageOf } from '../runtime/http-request';
import { json } from '../runtime/http-response';
import { keyStore } from '../runtime/stores';
import { callArchive, recentUsageStore } from '../usage/stores';
import { keyIdOf } from './deps';

export const handler = route(async ({ event, caller }) => {
  const deps = {
    keys: keyStore,
    // The call index of rolled-up hours and the recent windows after them, on the platform's table.
    callIndex: recentUsageStore,
    archive: callArchive(),
    clock: systemClock,
    cursors: cursorCodec,
  };
  const page = await listCalls(deps, caller, keyIdOf(event), pageOf(event));
  return json(200, { items: page.items.map(callView), nextCursor: page.nextCursor ?? null });
});
