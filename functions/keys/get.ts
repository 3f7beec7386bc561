import { systemClock } from '../domain/clock';
import { getKey } from '../domain/keys/key-service';
import { keyView } from '../domain/keys/key-view';
import { route } from '../runtime/http';
import { json } from '../runtime/http-response';
import { keyStore } from '../runtime/stores';
import { keyIdOf } from './deps';

export const handler = route(async ({ event, caller }) => {
  const key = await getKey({ keys: keyStore }, caller, keyIdOf(event));
  return json(200, keyView(key, systemClock()));
});
