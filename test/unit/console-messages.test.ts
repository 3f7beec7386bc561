import { messages as shell } from '../../console/src/app/shell-messages';
import { messages as audit } from '../../console/src/pages/audit/messages';
import { messages as calls } from '../../console/src/pages/calls/messages';
import { messages as keys } from '../../console/src/pages/keys/messages';
import { messages as members } from '../../console/src/pages/members/messages';
import { messages as notifications } from '../../console/src/pages/notifications/messages';
import { messages as usage } from '../../console/src/pages/usage/messages';
import { messages as webhooks } from '../../console/src/pages/webhooks/messages';
import { messages as ui } from '../../console/src/ui/messages';

// The message files themselves, not app/messages.ts: that one pulls in preact's DOM types.
const FILES: Record<string, { en: Record<string, string>; de: Record<string, string> }> = {
  shell,
  ui,
  keys,
  usage,
  calls,
  audit,
  webhooks,
  notifications,
  members,
};
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

describe('console messages', () => {
  it.each(
    Object.entries(FILES),
  )('%s: every English text has a German one with the same placeholders', (_name, file) => {
    const missing = Object.keys(file.en).filter((key) => !(key in file.de));
    const extra = Object.keys(file.de).filter((key) => !(key in file.en));
    const mismatched = Object.keys(file.en).filter(
      (key) => key in file.de && placeholders(file.en[key] ?? '').join() !== placeholders(file.de[key] ?? '').join(),
    );

    expect({ missing, extra, mismatched }).toEqual({ missing: [], extra: [], mismatched: [] });
  });

  it('never defines one key in two files, where the later would silently win', () => {
    const owners = new Map<string, string[]>();
    for (const [name, file] of Object.entries(FILES)) {
      for (const key of Object.keys(file.en)) owners.set(key, [...(owners.get(key) ?? []), name]);
    }

    expect([...owners].filter(([, files]) => files.length > 1)).toEqual([]);
  });
});
