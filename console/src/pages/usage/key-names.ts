/**
 * The environment's keys by id, for naming keys in filters and logs. One page of 100: an id not
 * among them (an older or deleted key) is shown by its id.
 */
import { useEffect, useState } from 'preact/hooks';
import { useConsole } from '../../app/context';
import type { KeyName } from './key-label';

export function useKeyNames(): KeyName[] {
  const { api, environment } = useConsole();
  const [keys, setKeys] = useState<KeyName[]>([]);
  useEffect(() => {
    let current = true;
    api
      .GET('/v1/keys', { params: { query: { limit: 100 } } })
      .then((page) => {
        if (current) setKeys(page.items.map(({ id, name, last8 }) => ({ id, name, last8 })));
      })
      // Names are a nicety: without them keys are shown by id.
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, [api, environment]);
  return keys;
}
