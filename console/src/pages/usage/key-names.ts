/**
 * The environment's keys by id, for naming keys in filters and logs. One page of 100: an id not
 * among them (an older or deleted key) is shown by its id.
 */
import { useEffect, useState } from 'preact/hooks';
import { useConsole } from '../../app/context';

export interface KeyName {
  id: string;
  name: string;
  last8: string;
}

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

/** "Billing (…x7Yz9AbC)", or the id of a key not listed. */
export function keyLabel(keys: KeyName[], id: string): string {
  const key = keys.find((candidate) => candidate.id === id);
  return key ? `${key.name} (…${key.last8})` : id;
}
