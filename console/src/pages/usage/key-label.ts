/** How the console names a key: by name and last 8 characters, or by id when it is not listed. */
export interface KeyName {
  id: string;
  name: string;
  last8: string;
}

/** "Billing (…x7Yz9AbC)", or the id of a key not listed. */
export function keyLabel(keys: KeyName[], id: string): string {
  const key = keys.find((candidate) => candidate.id === id);
  return key ? `${key.name} (…${key.last8})` : id;
}
