/**
 * Operation ids and tags derived from a route's method and path, so SDK method names stay stable
 * as long as the routes do: `GET /v1/keys` → `listKeys`, `POST /v1/keys` → `createKey`,
 * `GET /v1/keys/{id}` → `getKey`, `POST /v1/keys/{id}/rotate` → `rotateKey`,
 * `GET /v1/keys/{id}/calls` → `listKeyCalls`. A route may name its own (`operationId`).
 */
import { isPathParameter, pathSegments, type RouteDefinition } from '../routes';
import { CONSOLE_PAGE_TAG, DOCS_PAGE_TAG } from './docs-operations';

const ITEM_VERBS: Record<string, string> = {
  GET: 'get',
  PUT: 'replace',
  PATCH: 'update',
  DELETE: 'delete',
  POST: 'post',
};
const COLLECTION_VERBS: Record<string, string> = {
  GET: 'list',
  POST: 'create',
  PUT: 'replace',
  PATCH: 'update',
  DELETE: 'delete',
};

export function operationIdOf(route: RouteDefinition & { operationId?: string }): string {
  if (route.operationId) return route.operationId;
  const segments = pathSegments(route.path).filter((segment) => !/^v\d+$/.test(segment));
  const last = segments.at(-1) ?? '';
  const nouns = segments.filter((segment) => !isPathParameter(segment));
  const afterItem = segments.length >= 2 && isPathParameter(segments.at(-2) ?? '');
  let words: string[];
  if (isPathParameter(last)) {
    // An item: `GET /keys/{id}` → getKey.
    words = [ITEM_VERBS[route.method] ?? route.method.toLowerCase(), ...nouns.map(singular)];
  } else if (afterItem && route.method === 'POST') {
    // An action on an item: `POST /webhooks/{id}/rotate-secret` → rotateWebhookSecret.
    const [verb = '', ...rest] = wordsOf(last);
    words = [verb, ...nouns.slice(0, -1).map(singular), ...rest];
  } else {
    // A collection: `GET /keys` → listKeys, `POST /keys` → createKey, `GET /keys/{id}/calls` → listKeyCalls.
    const parents = nouns.slice(0, -1).map(singular);
    const one = singular(last) === last;
    // A GET of something singular reads it (`GET /usage` → getUsage) rather than listing it.
    const verb = route.method === 'GET' && one ? 'get' : (COLLECTION_VERBS[route.method] ?? route.method.toLowerCase());
    words = [verb, ...parents, route.method === 'GET' ? last : singular(last)];
  }
  return camelCase(words.flatMap(wordsOf));
}

/** Area tags of the platform's routes, by the first segment after the version. */
const PLATFORM_TAGS: Record<string, string> = {
  keys: 'Keys',
  'audit-log': 'Audit log',
  usage: 'Usage',
  notifications: 'Notifications',
  webhooks: 'Webhooks',
  'webhook-event-types': 'Webhooks',
  events: 'Events',
  'secret-scanning': 'Secret scanning',
  whoami: 'Account',
  'openapi.json': 'Docs',
  docs: DOCS_PAGE_TAG,
  console: CONSOLE_PAGE_TAG,
};

/** The tag of a platform route; the team's routes are tagged by their resource. */
export function platformTagOf(path: string): string {
  const [first = '', second = ''] = pathSegments(path);
  const area = /^v\d+$/.test(first) ? second : first;
  return PLATFORM_TAGS[area] ?? camelCase(wordsOf(area)).replace(/^./, (c) => c.toUpperCase());
}

function wordsOf(segment: string): string[] {
  return segment.split(/[^A-Za-z0-9]+/).filter((word) => word.length > 0);
}

function singular(noun: string): string {
  if (noun.endsWith('ies')) return `${noun.slice(0, -3)}y`;
  if (noun.endsWith('s') && !noun.endsWith('ss')) return noun.slice(0, -1);
  return noun;
}

function camelCase(words: readonly string[]): string {
  return words
    .map((word, index) => {
      const lower = word.toLowerCase();
      return index === 0 ? lower : lower.charAt(0).toUpperCase() + lower.slice(1);
    })
    .join('');
}
