import { sql } from 'kysely';
import type { Executor } from '../index';
import type { AssignmentStatus } from '../schema';
import type { Region, Visibility } from '../../shared/domain/model';
import type { NotFiledAs, ProposalState, ReplyCategory, Satisfaction, SupervisionKind } from '../../shared/domain/proposal';

// ---- Co-sponsors of a draft (联名) ----

export function listDraftSponsors(db: Executor, draftId: string) {
  return db.selectFrom('draft_sponsors as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .innerJoin('orgs as o', 'o.id', 'u.org_id')
    .select(['s.user_id as userId', 's.role', 's.status', 's.signed_hash as signedHash', 's.signed_at as signedAt',
      's.region', 'u.display_name as name', 'o.name as orgName', 's.invited_at as invitedAt'])
    .where('s.draft_id', '=', draftId)
    .orderBy(sql`s.role = 'lead'`, 'desc').orderBy('s.invited_at')
    .execute();
}
export type DraftSponsorRow = Awaited<ReturnType<typeof listDraftSponsors>>[number];

export async function insertDraftSponsor(db: Executor, s: { draftId: string; userId: string; region: Region; role: 'lead' | 'co'; invitedBy: string; accepted?: boolean }) {
  await db.insertInto('draft_sponsors').values({
    draft_id: s.draftId, user_id: s.userId, region: s.region, role: s.role, invited_by: s.invitedBy,
    status: s.accepted ? 'accepted' : 'invited',
  }).onConflict((oc) => oc.columns(['draft_id', 'user_id']).doNothing()).execute();
}

export async function setSponsorStatus(db: Executor, draftId: string, userId: string, status: 'accepted' | 'declined') {
  await db.updateTable('draft_sponsors').set({ status, signed_hash: null, signed_at: null })
    .where('draft_id', '=', draftId).where('user_id', '=', userId).execute();
}

export async function signDraft(db: Executor, draftId: string, userId: string, hash: string) {
  await db.updateTable('draft_sponsors').set({ signed_hash: hash, signed_at: new Date() })
    .where('draft_id', '=', draftId).where('user_id', '=', userId).execute();
}

export async function deleteDraftSponsor(db: Executor, draftId: string, userId: string) {
  await db.deleteFrom('draft_sponsors').where('draft_id', '=', draftId).where('user_id', '=', userId).execute();
}

/** The text changed (or was reopened): every signature is void. */
export async function voidSignatures(db: Executor, draftId: string) {
  await db.updateTable('draft_sponsors').set({ signed_hash: null, signed_at: null }).where('draft_id', '=', draftId).execute();
}

export async function setDraftSigning(db: Executor, draftId: string, s: { hash: string | null; versionId: string | null }) {
  await db.updateTable('drafts').set({ signing_hash: s.hash, signing_version_id: s.versionId }).where('id', '=', draftId).execute();
}

export async function setDraftProposal(db: Executor, draftId: string, proposalId: string) {
  await db.updateTable('drafts').set({ proposal_id: proposalId }).where('id', '=', draftId).execute();
}

export function findDraftSigning(db: Executor, draftId: string) {
  return db.selectFrom('drafts').select(['signing_hash as signingHash', 'signing_version_id as signingVersionId', 'proposal_id as proposalId'])
    .where('id', '=', draftId).executeTakeFirst();
}

// ---- Proposals ----

/** The next number in a committee's year (渝政协2025第0001号): one row per committee and year, locked by the upsert. */
export async function nextProposalSequence(db: Executor, ownerOrgId: string, year: number): Promise<number> {
  const row = await db.insertInto('proposal_counters').values({ owner_org_id: ownerOrgId, year, last: 1 })
    .onConflict((oc) => oc.columns(['owner_org_id', 'year']).doUpdateSet({ last: sql`proposal_counters.last + 1` }))
    .returning('last').executeTakeFirstOrThrow();
  return row.last;
}

export async function insertProposal(db: Executor, p: {
  ownerOrgId: string; ownerRegion: Region; workspaceId: string | null; visibility: Visibility; regions: Region[];
  authorId: string; draftId: string | null; versionId: string | null; textHash: string | null; year: number; sequence: number;
  number: string; title: string; category: string; body: string;
}) {
  return (await db.insertInto('proposals').values({
    owner_org_id: p.ownerOrgId, owner_region: p.ownerRegion, workspace_id: p.workspaceId, visibility: p.visibility,
    regions: p.regions, author_id: p.authorId, draft_id: p.draftId, version_id: p.versionId, text_hash: p.textHash,
    year: p.year, sequence: p.sequence, number: p.number, title: p.title, category: p.category, body: p.body,
  }).returning('id').executeTakeFirstOrThrow()).id;
}

export async function insertProposalSponsors(db: Executor, proposalId: string,
  sponsors: ReadonlyArray<{ userId: string; region: Region; role: 'lead' | 'co'; signedAt: Date | null }>) {
  if (sponsors.length === 0) return;
  await db.insertInto('proposal_sponsors').values(sponsors.map((s) => ({
    proposal_id: proposalId, user_id: s.userId, region: s.region, role: s.role, signed_at: s.signedAt,
  }))).execute();
}

const proposalColumns = [
  'p.id', 'p.owner_org_id as ownerOrgId', 'p.owner_region as ownerRegion', 'p.workspace_id as workspaceId', 'p.visibility',
  'p.regions', 'p.author_id as authorId', 'p.draft_id as draftId', 'p.version_id as versionId', 'p.text_hash as textHash',
  'p.year', 'p.number', 'p.title', 'p.category', 'p.body', 'p.state', 'p.sent_back as sentBack',
  'p.not_filed_reason as notFiledReason', 'p.not_filed_as as notFiledAs', 'p.is_key as isKey', 'p.key_leader_id as keyLeaderId', 'p.deadline',
  'p.reply_category as replyCategory', 'p.submitted_at as submittedAt', 'p.filed_at as filedAt', 'p.replied_at as repliedAt',
  'p.closed_at as closedAt', 'p.updated_at as updatedAt', 'o.name as committeeName',
] as const;

/**
 * What the policy needs of a proposal `p` beyond its own columns: its sponsors and the units it is
 * (still) assigned to, as far as the reader may see them (a unit sees its own assignment only).
 */
export const proposalRefColumns = [
  sql<string[] | null>`(select json_agg(s.user_id) from proposal_sponsors s where s.proposal_id = p.id)`.as('sponsorIds'),
  sql<Array<{ orgId: string; role: 'lead' | 'co' }> | null>`(select json_agg(json_build_object('orgId', a.unit_org_id, 'role', a.role))
    from proposal_assignments a where a.proposal_id = p.id and a.status <> 'returned')`.as('units'),
] as const;

/**
 * One proposal with what the policy needs: its sponsors and the units it is (still) assigned to,
 * as far as the reader may see them (row-level security: a unit sees its own assignment only).
 */
export function findProposal(db: Executor, id: string) {
  return db.selectFrom('proposals as p')
    .innerJoin('orgs as o', 'o.id', 'p.owner_org_id')
    .select([...proposalColumns,
      ...proposalRefColumns,
      sql<string | null>`(select u.display_name from users u where u.id = p.key_leader_id)`.as('keyLeaderName'),
      sql<string | null>`(select w.name from workspaces w where w.id = p.workspace_id)`.as('workspaceName'),
    ])
    .where('p.id', '=', id)
    .executeTakeFirst();
}
export type ProposalRow = NonNullable<Awaited<ReturnType<typeof findProposal>>>;

export async function updateProposal(db: Executor, id: string, patch: {
  state?: ProposalState; sentBack?: boolean; notFiledReason?: string | null; notFiledAs?: NotFiledAs | null; isKey?: boolean; keyLeaderId?: string | null;
  deadline?: string | null; replyCategory?: ReplyCategory | null; regions?: Region[];
  filedAt?: Date; repliedAt?: Date; closedAt?: Date;
}) {
  await db.updateTable('proposals').set({
    ...(patch.state !== undefined && { state: patch.state }),
    ...(patch.sentBack !== undefined && { sent_back: patch.sentBack }),
    ...(patch.notFiledReason !== undefined && { not_filed_reason: patch.notFiledReason }),
    ...(patch.notFiledAs !== undefined && { not_filed_as: patch.notFiledAs }),
    ...(patch.isKey !== undefined && { is_key: patch.isKey }),
    ...(patch.keyLeaderId !== undefined && { key_leader_id: patch.keyLeaderId }),
    ...(patch.deadline !== undefined && { deadline: patch.deadline }),
    ...(patch.replyCategory !== undefined && { reply_category: patch.replyCategory }),
    ...(patch.regions !== undefined && { regions: patch.regions }),
    ...(patch.filedAt && { filed_at: patch.filedAt }),
    ...(patch.repliedAt && { replied_at: patch.repliedAt }),
    ...(patch.closedAt && { closed_at: patch.closedAt }),
    updated_at: new Date(),
  }).where('id', '=', id).execute();
}

export function listProposalSponsors(db: Executor, proposalId: string) {
  return db.selectFrom('proposal_sponsors as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .innerJoin('orgs as o', 'o.id', 'u.org_id')
    .select(['s.user_id as userId', 's.role', 's.region', 's.signed_at as signedAt', 'u.display_name as name', 'o.name as orgName'])
    .where('s.proposal_id', '=', proposalId)
    .orderBy(sql`s.role = 'lead'`, 'desc').orderBy('u.display_name')
    .execute();
}

// ---- Assignments, replies, evaluations ----

/** The assignments the reader may see (a unit: its own), lead first. */
export function listAssignments(db: Executor, proposalId: string) {
  return db.selectFrom('proposal_assignments as a')
    .innerJoin('orgs as o', 'o.id', 'a.unit_org_id')
    .select(['a.id', 'a.unit_org_id as unitOrgId', 'a.unit_region as unitRegion', 'a.role', 'a.deadline', 'a.status',
      'a.return_reason as returnReason', 'a.quality', 'a.assigned_at as assignedAt', 'a.replied_at as repliedAt', 'o.name as unitName'])
    .where('a.proposal_id', '=', proposalId)
    .orderBy(sql`a.role = 'lead'`, 'desc').orderBy('a.assigned_at')
    .execute();
}
export type AssignmentRow = Awaited<ReturnType<typeof listAssignments>>[number];

export async function insertAssignments(db: Executor, proposalId: string,
  units: ReadonlyArray<{ orgId: string; region: Region; role: 'lead' | 'co'; deadline: string }>) {
  await db.insertInto('proposal_assignments').values(units.map((u) => ({
    proposal_id: proposalId, unit_org_id: u.orgId, unit_region: u.region, role: u.role, deadline: u.deadline,
  }))).execute();
}

export async function setAssignmentStatus(db: Executor, proposalId: string, unitOrgIds: readonly string[], status: Exclude<AssignmentStatus, 'returned'>,
  extra: { repliedAt?: Date } = {}) {
  if (unitOrgIds.length === 0) return;
  await db.updateTable('proposal_assignments').set({ status, ...(extra.repliedAt && { replied_at: extra.repliedAt }) })
    .where('proposal_id', '=', proposalId).where('status', '<>', 'returned').where('unit_org_id', 'in', unitOrgIds).execute();
}

/** The lead unit returns the proposal: every open assignment, the co-units' too (migration 019; the lead unit only). */
export async function returnAssignments(db: Executor, proposalId: string, reason: string) {
  await sql`select app_return_assignments(${proposalId}, ${reason})`.execute(db);
}

export async function setAssignmentQuality(db: Executor, assignmentId: string, quality: 'good' | 'fair' | 'poor') {
  await db.updateTable('proposal_assignments').set({ quality }).where('id', '=', assignmentId).execute();
}

export async function insertReply(db: Executor, r: { proposalId: string; assignmentId: string; unitOrgId: string; kind: 'reply' | 'opinion';
  category: ReplyCategory | null; body: string; authorId: string }): Promise<string> {
  const row = await db.insertInto('proposal_replies').values({
    proposal_id: r.proposalId, assignment_id: r.assignmentId, unit_org_id: r.unitOrgId, kind: r.kind,
    category: r.category, body: r.body, author_id: r.authorId,
  }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function insertReplyFiles(db: Executor, replyId: string, files: Array<{ name: string; contentType: string; bytes: Buffer }>) {
  if (files.length === 0) return;
  await db.insertInto('proposal_reply_files')
    .values(files.map((f) => ({ reply_id: replyId, name: f.name, content_type: f.contentType, size: f.bytes.length, bytes: f.bytes })))
    .execute();
}

/** The files of a proposal's replies the reader may read (names and sizes; the bytes are fetched one by one). */
export function listReplyFiles(db: Executor, proposalId: string) {
  return db.selectFrom('proposal_reply_files as f')
    .innerJoin('proposal_replies as r', 'r.id', 'f.reply_id')
    .select(['f.id', 'f.reply_id as replyId', 'f.name', 'f.size'])
    .where('r.proposal_id', '=', proposalId)
    .orderBy('f.created_at').orderBy('f.name')
    .execute();
}

export function findReplyFile(db: Executor, fileId: string) {
  return db.selectFrom('proposal_reply_files as f')
    .innerJoin('proposal_replies as r', 'r.id', 'f.reply_id')
    .select(['f.name', 'f.content_type as contentType', 'f.bytes', 'r.proposal_id as proposalId'])
    .where('f.id', '=', fileId)
    .executeTakeFirst();
}

export function listReplies(db: Executor, proposalId: string) {
  return db.selectFrom('proposal_replies as r')
    .innerJoin('orgs as o', 'o.id', 'r.unit_org_id')
    .innerJoin('users as u', 'u.id', 'r.author_id')
    .select(['r.id', 'r.kind', 'r.category', 'r.body', 'r.unit_org_id as unitOrgId', 'o.name as unitName',
      'u.display_name as authorName', 'r.created_at as createdAt'])
    .where('r.proposal_id', '=', proposalId)
    .orderBy('r.created_at')
    .execute();
}

export async function upsertEvaluation(db: Executor, e: { proposalId: string; assignmentId: string; unitOrgId: string; rating: Satisfaction;
  comment: string; authorId: string }) {
  await db.insertInto('proposal_evaluations').values({
    proposal_id: e.proposalId, assignment_id: e.assignmentId, unit_org_id: e.unitOrgId, rating: e.rating, comment: e.comment,
    author_id: e.authorId,
  }).onConflict((oc) => oc.column('assignment_id').doUpdateSet({ rating: e.rating, comment: e.comment, created_at: new Date() }))
    .execute();
}

export function listEvaluations(db: Executor, proposalId: string) {
  return db.selectFrom('proposal_evaluations as e')
    .innerJoin('orgs as o', 'o.id', 'e.unit_org_id')
    .select(['e.assignment_id as assignmentId', 'e.unit_org_id as unitOrgId', 'o.name as unitName', 'e.rating', 'e.comment', 'e.created_at as createdAt'])
    .where('e.proposal_id', '=', proposalId)
    .execute();
}

// ---- Notes, timeline, supervision ----

export async function insertNote(db: Executor, n: { proposalId: string; orgId: string; region: Region; authorId: string; body: string }) {
  await db.insertInto('proposal_notes').values({ proposal_id: n.proposalId, org_id: n.orgId, region: n.region, author_id: n.authorId, body: n.body }).execute();
}

export function listNotes(db: Executor, proposalId: string) {
  return db.selectFrom('proposal_notes as n')
    .innerJoin('users as u', 'u.id', 'n.author_id')
    .innerJoin('orgs as o', 'o.id', 'n.org_id')
    .select(['n.id', 'n.body', 'n.created_at as createdAt', 'u.display_name as authorName', 'o.name as orgName'])
    .where('n.proposal_id', '=', proposalId)
    .orderBy('n.created_at')
    .execute();
}

export async function insertTimeline(db: Executor, t: { proposalId: string; action: string; fromState: string | null; toState: string | null;
  unitOrgId?: string | null; actorId: string; note?: string }) {
  await db.insertInto('proposal_timeline').values({
    proposal_id: t.proposalId, action: t.action, from_state: t.fromState, to_state: t.toState,
    unit_org_id: t.unitOrgId ?? null, actor_id: t.actorId, note: t.note ?? '',
  }).execute();
}

export function listTimeline(db: Executor, proposalId: string) {
  return db.selectFrom('proposal_timeline as t')
    .leftJoin('users as u', 'u.id', 't.actor_id')
    .leftJoin('orgs as o', 'o.id', 'u.org_id')
    .leftJoin('orgs as unit', 'unit.id', 't.unit_org_id')
    .select(['t.id', 't.action', 't.from_state as fromState', 't.to_state as toState', 't.note', 't.at',
      'u.display_name as actorName', 'o.name as actorOrg', 'unit.name as unitName'])
    .where('t.proposal_id', '=', proposalId)
    // By time first: entries written later for an earlier step (migration 019) fall into place.
    .orderBy('t.at').orderBy('t.id')
    .execute();
}

export async function insertSupervision(db: Executor, s: { proposalId: string; kind: SupervisionKind; day: string; participants: string;
  outcome: string; region: Region; authorId: string }) {
  await db.insertInto('supervision_records').values({
    proposal_id: s.proposalId, kind: s.kind, day: s.day, participants: s.participants, outcome: s.outcome, region: s.region, author_id: s.authorId,
  }).execute();
}

export function listSupervision(db: Executor, proposalId: string) {
  return db.selectFrom('supervision_records as s')
    .innerJoin('users as u', 'u.id', 's.author_id')
    .select(['s.id', 's.kind', 's.day', 's.participants', 's.outcome', 's.region',
      'u.display_name as authorName'])
    .where('s.proposal_id', '=', proposalId)
    .orderBy('s.day').orderBy('s.created_at')
    .execute();
}

// ---- People to tell ----

/** Active users with one of `roles` in `regions` (the receiving committee's staff, leaders of the regions concerned). */
export async function usersWithRole(db: Executor, regions: readonly Region[], roles: readonly string[]) {
  if (regions.length === 0) return [];
  const rows = await db.selectFrom('users').select('id')
    .where('region', 'in', regions).where('status', '=', 'active')
    .where(sql<boolean>`roles && ${sql.val(roles)}::text[]`)
    .execute();
  return rows.map((r) => r.id);
}

/** The people of handling units (to notify an assignment). */
export async function usersOfOrgs(db: Executor, orgIds: readonly string[]) {
  if (orgIds.length === 0) return [];
  const rows = await db.selectFrom('users').select('id').where('org_id', 'in', orgIds).where('status', '=', 'active').execute();
  return rows.map((r) => r.id);
}

/** Handling units (orgs of kind unit) by id, with their region. */
export function findUnits(db: Executor, ids: readonly string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('orgs').select(['id', 'name', 'region']).where('kind', '=', 'unit').where('id', 'in', ids).execute();
}

export function listUnits(db: Executor) {
  return db.selectFrom('orgs').select(['id', 'name', 'region']).where('kind', '=', 'unit').orderBy('region').orderBy('name').execute();
}

/** Leaders who may supervise a key proposal: leaders of the regions concerned. */
export function listLeaders(db: Executor, regions: readonly Region[]) {
  if (regions.length === 0) return Promise.resolve([]);
  return db.selectFrom('users').select(['id', 'display_name as name', 'region'])
    .where('region', 'in', regions).where('status', '=', 'active').where(sql<boolean>`'leader' = ANY(roles)`)
    .orderBy('region').orderBy('display_name').execute();
}

// ---- The deadline sweep ----

/**
 * Open assignments due on or before `untilDay` (a Beijing day), whoever may read them, whose alert
 * (overdue when the deadline is before `today`, else approaching) has not gone out yet: at most
 * `limit`, the latest deadlines first (what is coming up before what is long past).
 */
export async function assignmentsDue(db: Executor, today: string, untilDay: string, limit: number) {
  const { rows } = await sql<{
    assignment_id: string; proposal_id: string; unit_org_id: string; deadline: string; title: string; number: string;
    owner_region: Region; regions: Region[]; key_leader_id: string | null; author_id: string;
  }>`select d.assignment_id, d.proposal_id, d.unit_org_id, to_char(d.deadline, 'YYYY-MM-DD') as deadline, d.title, d.number,
            d.owner_region, d.regions, d.key_leader_id, d.author_id
      from app_assignments_due(${untilDay}::date) d
      where not exists (select 1 from proposal_alerts s where s.assignment_id = d.assignment_id
                          and s.kind = case when d.deadline < ${today}::date then 'overdue' else 'approaching' end)
      order by d.deadline desc, d.assignment_id limit ${limit}`.execute(db);
  return rows;
}

/** Claims one alert: true for exactly one caller however many processes try. */
export async function claimAlert(db: Executor, assignmentId: string, kind: 'approaching' | 'overdue'): Promise<boolean> {
  const row = await db.insertInto('proposal_alerts').values({ assignment_id: assignmentId, kind })
    .onConflict((oc) => oc.columns(['assignment_id', 'kind']).doNothing()).returning('assignment_id').executeTakeFirst();
  return row !== undefined;
}

/** A unit's open assignments (its home): the proposal, its number and the deadline, soonest first. */
export function listOpenAssignments(db: Executor, unitOrgId: string, limit = 50) {
  return db.selectFrom('proposal_assignments as a')
    .innerJoin('proposals as p', 'p.id', 'a.proposal_id')
    .select(['p.id', 'p.number', 'p.title', 'p.state', 'a.role', 'a.deadline', 'a.status'])
    .where('a.unit_org_id', '=', unitOrgId).where('a.status', 'in', ['assigned', 'handling'])
    .orderBy('a.deadline').limit(limit)
    .execute();
}

/**
 * Supervision activities (on days in [fromDay, toDay) when given), of proposals the reader may read
 * (row-level security): what the shared calendar and its feed show beside events, so they are never
 * entered twice.
 */
export function listCalendarSupervision(db: Executor, f: { fromDay?: string; toDay?: string; region?: Region }, limit = 5000) {
  let q = db.selectFrom('supervision_records as s')
    .innerJoin('proposals as p', 'p.id', 's.proposal_id')
    .select(['s.id', 's.kind', 's.day', 's.region', 's.participants', 's.created_at as createdAt', 'p.id as proposalId', 'p.title',
      'p.workspace_id as workspaceId', 'p.visibility', 'p.regions', 'p.updated_at as proposalUpdatedAt']);
  if (f.fromDay) q = q.where('s.day', '>=', f.fromDay);
  if (f.toDay) q = q.where('s.day', '<', f.toDay);
  if (f.region) q = q.where('s.region', '=', f.region);
  return q.orderBy('s.day').limit(limit).execute();
}
