import { sql } from 'kysely';
import { containsPattern, prefixPattern } from './like';
import type { Executor } from '../index';
import type { Region } from '../../shared/domain/model';

export interface AuditQuery {
  /** An exact action, or a prefix written `workspace.*`. */
  action?: string;
  /** Part of the actor's name. */
  actor?: string;
  from?: Date;
  /** Exclusive upper bound. */
  before?: Date;
}


function filtered(db: Executor, region: Region, f: AuditQuery) {
  // Row-level security already limits rows to app.region; the explicit condition says so in code too.
  let q = db.selectFrom('audit_log as a').where('a.region', '=', region);
  if (f.action) {
    q = f.action.endsWith('.*')
      ? q.where('a.action', 'like', prefixPattern(f.action.slice(0, -1)))
      : q.where('a.action', '=', f.action);
  }
  if (f.actor) q = q.where('a.actor_name', 'ilike', containsPattern(f.actor));
  if (f.from) q = q.where('a.at', '>=', f.from);
  if (f.before) q = q.where('a.at', '<', f.before);
  return q;
}

/** One page of a region's audit log, newest first, with the names of its targets (users, orgs, workspaces, titled records). */
export async function listAuditEntries(db: Executor, region: Region, f: AuditQuery, limit: number, offset: number) {
  const [rows, count] = await Promise.all([
    filtered(db, region, f)
      .leftJoin('users as tu', (j) => j.on(sql<boolean>`a.target_type = 'user' and tu.id::text = a.target_id`))
      .leftJoin('orgs as to', (j) => j.on(sql<boolean>`a.target_type = 'org' and "to".id::text = a.target_id`))
      .leftJoin('workspaces as tw', (j) => j.on(sql<boolean>`a.target_type = 'workspace' and tw.id::text = a.target_id`))
      .select([
        'a.id', 'a.at', 'a.actor_id as actorId', 'a.actor_name as actorName', 'a.action',
        'a.target_type as targetType', 'a.target_id as targetId', 'a.detail', 'a.ip',
        // Drafts and notices: the title the entry recorded (the record may since be renamed, deleted or out of reach).
        sql<string | null>`coalesce(tu.display_name, "to".name, tw.name, a.detail->>'title')`.as('targetName'),
      ])
      .orderBy('a.at', 'desc').orderBy('a.id', 'desc')
      .limit(limit).offset(offset)
      .execute(),
    filtered(db, region, f).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

export interface AuditRow {
  actorId: string | null;
  actorName: string | null;
  region: Region | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  detail: Record<string, unknown>;
  ip: string | null;
}

export function insertAuditEntry(db: Executor, e: AuditRow) {
  return db.insertInto('audit_log').values({
    actor_id: e.actorId, actor_name: e.actorName, region: e.region, action: e.action,
    target_type: e.targetType, target_id: e.targetId, detail: JSON.stringify(e.detail), ip: e.ip,
  }).execute();
}
