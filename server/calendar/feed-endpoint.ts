import type { Kysely } from 'kysely';
import type { RequestHandler } from 'express';
import type { DB } from '../../db/schema';
import type { Config } from '../config';
import type { RateLimits } from '../rate-limits';
import { requestHost } from '../auth/origin';
import { acceptsGzip } from '../compression';
import { renderFeed } from '../services/calendar-feed';
import { RateLimitedError } from '../services/errors';
import { localeOfCookies, translate } from '../../shared/i18n';
import { icsHeaders } from './ics';

/**
 * GET /calendar/<token>.ics: a user's private iCalendar feed, for calendar apps (no session: the
 * token is the credential). Exactly the events the token's owner may read; an unknown or revoked
 * token is a 404, a feed fetched too often a 429.
 *
 * Served by Express ahead of Remix (decision 21): calendar apps poll it unattended, and most polls
 * are answered from the rendered feed after one statement, so Remix's per-request work (matching
 * every route anew, a web Request and a streamed Response) was most of a poll's cost.
 */
export function feedEndpoint(deps: { db: Kysely<DB>; config: Pick<Config, 'trustProxy'>; rateLimits: RateLimits }): RequestHandler {
  return async (req, res, next) => {
    const name = req.params.feed ?? '';
    const token = name.endsWith('.ics') ? name.slice(0, -4) : '';
    let feed: Awaited<ReturnType<typeof renderFeed>>;
    try {
      feed = await renderFeed(deps.db, token, `${req.protocol}://${requestHost(req, deps.config)}`, { rateLimits: deps.rateLimits });
    } catch (err) {
      if (!(err instanceof RateLimitedError)) return next(err);
      res.status(429).set('Retry-After', '3600').type('text/plain; charset=utf-8')
        .send(translate(localeOfCookies(req.headers.cookie), err.messageKey));
      return;
    }
    if (feed === null) {
      res.status(404).type('text/plain; charset=utf-8').send('not found');
      return;
    }
    // Private (never in a shared cache) but revalidated rather than refetched: see If-None-Match below.
    res.set({ ...icsHeaders('inline; filename="calendar.ics"'), 'Cache-Control': 'private, no-cache', Vary: 'Accept-Encoding', ETag: feed.etag });
    // A calendar app that kept the last copy asks whether it changed: nothing to send when it did not.
    if (req.headers['if-none-match'] === feed.etag) {
      res.status(304).end();
      return;
    }
    // Calendar apps poll with gzip; the feed keeps its compressed form (about a tenth of the size).
    // Content-Length is set here so that a HEAD request, which sends no body, is told it too.
    if (acceptsGzip(req.headers['accept-encoding'])) {
      res.set({ 'Content-Encoding': 'gzip', 'Content-Length': String(feed.gzip.length) }).end(feed.gzip);
      return;
    }
    res.set('Content-Length', String(Buffer.byteLength(feed.ics))).end(feed.ics);
  };
}
