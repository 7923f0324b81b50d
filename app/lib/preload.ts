import { useEffect } from 'react';
import { matchRoutes } from '@remix-run/react';

/** What Remix puts on `window` for its own start: the routes' code addresses, and the router. */
interface RemixGlobals {
  __remixManifest?: { routes: Record<string, { module: string } | undefined> };
  __remixRouter?: { routes: Parameters<typeof matchRoutes>[0] };
}

/**
 * Fetches the code of these pages once the browser is idle. Remix fetches a page's code when it is first
 * opened; with the network gone it cannot, so it reloads the document, and the browser shows its own
 * offline page. With the code here, the app itself says the server cannot be reached and offers 重试
 * (decision 023). Hashed files: the browser keeps them, so this costs one download per release.
 */
export function usePreloadPages(paths: readonly string[]) {
  const key = paths.join(' ');
  useEffect(() => {
    const { __remixManifest: manifest, __remixRouter: router } = window as unknown as RemixGlobals;
    if (!manifest || !router) return;
    const load = () => {
      for (const match of key.split(' ').flatMap((path) => matchRoutes(router.routes, path) ?? [])) {
        const module = match.route.id ? manifest.routes[match.route.id]?.module : undefined;
        if (module) import(/* @vite-ignore */ module).catch(() => undefined);
      }
    };
    // Safari has no requestIdleCallback.
    if (!('requestIdleCallback' in window)) {
      const timer = setTimeout(load, 2000);
      return () => clearTimeout(timer);
    }
    const idle = requestIdleCallback(load, { timeout: 5000 });
    return () => cancelIdleCallback(idle);
  }, [key]);
}
