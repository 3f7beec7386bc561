import { systemClock } from '../domain/clock';
import { route } from '../runtime/http';
import { pathParameter } from '../runtime/http-request';
import { json } from '../runtime/http-response';
import { notificationView } from './list';
import { notificationStore } from './store';

export const handler = route(async ({ event, caller }) => {
  const id = pathParameter(
    event,
    'id',
    /^ntf_[A-Za-z0-9]{1,64}$/,
    'ntf_ followed by letters or digits (see GET /v1/notifications)',
  );
  const notification = await notificationStore.markRead(
    caller.organizationId,
    caller.environment,
    id,
    systemClock().toISOString(),
  );
  return json(200, notificationView(notification));
});
