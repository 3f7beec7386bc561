/** A hash router: `#/keys/abc/calls?from=x` → the route `/keys/:id/calls` with params { id, from }. */
import { useEffect, useState } from 'preact/hooks';

export interface RouteMatch<Name extends string> {
  name: Name;
  params: Record<string, string>;
}

export function currentHashPath(): string {
  const hash = location.hash.replace(/^#/, '');
  return hash.startsWith('/') ? hash : '/keys';
}

export function matchRoute<Name extends string>(
  routes: readonly { name: Name; pattern: string }[],
  hashPath: string,
): RouteMatch<Name> | undefined {
  const [path = '', query = ''] = hashPath.split('?', 2);
  const parts = path.split('/').filter(Boolean);
  for (const route of routes) {
    const patternParts = route.pattern.split('/').filter(Boolean);
    if (patternParts.length !== parts.length) continue;
    const params: Record<string, string> = Object.fromEntries(new URLSearchParams(query));
    const matches = patternParts.every((part, index) => {
      const actual = parts[index] as string;
      if (part.startsWith(':')) {
        params[part.slice(1)] = decodeURIComponent(actual);
        return true;
      }
      return part === actual;
    });
    if (matches) return { name: route.name, params };
  }
  return undefined;
}

/** The current hash path, updated on every hashchange. */
export function useHashPath(): string {
  const [path, setPath] = useState(currentHashPath);
  useEffect(() => {
    const update = () => setPath(currentHashPath());
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return path;
}

export function navigateTo(path: string): void {
  const target = path.startsWith('#') ? path : `#${path.startsWith('/') ? path : `/${path}`}`;
  if (location.hash !== target) location.hash = target;
}
