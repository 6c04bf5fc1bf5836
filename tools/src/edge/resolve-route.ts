/** Where the edge serves an app: a path prefix, optionally only for one host. */
export interface EdgeRoute {
  app: string;
  /** Starts and ends with "/": `/catalog/`. */
  prefix: string;
  /** Lower-case host name without port; null = any host. */
  host: string | null;
}

/** A request matched to an app, with the path inside the app's bundle. */
export interface RouteMatch {
  route: EdgeRoute;
  /** The path below the prefix, still URL-encoded, without a leading "/" ("" for the shell). */
  rest: string;
}

/**
 * The edge's routes, longest prefix first. Pure. An app with a `route` in tessera.config.json
 * is served there (`/learn/catalog` or `shop.example.com/`); every other app under `/<app>/`.
 */
export function computeRoutes(apps: readonly string[], configured: Readonly<Record<string, { route?: string }>>): EdgeRoute[] {
  const routes = apps.map((app): EdgeRoute => {
    const route = configured[app]?.route;
    if (!route) return { app, prefix: `/${app}/`, host: null };
    const slash = route.indexOf('/');
    const host = slash > 0 ? route.slice(0, slash).toLowerCase() : null;
    const path = slash > 0 ? route.slice(slash) : route;
    return { app, prefix: path.endsWith('/') ? path : `${path}/`, host };
  });
  // More specific first: a host-bound route, then the longer prefix.
  return routes.sort((a, b) => Number(b.host !== null) - Number(a.host !== null) || b.prefix.length - a.prefix.length || a.app.localeCompare(b.app));
}

/** The route a request path (without query) and Host header fall under, or null. */
export function matchRoute(routes: readonly EdgeRoute[], path: string, hostHeader: string | undefined): RouteMatch | null {
  const host = hostHeader?.replace(/:\d+$/, '').toLowerCase() ?? null;
  for (const route of routes) {
    if (route.host !== null && route.host !== host) continue;
    if (path.startsWith(route.prefix)) return { route, rest: path.slice(route.prefix.length) };
    // `/catalog` without its slash is the shell too.
    if (path === route.prefix.slice(0, -1)) return { route, rest: '' };
  }
  return null;
}

/**
 * Decodes the path inside a bundle and refuses anything that could leave it: `..` or `.`
 * segments, backslashes, NUL and other control characters, or a "%" left after one decoding
 * (double encoding such as `%252e%252e`). Pure. Null = refuse (404).
 */
export function resolveBundlePath(rest: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rest);
  } catch {
    return null;
  }
  // eslint-disable-next-line no-control-regex
  if (/[\\\u0000-\u001f\u007f%]/.test(decoded)) return null;
  const segments = decoded.split('/');
  if (segments.some((s) => s === '..' || s === '.')) return null;
  const clean = segments.filter(Boolean).join('/');
  return clean;
}
