import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import { withActor } from '../../db';
import { listAuditEntries } from '../../db/queries/audit';
import { authorize, type Actor } from '../../shared/policy';
import { dbActor } from './actor';
import { InputError } from './errors';

/** 审计日志: a region's administrators browse their own region's entries, newest first. */

export const AUDIT_PAGE_SIZE = 50;

/** Actions the filter offers; `workspace.*` matches every workspace administration entry. */
export const KNOWN_AUDIT_ACTIONS = [
  'login', 'login.failed', 'login.throttled', 'user.create', 'user.roles', 'user.org', 'user.disable', 'user.enable',
  'user.password', 'user.contact', 'org.create', 'org.rename', 'workspace.*', 'member.add', 'member.remove', 'member.role',
  'boundary.share', 'boundary.unshare', 'record.visibility', 'notice.create', 'notice.update', 'notice.delete',
  'event.create', 'event.update', 'event.delete', 'event.occurrence', 'event.attendance', 'event.minutes',
  'proposal.*',
  'inspection.create', 'inspection.status', 'inspection.roster', 'inspection.itinerary', 'inspection.task', 'inspection.taskMove',
  'inspection.finding', 'inspection.findingVisibility', 'inspection.photo', 'inspection.item', 'inspection.itemProgress', 'inspection.itemVerify',
  'inspection.export',
] as const;

export interface AuditFilter {
  action?: string;
  actor?: string;
  /** Calendar days (YYYY-MM-DD) in China Standard Time, both inclusive. */
  from?: string;
  to?: string;
  page: number;
}

/** The start of a calendar day in China Standard Time (UTC+8), or an error on the field. */
function dayStart(field: string, day: string): Date {
  const d = new Date(`${day}T00:00:00+08:00`);
  // Reject days that do not exist (2025-02-30) instead of letting them roll over.
  if (Number.isNaN(d.getTime()) || new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10) !== day) {
    throw new InputError(field, 'validation.date');
  }
  return d;
}

export async function listAudit(db: Kysely<DB>, actor: Actor, filter: AuditFilter) {
  authorize(actor, 'audit.read', { region: actor.region });
  const from = filter.from ? dayStart('from', filter.from) : undefined;
  const to = filter.to ? dayStart('to', filter.to) : undefined;
  const before = to && new Date(to.getTime() + 24 * 3600_000);
  return withActor(db, dbActor(actor), async (trx) => {
    const { rows, total } = await listAuditEntries(trx, actor.region, {
      action: filter.action?.trim() || undefined,
      actor: filter.actor?.trim() || undefined,
      from, before,
    }, AUDIT_PAGE_SIZE, (filter.page - 1) * AUDIT_PAGE_SIZE);
    return { entries: rows, total, page: filter.page, pageSize: AUDIT_PAGE_SIZE };
  });
}
