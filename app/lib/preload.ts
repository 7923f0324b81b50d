import { useEffect } from 'react';
import { matchRoutes } from '@remix-run/react';

/** What Remix puts on `window` for its own start: the routes' code addresses, and the router. */
interface RemixGlobals {
  __remixManifest?: { routes: Record<string, { module: string; imports?: string[] } | undefined> };
  __remixRouter?: { routes: Parameters<typeof matchRoutes>[0] };
}

/**
 * Fetches the code of these pages once the browser is idle. Remix fetches a page's code when it is first
 * opened; with the network gone it cannot, so it reloads the document, and the browser shows its own
 * offline page. With the code here, the app itself says the server cannot be reached and offers 重试
 * (decision 023). Hashed files: the browser keeps them, so this costs one download per release.
 *
 * `pages` are loaded as modules (fetched and compiled now); `fetchOnly` pages' files are only fetched into
 * the browser's cache (a prefetch link), for code too large to compile on every page load (the editor):
 * opened offline, Remix finds them there.
 */
export function usePreloadPages(pages: readonly string[], fetchOnly: readonly string[] = []) {
  const key = `${pages.join(' ')}|${fetchOnly.join(' ')}`;
  useEffect(() => {
    const { __remixManifest: manifest, __remixRouter: router } = window as unknown as RemixGlobals;
    if (!manifest || !router) return;
    const [compiled, fetched] = key.split('|').map((list) => list.split(' ').filter(Boolean)
      .flatMap((path) => matchRoutes(router.routes, path) ?? [])
      .map((match) => (match.route.id ? manifest.routes[match.route.id] : undefined))
      .filter((route) => route !== undefined));
    const load = () => {
      for (const route of compiled) import(/* @vite-ignore */ route.module).catch(() => undefined);
      for (const href of new Set(fetched.flatMap((route) => [route.module, ...(route.imports ?? [])]))) {
        if (document.head.querySelector(`link[href="${CSS.escape(href)}"]`)) continue;
        const link = Object.assign(document.createElement('link'), { rel: 'prefetch', href, crossOrigin: 'anonymous' });
        document.head.append(link);
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
