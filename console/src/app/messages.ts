/**
 * All messages, merged from the shell's and every page's `messages.ts`. A page adds one import line
 * and one entry in MESSAGE_FILES; keys are namespaced by page ('keys.title'), so merging never overwrites.
 */

import { messages as audit } from '../pages/audit/messages';
import { messages as calls } from '../pages/calls/messages';
import { messages as keys } from '../pages/keys/messages';
import { messages as members } from '../pages/members/messages';
import { messages as notifications } from '../pages/notifications/messages';
import { messages as usage } from '../pages/usage/messages';
import { messages as webhooks } from '../pages/webhooks/messages';
import { messages as ui } from '../ui/messages';
import type { Locale } from './locale';
import { messages as shell } from './shell-messages';

export type Messages = Record<Locale, Record<string, string>>;

/** Every message file by name; the console merges them, and a unit test checks each has both languages. */
export const MESSAGE_FILES: Record<string, Messages> = {
  shell,
  ui,
  keys,
  usage,
  calls,
  audit,
  webhooks,
  notifications,
  members,
  // pages: import { messages as keys } from '../pages/keys/messages'; then list `keys` here.
};
const PAGE_MESSAGES = Object.values(MESSAGE_FILES);

export const messages: Messages = {
  en: Object.assign({}, ...PAGE_MESSAGES.map((m) => m.en)),
  de: Object.assign({}, ...PAGE_MESSAGES.map((m) => m.de)),
};

/** `{name}` placeholders are replaced by params; a missing German text falls back to English, then to the key. */
export function translate(locale: Locale, key: string, params?: Record<string, string | number>): string {
  const text = messages[locale][key] ?? messages.en[key] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}
