import type { LoaderFunctionArgs } from '@remix-run/node';
import { renderFeed } from '../../server/services/calendar-feed';
import { icsHeaders } from '../../server/calendar/ics';
import { RateLimitedError } from '../../server/services/errors';
import { translate } from '../../shared/i18n';
import { callContext } from '../lib/session.server';
import { localeFrom } from '../lib/locale.server';

/**
 * GET /calendar/<token>.ics: a user's private iCalendar feed, for calendar apps (no session: the
 * token is the credential). Exactly the events the token's owner may read; unknown or revoked
 * tokens are a 404, and a feed fetched too often a 429.
 */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const name = params.feed ?? '';
  const token = name.endsWith('.ics') ? name.slice(0, -4) : '';
  const feed = await renderFeed(context.db, token, new URL(request.url).origin, callContext(context)).catch((err) => {
    if (err instanceof RateLimitedError) {
      throw new Response(translate(localeFrom(request), err.messageKey), { status: 429, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Retry-After': '3600' } });
    }
    throw err;
  });
  if (feed === null) throw new Response('not found', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  // Private (never in a shared cache) but revalidated rather than refetched: see If-None-Match below.
  const headers = { ...icsHeaders('inline; filename="calendar.ics"'), 'Cache-Control': 'private, no-cache', Vary: 'Accept-Encoding', ETag: feed.etag };
  // A calendar app that kept the last copy asks whether it changed: nothing to send when it did not.
  if (request.headers.get('If-None-Match') === feed.etag) return new Response(null, { status: 304, headers });
  // Calendar apps poll with gzip; the feed keeps its compressed form (about a tenth of the size).
  if (/\bgzip\b/.test(request.headers.get('Accept-Encoding') ?? '')) {
    return new Response(new Uint8Array(feed.gzip), { headers: { ...headers, 'Content-Encoding': 'gzip', 'Content-Length': String(feed.gzip.length) } });
  }
  return new Response(feed.ics, { headers });
}
