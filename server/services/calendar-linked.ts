import type { Executor } from '../../db';
import { listCalendarSupervision } from '../../db/queries/proposals';
import { listCalendarStops } from '../../db/queries/inspections';
import { can, type Actor } from '../../shared/policy';
import type { Region, Visibility } from '../../shared/domain/model';
import type { SupervisionKind } from '../../shared/domain/proposal';
import { INSPECTION_KINDS, type InspectionKind } from '../../shared/domain/inspection';
import { addDays, beijingInstant, type EventKind } from '../../shared/domain/calendar';

/**
 * Calendar entries entered elsewhere (key proposals' supervision activities, inspections' itinerary
 * stops), shown by the calendar page and the feed beside the events (server/services/calendar.ts,
 * calendar-feed.ts).
 */

/** What a supervision activity (督办) shows as in the calendar's kinds. */
const SUPERVISION_AS_EVENT: Record<SupervisionKind, EventKind> = { onsite: 'onsite_meeting', forum: 'meeting', inspection: 'inspection', urge: 'meeting' };
/** What an inspection's itinerary stop shows as: 视察 (a supervisory inspection too), or 调研. */
const INSPECTION_AS_EVENT: Record<InspectionKind, EventKind> = { inspection: 'inspection', research: 'research', supervision: 'inspection' };

/**
 * A calendar entry entered elsewhere and seen here (never entered twice): a key proposal's
 * supervision activity, or a stop of an inspection's itinerary. `uid` is stable (the feed's UID);
 * `href` is the page where it is entered. Supervision activities carry who takes part
 * (`participants`), which the page shows and the feed leaves out (nothing about people in a feed).
 */
export interface LinkedEntry {
  uid: string; href: string; title: string; kind: EventKind;
  supervision: SupervisionKind | null; stop: { hostUnit: string } | null;
  place: string; participants: string; allDay: boolean; start: Date; end: Date;
  visibility: Visibility; ownerRegion: string; workspaceRegions: string[]; updatedAt: Date;
}

/**
 * The entries entered elsewhere that the actor may read, for the page (a range of days, the page's
 * filters) and the feed (every day): key proposals' supervision activities as all-day entries, for
 * readers of the proposal (row-level security, the policy's rule as SQL states it), with neither a
 * workspace nor a "mine" filter (they belong to no workspace's invitees); and inspections' itinerary
 * stops, for readers of the inspection (row-level security, then `inspection.read`), at their time
 * (a moment: a stop has no end) or all day when it has none; "mine" means on its roster.
 */
export async function linkedEntries(trx: Executor, actor: Actor, f: {
  workspace?: string; kind?: EventKind; region?: string; mine?: boolean; range?: { from: string; to: string };
}): Promise<LinkedEntry[]> {
  const region = f.region as Region | undefined;
  const supervision = f.workspace || f.mine ? [] : (await listCalendarSupervision(trx, { fromDay: f.range?.from, toDay: f.range?.to, region }))
    .filter((s) => !f.kind || SUPERVISION_AS_EVENT[s.kind] === f.kind)
    .map((s): LinkedEntry => ({
      uid: `supervision-${s.id}`, href: `/proposals/${s.proposalId}`, title: s.title, kind: SUPERVISION_AS_EVENT[s.kind],
      supervision: s.kind, stop: null, place: '', participants: s.participants, allDay: true,
      start: beijingInstant(s.day), end: beijingInstant(addDays(s.day, 1)),
      visibility: s.visibility, ownerRegion: s.region, workspaceRegions: s.regions,
      updatedAt: new Date(Math.max(new Date(s.createdAt).getTime(), new Date(s.proposalUpdatedAt).getTime())),
    }));
  const stops = (await listCalendarStops(trx, {
    workspaceIds: Object.keys(actor.workspaces), workspaceId: f.workspace, region,
    kinds: f.kind ? INSPECTION_KINDS.filter((k) => INSPECTION_AS_EVENT[k] === f.kind) : undefined,
    involving: f.mine ? actor.id : undefined, fromDay: f.range?.from, toDay: f.range?.to,
  }))
    .filter((s) => can(actor, 'inspection.read', { ...s, regions: s.regions as Region[] }).allowed)
    .map((s): LinkedEntry => {
      const start = beijingInstant(s.day, s.time || undefined);
      return {
        uid: `inspection-stop-${s.id}`, href: `/inspections/${s.inspectionId}?tab=plan`, title: s.title, kind: INSPECTION_AS_EVENT[s.kind],
        supervision: null, stop: { hostUnit: s.hostUnit }, place: s.place, participants: '', allDay: !s.time,
        start, end: s.time ? start : beijingInstant(addDays(s.day, 1)),
        visibility: s.visibility, ownerRegion: s.ownerRegion, workspaceRegions: s.regions, updatedAt: new Date(s.updatedAt),
      };
    });
  return [...supervision, ...stops];
}
