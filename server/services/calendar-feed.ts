import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import { withActor } from '../../db';
import { deleteFeed, findFeed, findFeedState, listFeedEvents, replaceFeed, type EventRow } from '../../db/queries/events';
import { can, type Actor } from '../../shared/policy';
import { translate } from '../../shared/i18n';
import { buildCalendar, type IcsEvent } from '../calendar/ics';
import { gzipAsync } from '../compression';
import { dbActor } from './actor';
import { rateLimit, type CallContext } from './call';
import { toRecordRef } from './notices';
import { loadEvent } from './calendar';
import { linkedEntries, type LinkedEntry } from './calendar-linked';

/**
 * 订阅日历: each user's private iCalendar feed (decision 17) and single-event downloads. The events
 * are read as their reader under row-level security, exactly as the calendar pages read them.
 */

const hashToken = (token: string) => crypto.createHash('sha256').update(token).digest('hex');
/** Feed tokens are 32 bytes, base64url: the URL is the only credential a calendar app has. */
export const FEED_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
/** The token of a user's feed: an HMAC of its salt under the server's secret (never stored). */
const feedToken = (secret: string, userId: string, salt: string) =>
  crypto.createHmac('sha256', secret).update(`calendar-feed:${userId}:${salt}`).digest('base64url');

function toIcs(e: EventRow, locale: 'zh-CN' | 'en' = 'zh-CN'): IcsEvent {
  return {
    id: e.id, title: e.title, kindLabel: translate(locale, `calendar.kind.${e.kind}`), place: e.place, onlineUrl: e.onlineUrl,
    // Committees, not people: ORGANIZER would be a person's address (decision 20).
    notes: [`${translate(locale, 'calendar.organisers')}：${e.organisers.map((o) => o.name).join('、')}`],
    description: e.description, startsAt: e.startsAt, endsAt: e.endsAt, allDay: e.allDay, rrule: e.rrule,
    sequence: e.sequence, updatedAt: e.updatedAt, exceptions: e.exceptions,
  };
}

/** An entry entered elsewhere (a stop, a supervision activity), under its own UID and linking its page. */
function linkedToIcs(l: LinkedEntry, locale: 'zh-CN' | 'en' = 'zh-CN'): IcsEvent {
  const prefix = l.supervision ? translate(locale, `proposal.supervision.${l.supervision}`) : translate(locale, 'calendar.itinerary');
  return {
    id: l.uid, path: l.href, title: `${prefix}：${l.title}`, kindLabel: translate(locale, `calendar.kind.${l.kind}`),
    notes: l.stop?.hostUnit ? [`${translate(locale, 'inspection.stop.hostUnit')}：${l.stop.hostUnit}`] : [],
    place: l.place, onlineUrl: '', description: '', startsAt: l.start, endsAt: l.end, allDay: l.allDay, rrule: null,
    sequence: 0, updatedAt: l.updatedAt, exceptions: null,
  };
}

/** The user's own feed token, or null when they have none (never made, or revoked). */
export async function getFeedToken(db: Kysely<DB>, actor: Actor, secret: string): Promise<string | null> {
  const feed = await withActor(db, dbActor(actor), (trx) => findFeed(trx, actor.id));
  return feed ? feedToken(secret, actor.id, feed.salt) : null;
}

/** A new feed token; the old one stops working at once. */
export async function regenerateFeed(db: Kysely<DB>, actor: Actor, secret: string): Promise<string> {
  const salt = crypto.randomBytes(16).toString('hex');
  const token = feedToken(secret, actor.id, salt);
  await withActor(db, dbActor(actor), (trx) => replaceFeed(trx, actor.id, salt, hashToken(token)));
  return token;
}

export async function revokeFeed(db: Kysely<DB>, actor: Actor) {
  await withActor(db, dbActor(actor), (trx) => deleteFeed(trx, actor.id));
}

/**
 * Rendered feeds, by owner, readable workspaces and the fingerprint of what they hold: a calendar
 * app polls the same text again and again. Kept with its gzip form (calendar apps accept it; a feed
 * shrinks about tenfold). Bounded by size; each process keeps its own.
 */
export interface RenderedFeed { ics: string; gzip: Buffer; etag: string }
const renderedFeeds = new Map<string, { key: string; feed: RenderedFeed }>();
const RENDERED_FEEDS_MAX_BYTES = 32 * 1024 * 1024;
let renderedFeedsBytes = 0;
const sizeOf = (f: RenderedFeed) => f.ics.length * 2 + f.gzip.length;
function rememberFeed(ownerId: string, key: string, feed: RenderedFeed) {
  const old = renderedFeeds.get(ownerId);
  if (old) { renderedFeeds.delete(ownerId); renderedFeedsBytes -= sizeOf(old.feed); }
  renderedFeeds.set(ownerId, { key, feed });
  renderedFeedsBytes += sizeOf(feed);
  for (const [id, entry] of renderedFeeds) {
    if (renderedFeedsBytes <= RENDERED_FEEDS_MAX_BYTES) break;
    renderedFeeds.delete(id);
    renderedFeedsBytes -= sizeOf(entry.feed);
  }
}

/**
 * The feed of a token: exactly the events its owner may read, and the inspection stops and
 * supervision activities the calendar page shows them, read as the owner under row-level security
 * (as their pages are). Null for an unknown or revoked token, or a disabled user. Whether the feed
 * changed since it was last rendered is one statement (app_feed_state); a feed rendered from rows a
 * moment newer than its key is only rendered once more.
 */
export async function renderFeed(db: Kysely<DB>, token: string, appUrl: string, call: CallContext = {}): Promise<RenderedFeed | null> {
  if (!FEED_TOKEN_PATTERN.test(token)) return null;
  const owner = await findFeedState(db, hashToken(token));
  if (!owner) return null;
  await rateLimit(call, 'feed', owner.id);
  const actor: Actor = { id: owner.id, region: owner.region, orgId: owner.orgId, roles: owner.roles, workspaces: owner.workspaces };
  const workspaceIds = Object.keys(actor.workspaces).sort();
  const key = [appUrl, owner.region, owner.orgId, owner.roles.join(','), workspaceIds.join(','), owner.fingerprint].join('|');
  const cached = renderedFeeds.get(owner.id);
  if (cached?.key === key) return cached.feed;
  const events = await withActor(db, dbActor(actor), async (trx) => {
    const rows = (await listFeedEvents(trx, workspaceIds)).filter((e) => can(actor, 'record.read', toRecordRef(e)).allowed);
    // Inspections' stops and key proposals' supervision activities, as the calendar page shows them.
    const linked = await linkedEntries(trx, actor, {});
    return [...rows.map((e) => toIcs(e)), ...linked.map((l) => linkedToIcs(l))];
  });
  const ics = buildCalendar({ name: translate('zh-CN', 'calendar.title'), appUrl, events });
  const etag = `"${crypto.createHash('sha256').update(ics).digest('base64url').slice(0, 22)}"`;
  const feed = { ics, gzip: await gzipAsync(ics), etag };
  rememberFeed(owner.id, key, feed);
  return feed;
}

/** One event as an .ics download (the event page's link). */
export async function eventIcs(db: Kysely<DB>, actor: Actor, id: string, appUrl: string): Promise<{ ics: string; title: string }> {
  return withActor(db, dbActor(actor), async (trx) => {
    const event = await loadEvent(trx, actor, id);
    return { ics: buildCalendar({ name: event.title, appUrl, events: [toIcs(event)] }), title: event.title };
  });
}
