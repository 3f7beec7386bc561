import { systemClock } from '../domain/clock';
import { callView, listCalls } from '../domain/usage/call-log';
import type { CallSectionRef } from '../domain/usage/usage-model';
import { cursorCodec } from '../runtime/cursors';
import { route } from '../runtime/http';
import { pageOf } from '../runtime/http-request';
import { json } from '../runtime/http-response';
import { logger } from '../runtime/logger';
import { keyStore } from '../runtime/stores';
import { callArchive, recentUsageStore, usageStore } from '../usage/stores';
import { keyIdOf } from './deps';

export const handler = route(async ({ event, caller }) => {
  const deps = {
    keys: keyStore,
    // The call index of rolled-up hours and the recent windows after them, on the platform's table.
    callIndex: recentUsageStore,
    usage: usageStore,
    archive: callArchive(),
    clock: systemClock,
    cursors: cursorCodec,
    unreadable: (ref: CallSectionRef, error: unknown) =>
      logger.error('A call-log section does not decode: its calls are left out of the page', {
        object: ref.object,
        offset: ref.offset,
        length: ref.length,
        error: error instanceof Error ? error.message : String(error),
      }),
  };
  const page = await listCalls(deps, caller, keyIdOf(event), pageOf(event));
  return json(200, { items: page.items.map(callView), nextCursor: page.nextCursor ?? null });
});
