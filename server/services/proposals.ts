import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import { withActor, type Executor } from '../../db';
import {
  findProposal, findReplyFile, findUnits, insertAssignments, insertNote, insertReply, insertReplyFiles, insertSupervision, insertTimeline,
  listAssignments, listEvaluations, listLeaders, listNotes, listProposalSponsors, listReplies, listReplyFiles, listSupervision, listTimeline, listUnits,
  returnAssignments, setAssignmentQuality, setAssignmentStatus, updateProposal, upsertEvaluation, usersOfOrgs, usersWithRole, type ProposalRow,
} from '../../db/queries/proposals';
import { authorize, can, isHandlingUnit, type Actor, type ProposalRef } from '../../shared/policy';
import {
  defaultDeadline, nextState, possibleActions, type NotFiledAs, type ProposalAction, type SupervisionKind, type ReplyCategory, type Satisfaction,
} from '../../shared/domain/proposal';
import { beijingDay } from '../../shared/domain/calendar';
import type { NotificationKind } from '../../shared/validation/notifications';
import { dbActor } from './actor';
import { audit } from './audit';
import { InputError, NotFoundError } from './errors';
import { announceNotifications, notify } from './notifications';
import type { CallContext } from './call';
import { checkReplyFiles } from './reply-files';
import type { Upload } from './upload';

/**
 * 提案办理: a proposal's page and every step of its handling (docs/proposals.md). Each step runs in
 * one transaction as the actor: the proposal loaded under row-level security, the policy asked
 * (`proposal.transition` names the party of each step, shared/domain/proposal.ts the states), the
 * change, a timeline entry, an audit entry for the receiving region, and notifications; after the
 * commit the open pages revalidate (`proposalChanged`) and the bells ring.
 */

export type LoadedProposal = ProposalRow & { ref: ProposalRef };

/** The policy's view of a proposal row (the page's, the registry's or search's). */
export function toProposalRef(p: Pick<ProposalRow, 'ownerOrgId' | 'ownerRegion' | 'workspaceId' | 'visibility' | 'regions' | 'authorId' | 'sponsorIds' | 'units'>): ProposalRef {
  const units = p.units ?? [];
  return {
    ownerOrgId: p.ownerOrgId, ownerRegion: p.ownerRegion, workspaceId: p.workspaceId, visibility: p.visibility,
    regions: p.regions, authorId: p.authorId, sponsorIds: p.sponsorIds ?? [],
    assignedOrgIds: [...units].sort((a, b) => (a.role === b.role ? 0 : a.role === 'lead' ? -1 : 1)).map((u) => u.orgId),
    leadUnitOrgId: units.find((u) => u.role === 'lead')?.orgId ?? null,
  };
}

export async function loadProposal(trx: Executor, actor: Actor, id: string): Promise<LoadedProposal> {
  const row = await findProposal(trx, id);
  if (!row) throw new NotFoundError('proposal');
  const ref = toProposalRef(row);
  authorize(actor, 'proposal.read', ref);
  return { ...row, ref };
}

/** For `record:watch`: the proposal's policy view if the actor may read it. */
export function getProposalRef(db: Kysely<DB>, actor: Actor, id: string): Promise<ProposalRef> {
  return withActor(db, dbActor(actor), async (trx) => (await loadProposal(trx, actor, id)).ref);
}

const facts = (p: ProposalRow) => ({ sentBack: p.sentBack });

/** The proposal page: the record, its people, its handling as far as the reader may see it, and what they may do. */
export async function getProposal(db: Kysely<DB>, actor: Actor, id: string) {
  return withActor(db, dbActor(actor), async (trx) => {
    const p = await loadProposal(trx, actor, id);
    // One after the other: one transaction is one connection.
    const sponsors = await listProposalSponsors(trx, id);
    const assignments = await listAssignments(trx, id);
    const files = await listReplyFiles(trx, id);
    const replies = (await listReplies(trx, id)).map((r) => ({ ...r, files: files.filter((f) => f.replyId === r.id) }));
    const evaluations = await listEvaluations(trx, id);
    const notes = can(actor, 'proposal.note', p.ref).allowed ? await listNotes(trx, id) : [];
    const timeline = await listTimeline(trx, id);
    const supervision = await listSupervision(trx, id);
    const actions = possibleActions(p.state, facts(p))
      .filter((a) => can(actor, 'proposal.transition', { ...p.ref, action: a }).allowed)
      // 评价 and 不满意退回 are one form: the ratings decide (sendBack is offered through evaluate).
      .filter((a) => a !== 'sendBack');
    const mine = isHandlingUnit(actor) ? assignments.find((a) => a.unitOrgId === actor.orgId && a.status !== 'returned') ?? null : null;
    const mayUnitRespond = can(actor, 'proposal.unitRespond', p.ref).allowed && mine !== null;
    return {
      proposal: p,
      sponsors, assignments, replies, evaluations, notes, timeline, supervision,
      abilities: {
        actions,
        select: !p.isKey && can(actor, 'proposal.select', p.ref).allowed,
        supervise: can(actor, 'proposal.supervise', p.ref).allowed,
        note: can(actor, 'proposal.note', p.ref).allowed,
        opinion: mayUnitRespond && mine?.role === 'co' && (p.state === 'assigned' || p.state === 'handling'),
        quality: mayUnitRespond && mine?.quality === null && ['replied', 'evaluated', 'closed'].includes(p.state),
      },
      mine,
      units: actions.includes('assign') ? await listUnits(trx) : [],
      leaders: !p.isKey && can(actor, 'proposal.select', p.ref).allowed ? await listLeaders(trx, p.regions) : [],
    };
  });
}

/** One file of a reply or opinion, for whoever may read the proposal and that reply (row-level security); 404 otherwise. */
export async function getReplyFile(db: Kysely<DB>, actor: Actor, proposalId: string, fileId: string) {
  return withActor(db, dbActor(actor), async (trx) => {
    await loadProposal(trx, actor, proposalId);
    const file = await findReplyFile(trx, fileId);
    if (!file || file.proposalId !== proposalId) throw new NotFoundError('file');
    return file;
  });
}

// ---- Transitions ----

export type TransitionInput =
  | { action: 'review' | 'file' | 'accept' | 'close' }
  | { action: 'reject'; reason: string; convertTo: NotFiledAs | null }
  | { action: 'return'; reason: string }
  | { action: 'assign'; lead: string; co: string[]; deadline: string | null }
  | { action: 'reply'; category: ReplyCategory; body: string; files?: Upload[] }
  | { action: 'evaluate'; ratings: Record<string, Satisfaction>; comment: string };

interface Told { kind: NotificationKind; to: string[] }

/** Makes one step of the lifecycle; refused by the policy (403/404) or when the state does not allow it (400). */
export async function transition(db: Kysely<DB>, actor: Actor, id: string, input: TransitionInput, call: CallContext = {}) {
  const told: string[] = [];
  const files = input.action === 'reply' ? checkReplyFiles(input.files ?? []) : [];
  const { ref, evict } = await withActor(db, dbActor(actor), async (trx) => {
    const p = await loadProposal(trx, actor, id);
    let action: ProposalAction = input.action;
    // 不满意 sends it back for re-handling, once; after that the ratings stand.
    if (input.action === 'evaluate' && Object.values(input.ratings).includes('dissatisfied') && !p.sentBack) action = 'sendBack';
    authorize(actor, 'proposal.transition', { ...p.ref, action });
    const to = nextState(p.state, action, facts(p));
    if (!to) throw new InputError('_form', 'proposal.notNow');
    const now = new Date();
    const tell: Told[] = [];
    const sponsors = p.ref.sponsorIds;
    const receivingStaff = () => usersWithRole(trx, [p.ownerRegion], ['staff']);
    let unitOrgId: string | null = null;
    let note = '';
    // An assignment is written once per unit, with the unit: each unit reads its own entry only (row-level security).
    let perUnit: Array<{ unitOrgId: string; note: string }> | null = null;
    let evict = !isHandlingUnit(actor);
    let afterwards: (() => Promise<void>) | null = null;

    switch (input.action) {
      case 'review':
        await updateProposal(trx, id, { state: to });
        tell.push({ kind: 'status', to: [...sponsors] });
        break;
      case 'file':
        await updateProposal(trx, id, { state: to, filedAt: now });
        tell.push({ kind: 'status', to: [...sponsors] });
        break;
      case 'reject':
        note = input.reason;
        await updateProposal(trx, id, { state: to, notFiledReason: input.reason, notFiledAs: input.convertTo });
        tell.push({ kind: 'status', to: [...sponsors] });
        break;
      case 'assign': {
        const wanted = [input.lead, ...input.co];
        if (new Set(wanted).size !== wanted.length) throw new InputError('co', 'proposal.leadAlsoCo');
        const units = await findUnits(trx, wanted);
        if (units.length !== wanted.length) throw new InputError('lead', 'proposal.notAUnit');
        const deadline = input.deadline ?? defaultDeadline(beijingDay(now));
        if (deadline <= beijingDay(now)) throw new InputError('deadline', 'proposal.deadlinePast');
        const byId = new Map(units.map((u) => [u.id, u]));
        await insertAssignments(trx, id, wanted.map((orgId, i) => ({
          orgId, region: byId.get(orgId)!.region, role: i === 0 ? 'lead' : 'co', deadline,
        })));
        // The regions concerned grow with the units' (national ministries belong to no region).
        const regions = [...new Set([...p.regions, ...units.map((u) => u.region).filter((r) => r !== 'national')])];
        await updateProposal(trx, id, { state: to, deadline, regions });
        perUnit = wanted.map((orgId, i) => ({ unitOrgId: orgId, note: i === 0 ? 'lead' : 'co' }));
        tell.push({ kind: 'assignment', to: await usersOfOrgs(trx, wanted) }, { kind: 'status', to: [...sponsors] });
        break;
      }
      case 'accept':
        unitOrgId = actor.orgId;
        await setAssignmentStatus(trx, id, [actor.orgId], 'handling');
        await updateProposal(trx, id, { state: to });
        tell.push({ kind: 'status', to: [...sponsors, ...await receivingStaff()] });
        break;
      case 'return': {
        // Not ours: back to filed, every open assignment returned. The unit loses the proposal with
        // its assignment, so everything it writes comes before that.
        unitOrgId = actor.orgId;
        note = input.reason;
        await updateProposal(trx, id, { state: to, deadline: null });
        tell.push({ kind: 'status', to: await receivingStaff() });
        evict = true;
        afterwards = () => returnAssignments(trx, id, input.reason);
        break;
      }
      case 'reply': {
        const lead = (await listAssignments(trx, id)).find((a) => a.role === 'lead' && a.status !== 'returned');
        if (!lead) throw new InputError('_form', 'proposal.notNow');
        unitOrgId = lead.unitOrgId;
        const replyId = await insertReply(trx, { proposalId: id, assignmentId: lead.id, unitOrgId: lead.unitOrgId, kind: 'reply',
          category: input.category, body: input.body, authorId: actor.id });
        await insertReplyFiles(trx, replyId, files);
        await setAssignmentStatus(trx, id, [lead.unitOrgId], 'replied', { repliedAt: now });
        await updateProposal(trx, id, { state: to, replyCategory: input.category, repliedAt: now });
        note = input.category;
        tell.push({ kind: 'reply', to: [...sponsors, ...await receivingStaff()] });
        break;
      }
      case 'evaluate': {
        const open = (await listAssignments(trx, id)).filter((a) => a.status !== 'returned');
        const missing = open.filter((a) => !input.ratings[a.id]);
        if (missing.length > 0 || Object.keys(input.ratings).some((k) => !open.some((a) => a.id === k))) {
          throw new InputError('ratings', 'proposal.rateEveryUnit');
        }
        for (const a of open) {
          await upsertEvaluation(trx, { proposalId: id, assignmentId: a.id, unitOrgId: a.unitOrgId, rating: input.ratings[a.id],
            comment: input.comment, authorId: actor.id });
        }
        note = input.comment;
        if (action === 'sendBack') {
          const lead = open.find((a) => a.role === 'lead');
          if (lead) await setAssignmentStatus(trx, id, [lead.unitOrgId], 'handling');
          await updateProposal(trx, id, { state: to, sentBack: true });
        } else {
          await updateProposal(trx, id, { state: to });
        }
        tell.push({ kind: 'status', to: [...await usersOfOrgs(trx, open.map((a) => a.unitOrgId)), ...await receivingStaff()] });
        break;
      }
      case 'close':
        await updateProposal(trx, id, { state: to, closedAt: now });
        tell.push({ kind: 'status', to: [...sponsors, ...await usersOfOrgs(trx, p.ref.assignedOrgIds)] });
        break;
    }

    for (const entry of perUnit ?? [{ unitOrgId, note }]) {
      await insertTimeline(trx, { proposalId: id, action, fromState: p.state, toState: to, actorId: actor.id, ...entry });
    }
    await audit(trx, { actor, region: p.ownerRegion, action: `proposal.${action}`, target: { type: 'proposal', id },
      detail: { number: p.number, title: p.title, from: p.state, to }, ip: call.ip });
    const after = (await findProposal(trx, id))!;
    for (const t of tell) told.push(...await notify(trx, { recipients: t.to, kind: t.kind, record: { kind: 'proposal', id, ref: toProposalRef(after) }, text: p.title, actor }));
    await afterwards?.();
    // A returned proposal's view for eviction: no unit reads it any more.
    const ref = toProposalRef(after);
    return { ref: input.action === 'return' ? { ...ref, assignedOrgIds: [], leadUnitOrgId: null } : ref, evict };
  });
  await call.realtime?.proposalChanged(id, ref, evict);
  await announceNotifications(db, call, told);
}

// ---- Beside the lifecycle: units' opinions and ratings, notes, key selection, supervision ----

/** A change beside the lifecycle: load, authorize, do, timeline, audit, notify; then tell the open pages. */
async function besides(db: Kysely<DB>, actor: Actor, id: string, call: CallContext,
  work: (trx: Executor, p: LoadedProposal) => Promise<{ action: string; note?: string; unitOrgId?: string | null; tell?: Told; timeline?: false }>) {
  const told: string[] = [];
  const ref = await withActor(db, dbActor(actor), async (trx) => {
    const p = await loadProposal(trx, actor, id);
    const done = await work(trx, p);
    if (done.timeline !== false) {
      await insertTimeline(trx, { proposalId: id, action: done.action, fromState: null, toState: null, unitOrgId: done.unitOrgId ?? null,
        actorId: actor.id, note: done.note ?? '' });
    }
    await audit(trx, { actor, region: p.ownerRegion, action: `proposal.${done.action}`, target: { type: 'proposal', id },
      detail: { number: p.number, title: p.title }, ip: call.ip });
    if (done.tell) told.push(...await notify(trx, { recipients: done.tell.to, kind: done.tell.kind, record: { kind: 'proposal', id, ref: p.ref }, text: p.title, actor }));
    return p.ref;
  });
  await call.realtime?.proposalChanged(id, ref, false);
  await announceNotifications(db, call, told);
}

async function myAssignment(trx: Executor, actor: Actor, id: string) {
  const mine = (await listAssignments(trx, id)).find((a) => a.unitOrgId === actor.orgId && a.status !== 'returned');
  if (!mine) throw new InputError('_form', 'proposal.notNow');
  return mine;
}

/** 会办意见: a co-unit's opinion, with any files, sent to the lead unit (which alone reads it besides the committee side). */
export async function sendOpinion(db: Kysely<DB>, actor: Actor, id: string, body: string, call: CallContext = {}, uploads: Upload[] = []) {
  const files = checkReplyFiles(uploads);
  return besides(db, actor, id, call, async (trx, p) => {
    authorize(actor, 'proposal.unitRespond', p.ref);
    const mine = await myAssignment(trx, actor, id);
    if (mine.role !== 'co' || !['assigned', 'handling'].includes(p.state)) throw new InputError('_form', 'proposal.notNow');
    const replyId = await insertReply(trx, { proposalId: id, assignmentId: mine.id, unitOrgId: mine.unitOrgId, kind: 'opinion', category: null, body, authorId: actor.id });
    await insertReplyFiles(trx, replyId, files);
    return { action: 'opinion', unitOrgId: mine.unitOrgId, tell: { kind: 'status', to: p.ref.leadUnitOrgId ? await usersOfOrgs(trx, [p.ref.leadUnitOrgId]) : [] } };
  });
}

/** 双向评价, the unit's side: its rating of the proposal's quality, once it has been answered. */
export function rateQuality(db: Kysely<DB>, actor: Actor, id: string, quality: 'good' | 'fair' | 'poor', call: CallContext = {}) {
  return besides(db, actor, id, call, async (trx, p) => {
    authorize(actor, 'proposal.unitRespond', p.ref);
    const mine = await myAssignment(trx, actor, id);
    if (!['replied', 'evaluated', 'closed'].includes(p.state)) throw new InputError('_form', 'proposal.notNow');
    await setAssignmentQuality(trx, mine.id, quality);
    return { action: 'quality', unitOrgId: mine.unitOrgId, note: quality };
  });
}

/** An internal note: read only by the writer's own side (row-level security). */
export function addNote(db: Kysely<DB>, actor: Actor, id: string, body: string, call: CallContext = {}) {
  return besides(db, actor, id, call, async (trx, p) => {
    authorize(actor, 'proposal.note', p.ref);
    await insertNote(trx, { proposalId: id, orgId: actor.orgId, region: actor.region, authorId: actor.id, body });
    // Notes stay off the timeline: nobody on the other side learns that one was written.
    return { action: 'note', timeline: false };
  });
}

/** 遴选: a leader makes it a key proposal, with the leader who supervises it. */
export function selectKey(db: Kysely<DB>, actor: Actor, id: string, leaderId: string, call: CallContext = {}) {
  return besides(db, actor, id, call, async (trx, p) => {
    authorize(actor, 'proposal.select', p.ref);
    if (p.isKey) throw new InputError('_form', 'proposal.alreadyKey');
    const leader = (await listLeaders(trx, p.regions)).find((l) => l.id === leaderId);
    if (!leader) throw new InputError('leader', 'proposal.notALeader');
    await updateProposal(trx, id, { isKey: true, keyLeaderId: leaderId });
    return { action: 'select', note: leader.name, tell: { kind: 'status', to: [leaderId, ...p.ref.sponsorIds] } };
  });
}

/** 督办: a supervision activity (现场办理会, 座谈, 视察, 催办), by leaders and staff of a region concerned. */
export function addSupervision(db: Kysely<DB>, actor: Actor, id: string,
  s: { kind: SupervisionKind; day: string; participants: string; outcome: string }, call: CallContext = {}) {
  return besides(db, actor, id, call, async (trx, p) => {
    authorize(actor, 'proposal.supervise', p.ref);
    // A record of what took place; what is planned goes to the calendar.
    if (s.day > beijingDay(new Date())) throw new InputError('day', 'proposal.supervisionAhead');
    await insertSupervision(trx, { proposalId: id, ...s, region: actor.region, authorId: actor.id });
    return { action: 'supervise', note: s.kind, tell: { kind: 'status', to: await usersOfOrgs(trx, p.ref.assignedOrgIds) } };
  });
}
