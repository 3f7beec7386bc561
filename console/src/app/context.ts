/**
 * What every page gets from the shell: the API client of the environment shown, who is signed in,
 * translations, navigation and the notice line. Pages read it with `useConsole()` and never touch
 * the session token themselves.
 */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { ApiClient } from '../../../sdk/src/client';

import type { Locale, Translate } from './locale';

export type { Locale, Translate };
export type Environment = 'live' | 'test';
export type Role = 'owner' | 'admin' | 'member' | 'viewer';

/** The signed-in person, from GET /v1/whoami. */
export interface Me {
  memberId: string;
  email: string;
  role: Role;
  readOnly: boolean;
  organizationId: string;
  permissions: string[];
  accounts: '*' | string[];
}

export interface Organization {
  id: string;
  name: string;
  locale: Locale;
  accounts: { id: string; name: string }[];
}

export interface ConsoleContext {
  /** SDK client for the current environment's stage (session token as Bearer). */
  api: ApiClient;
  /** The environment switch: Live or Sandbox ('test'). */
  environment: Environment;
  me: Me;
  organization: Organization;
  /** False for viewers and read-only sessions: hide every control that changes anything. */
  canWrite: boolean;
  locale: Locale;
  t: Translate;
  /** Hash routes: navigate('/keys') or navigate('#/keys/<id>'). */
  navigate: (path: string) => void;
  /** Shows a message in the aria-live status line. */
  notify: (message: string, kind?: 'ok' | 'error') => void;
}

export const ConsoleContextValue = createContext<ConsoleContext | null>(null);

export function useConsole(): ConsoleContext {
  const value = useContext(ConsoleContextValue);
  if (!value) throw new Error('useConsole() outside the signed-in console shell');
  return value;
}

/** What a page component receives from the router: the route's named parts, e.g. { id }. */
export interface PageProps {
  params: Record<string, string>;
}
