/**
 * Where to send the browser back to (after login, after the language switch): `to` resolved with the
 * URL parser against this app's own URL, as the browser will resolve the Location header, and kept only
 * when it lands on the same origin. Prefix checks miss what browsers read as another host (`/\evil`,
 * `/\t/evil`); the parser does not. Anything foreign or unreadable gives `fallback`.
 */
export function safeRedirect(to: unknown, ownUrl: string, fallback = '/'): string {
  if (typeof to !== 'string' || to === '') return fallback;
  try {
    const own = new URL(ownUrl);
    const target = new URL(to, own);
    // An opaque origin ('null', e.g. a forwarded protocol that is not http) equals every other one.
    if (own.origin === 'null' || target.origin !== own.origin) return fallback;
    // Only the local part is sent; it must resolve to this origin again (`http://app//evil` has the path `//evil`).
    const local = target.pathname + target.search + target.hash;
    return new URL(local, own).origin === own.origin ? local : fallback;
  } catch {
    return fallback;
  }
}
