/**
 * Joint proposals (issue 12), through the real server and its services: the hydrogen-corridor draft
 * co-sponsored across the boundary, frozen, signed (a changed text voids the signatures), submitted,
 * reviewed, filed, assigned, handled, answered, evaluated both ways (不满意 sends it back once) and
 * closed, every step audited and notified; a signed draft refuses edits over /collab; a handling unit
 * sees only its own assignment (through the services and through SQL as the app's role); a Sichuan
 * staff member cannot file a Chongqing proposal; deadline alerts go out once with two processes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import mammoth from 'mammoth';
import { sql } from 'kysely';
import { freshDatabase, startTestServer, DEMO_PASSWORD, backend, type FreshDatabase, type TestServer } from '../support/server';
import { asOwner, sqlError } from '../support/db';
import { actorOf } from '../factories/demo';
import { openClient, sleep, spawnServer, until, type ServerProcess } from '../support/collab';
import { DEMO_DRAFT_TITLES } from '../../db/seed/drafts';
import { withActor } from '../../db';
import { getDraftAccess } from '../../server/services/draft-access';
import {
  answerSponsorship, freezeForSigning, getSponsorship, inviteSponsors, reopenEditing, signText, submitProposal,
} from '../../server/services/sponsorship';
import { addNote, addSupervision, getProposal, rateQuality, selectKey, sendOpinion, transition } from '../../server/services/proposals';
import { sendDeadlineAlerts } from '../../server/proposals/deadlines';
import { search } from '../../server/services/search';
import { getCalendar } from '../../server/services/calendar';
import { loadDocument, documentText } from '../../server/collab/document';
import { addDays, beijingDay } from '../../shared/domain/calendar';
import { PolicyError } from '../../shared/policy';
import { InputError, NotFoundError } from '../../server/services/errors';

let server: TestServer;
const db = () => server.database.db;
let draftId: string;

beforeAll(async () => {
  server = await startTestServer();
  draftId = (await asOwner(db(), (trx) => trx.selectFrom('drafts').select('id').where('title', '=', DEMO_DRAFT_TITLES.hydrogen).executeTakeFirstOrThrow())).id;
}, 120_000);
afterAll(() => server?.stop());

const as = (username: string) => actorOf(db(), username);
const orgId = async (name: string) => (await asOwner(db(), (trx) => trx.selectFrom('orgs').select('id').where('name', '=', name).executeTakeFirstOrThrow())).id;
async function refused(work: Promise<unknown>): Promise<{ status?: number; key: string }> {
  try {
    await work;
  } catch (err) {
    if (err instanceof PolicyError) return { status: err.status, key: err.reason };
    if (err instanceof InputError) return { key: err.messageKey };
    if (err instanceof NotFoundError) return { status: 404, key: 'notFound' };
    throw err;
  }
  throw new Error('expected a refusal');
}
const audited = (id: string) => asOwner(db(), (trx) => trx.selectFrom('audit_log').select(['action', 'region']).where('target_id', '=', id).orderBy('id').execute());
const notified = (recordId: string, userId: string) => asOwner(db(), (trx) => trx.selectFrom('notifications').select(['kind']).where('record_id', '=', recordId).where('user_id', '=', userId).execute());

/** A Chongqing proposal of `lead` (its only sponsor) in a given state, straight from the owner. */
async function ownProposal(lead: { id: string }, sequence: number, title: string, state: 'under_review' | 'filed' | 'assigned') {
  // Looked up before the owner's transaction: on PGlite that transaction holds the one connection.
  const committee = await orgId('重庆市政协');
  return asOwner(db(), async (trx) => {
    const p = await trx.insertInto('proposals').values({
      owner_org_id: committee, owner_region: 'chongqing', workspace_id: null, visibility: 'region', regions: ['chongqing'],
      author_id: lead.id, year: 2026, sequence, number: `渝政协2026第${sequence}号`, title, state,
    }).returning('id').executeTakeFirstOrThrow();
    await trx.insertInto('proposal_sponsors').values({ proposal_id: p.id, user_id: lead.id, region: 'chongqing', role: 'lead' }).execute();
    return p.id;
  });
}

/** A second handling unit with a person, for assignments to two units (owner-inserted). */
async function unitWithPerson(name: string, username: string) {
  return asOwner(db(), async (trx) => {
    const existing = await trx.selectFrom('orgs').select('id').where('name', '=', name).executeTakeFirst();
    const unit = existing ?? await trx.insertInto('orgs').values({ name, region: 'chongqing', kind: 'unit', level: null, parent_id: null }).returning('id').executeTakeFirstOrThrow();
    const pw = await trx.selectFrom('users').select('password_hash').where('username', '=', 'unit-ndrc').executeTakeFirstOrThrow();
    await trx.insertInto('users').values({ username, display_name: `${name}联络员`, org_id: unit.id, region: 'chongqing', roles: ['handler'], password_hash: pw.password_hash }).execute();
    return unit.id;
  });
}

describe('the hydrogen-corridor proposal from co-drafting to closed', () => {
  let proposalId: string;

  it('co-sponsors across the boundary: invited, accepted; the text frozen, signed, reopened (signatures void), signed again, submitted', async () => {
    const [lead, sc, gz] = [await as('cq-member'), await as('sc-member'), await as('gz-member')];
    // Someone outside the draft's workspace cannot be invited; a co-sponsor cannot invite.
    expect(await refused(inviteSponsors(db(), lead, draftId, [gz.id]))).toEqual({ key: 'policy.inviteeNotInWorkspace' });
    expect((await refused(inviteSponsors(db(), sc, draftId, [lead.id]))).status).toBe(403);
    await inviteSponsors(db(), lead, draftId, [sc.id]);
    expect((await notified(draftId, sc.id)).map((n) => n.kind)).toContain('invitation');
    // Not ready while an invitation is unanswered.
    expect(await refused(freezeForSigning(db(), lead, draftId))).toEqual({ key: 'proposal.sponsorsPending' });
    await answerSponsorship(db(), sc, draftId, 'accept');

    await freezeForSigning(db(), lead, draftId);
    let view = await getSponsorship(db(), sc, draftId);
    expect(view.signing.frozen).toBe(true);
    expect(view.signing.code).toMatch(/^[0-9A-F]{4}-[0-9A-F]{4}$/);
    expect(view.abilities.sign).toBe(true);
    const first = view.signing.hash!;
    // Frozen: sc-member, an editor of the draft, may no longer write it (the collaboration server asks the same).
    const access = await getDraftAccess(db(), sc, draftId);
    expect(access.ok && access.role).toBe('commenter');
    // Signing another text than the one frozen is refused.
    expect(await refused(signText(db(), sc, draftId, 'a'.repeat(64)))).toEqual({ key: 'proposal.textChanged' });
    await signText(db(), sc, draftId, first);
    expect((await getSponsorship(db(), lead, draftId)).allSigned).toBe(true);

    // A change after signing: reopening voids every signature and gives editing back.
    await reopenEditing(db(), lead, draftId);
    view = await getSponsorship(db(), lead, draftId);
    expect(view.signing.frozen).toBe(false);
    expect(view.sponsors.every((s) => !s.signed)).toBe(true);
    const reopened = await getDraftAccess(db(), sc, draftId);
    expect(reopened.ok && reopened.role).toBe('editor');
    expect(await refused(submitProposal(db(), lead, draftId, 'economy'))).toEqual({ key: 'proposal.notFrozen' });

    await freezeForSigning(db(), lead, draftId);
    const second = (await getSponsorship(db(), sc, draftId)).signing.hash!;
    expect(await refused(submitProposal(db(), lead, draftId, 'economy'))).toEqual({ key: 'proposal.notAllSigned' });
    await signText(db(), sc, draftId, second);
    proposalId = await submitProposal(db(), lead, draftId, 'economy');

    const { proposal, sponsors, timeline } = await getProposal(db(), lead, proposalId);
    expect(proposal.title).toBe(DEMO_DRAFT_TITLES.hydrogen);
    expect(proposal.state).toBe('submitted');
    expect(proposal.number).toMatch(new RegExp(`^渝政协${beijingDay(new Date()).slice(0, 4)}第\\d{4}号$`));
    expect(proposal.visibility).toBe('joint');
    expect([...proposal.regions].sort()).toEqual(['chongqing', 'sichuan']);
    expect(proposal.textHash).toBe(second);
    expect(proposal.body).toContain('成渝氢走廊');
    expect(sponsors.map((s) => [s.name, s.role])).toEqual([['李明', 'lead'], ['刘洋', 'co']]);
    expect(timeline.map((t) => t.action)).toEqual(['submit']);
    // Submitted: read-only for ever, for the lead sponsor too.
    const after = await getDraftAccess(db(), lead, draftId);
    expect(after.ok && after.role).not.toBe('editor');
    expect(await refused(reopenEditing(db(), lead, draftId))).toEqual({ key: 'proposal.alreadySubmitted' });
    const actions = (await audited(draftId)).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['proposal.sponsor.invite', 'proposal.sponsor.accept', 'proposal.freeze', 'proposal.sign', 'proposal.reopen']));
    const cqStaff = await as('cq-staff');
    expect((await notified(proposalId, cqStaff.id)).map((n) => n.kind)).toEqual(['status']);
  });

  it('a Sichuan staff member cannot review or file a Chongqing proposal; the receiving committee\'s staff can', async () => {
    const scStaff = await as('sc-staff');
    expect(await refused(transition(db(), scStaff, proposalId, { action: 'review' }))).toEqual({ status: 403, key: 'policy.receivingStaffOnly' });
    // A member cannot either, and a step the state does not allow is refused as such.
    expect((await refused(transition(db(), await as('cq-member'), proposalId, { action: 'review' }))).status).toBe(403);
    const cqStaff = await as('cq-staff');
    expect(await refused(transition(db(), cqStaff, proposalId, { action: 'file' }))).toEqual({ key: 'proposal.notNow' });
    await transition(db(), cqStaff, proposalId, { action: 'review' });
    await transition(db(), cqStaff, proposalId, { action: 'file' });
    expect((await getProposal(db(), scStaff, proposalId)).proposal.state).toBe('filed');
  });

  it('assigned to two units: each sees only its own assignment, in the app and in SQL as the app role', async () => {
    const cqStaff = await as('cq-staff');
    const ndrc = await orgId('国家发展改革委');
    const fgw = await unitWithPerson('市发展改革委', 'unit-test-fgw');
    const stranger = await unitWithPerson('市文化旅游委', 'unit-test-wlw');
    expect(await refused(transition(db(), cqStaff, proposalId, { action: 'assign', lead: ndrc, co: [ndrc], deadline: null })))
      .toEqual({ key: 'proposal.leadAlsoCo' });
    expect(await refused(transition(db(), cqStaff, proposalId, { action: 'assign', lead: await orgId('四川省政协'), co: [], deadline: null })))
      .toEqual({ key: 'proposal.notAUnit' });
    await transition(db(), cqStaff, proposalId, { action: 'assign', lead: ndrc, co: [fgw], deadline: null });

    const unitNdrc = await as('unit-ndrc');
    const unitFgw = await as('unit-test-fgw');
    const ndrcView = await getProposal(db(), unitNdrc, proposalId);
    expect(ndrcView.assignments.map((a) => a.unitName)).toEqual(['国家发展改革委']);
    expect(ndrcView.proposal.deadline).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(ndrcView.abilities.actions).toEqual(['accept', 'return']);
    const fgwView = await getProposal(db(), unitFgw, proposalId);
    expect(fgwView.assignments.map((a) => a.unitName)).toEqual(['市发展改革委']);
    expect(fgwView.abilities.actions).toEqual([]);
    expect(fgwView.abilities.opinion).toBe(true);
    // The timeline's 交办 names each unit to itself only: a co-unit does not learn which unit leads.
    const assigned = (view: typeof ndrcView) => view.timeline.filter((e) => e.action === 'assign').map((e) => [e.unitName, e.note]);
    expect(assigned(ndrcView)).toEqual([['国家发展改革委', 'lead']]);
    expect(assigned(fgwView)).toEqual([['市发展改革委', 'co']]);
    // A unit it is not assigned to: not found, as if it did not exist.
    expect((await refused(getProposal(db(), await as('unit-test-wlw'), proposalId))).status).toBe(404);
    expect(stranger).toBeTruthy();
    // The committee side sees both; so does the Sichuan side of a joint proposal (cross-region supervision).
    expect((await getProposal(db(), cqStaff, proposalId)).assignments.map((a) => a.unitName)).toEqual(['国家发展改革委', '市发展改革委']);
    expect((await getProposal(db(), await as('sc-leader'), proposalId)).assignments).toHaveLength(2);
    expect((await notified(proposalId, unitNdrc.id)).map((n) => n.kind)).toContain('assignment');

    // Straight SQL as the app role, with no app code in between.
    const rows = async (user: { id: string; region: string; orgId: string }, query: string) => withActor(db(), user, async (trx) => (await sql.raw(query).execute(trx)).rows);
    expect(await rows(unitFgw, `select unit_org_id from proposal_assignments where proposal_id = '${proposalId}'`)).toEqual([{ unit_org_id: fgw }]);
    expect(await rows(unitNdrc, `select unit_org_id from proposal_assignments where proposal_id = '${proposalId}'`)).toEqual([{ unit_org_id: ndrc }]);
    expect(await rows(unitFgw, `select unit_org_id, note from proposal_timeline where proposal_id = '${proposalId}' and action = 'assign'`))
      .toEqual([{ unit_org_id: fgw, note: 'co' }]);
    expect(await rows(await as('unit-test-wlw'), `select id from proposals where id = '${proposalId}'`)).toEqual([]);
    expect(await rows(await as('gz-member'), `select id from proposals where id = '${proposalId}'`)).toEqual([]);
    // A unit cannot write another unit's assignment, nor give itself a role.
    await withActor(db(), unitFgw, (trx) => sql.raw(`update proposal_assignments set status = 'replied' where proposal_id = '${proposalId}'`).execute(trx));
    expect((await asOwner(db(), (trx) => trx.selectFrom('proposal_assignments').select('status').where('unit_org_id', '=', ndrc)
      .where('proposal_id', '=', proposalId).executeTakeFirstOrThrow())).status).toBe('assigned');
    const escalate = await sqlError(withActor(db(), unitFgw, (trx) => sql.raw(`update users set roles = '{staff}' where id = '${unitFgw.id}'`).execute(trx)));
    expect(escalate.code).toBe('42501');
  });

  it('handled: the co-unit\'s opinion reaches the lead unit only; the lead unit replies; internal notes stay on their side', async () => {
    const [unitNdrc, unitFgw, cqStaff] = [await as('unit-ndrc'), await as('unit-test-fgw'), await as('cq-staff')];
    expect((await refused(transition(db(), unitFgw, proposalId, { action: 'accept' }))).status).toBe(403);
    await transition(db(), unitNdrc, proposalId, { action: 'accept' });
    const annex = { bytes: Buffer.from('%PDF-1.7\n重庆工业副产氢资源测算\n%%EOF'), name: '副产氢测算.pdf', type: 'application/pdf' };
    await sendOpinion(db(), unitFgw, proposalId, '建议在示范城市群申报中统筹重庆工业副产氢资源。', {}, [annex]);
    await addNote(db(), unitFgw, proposalId, '市发改委内部：联系能源处核实加氢站数据。');
    await addNote(db(), cqStaff, proposalId, '提案委：列入跨区域督办清单。');
    const ndrcView = await getProposal(db(), unitNdrc, proposalId);
    expect(ndrcView.replies.map((r) => [r.kind, r.unitName, r.files.map((f) => f.name)])).toEqual([['opinion', '市发展改革委', ['副产氢测算.pdf']]]);
    expect(ndrcView.notes).toEqual([]);
    expect((await getProposal(db(), unitFgw, proposalId)).notes.map((n) => n.body)).toEqual(['市发改委内部：联系能源处核实加氢站数据。']);
    // The Chongqing side reads its committee's and its own units' notes; the Sichuan leader, supervising
    // the same proposal, reads none of them.
    expect((await getProposal(db(), cqStaff, proposalId)).notes.map((n) => n.body)).toEqual(['市发改委内部：联系能源处核实加氢站数据。', '提案委：列入跨区域督办清单。']);
    expect((await getProposal(db(), await as('sc-leader'), proposalId)).notes).toEqual([]);
    // A sponsor reads the reply once there is one, never the opinions.
    expect((await getProposal(db(), await as('cq-member'), proposalId)).replies).toEqual([]);

    await transition(db(), unitNdrc, proposalId, { action: 'reply', category: 'A', body: '我委已将成渝地区纳入燃料电池汽车示范应用政策研究范围，并会同有关部门推进。' });
    const sponsorView = await getProposal(db(), await as('cq-member'), proposalId);
    expect(sponsorView.proposal.state).toBe('replied');
    expect(sponsorView.replies.map((r) => [r.kind, r.category])).toEqual([['reply', 'A']]);
    expect(sponsorView.abilities.actions).toEqual(['evaluate']);
    expect((await notified(proposalId, (await as('cq-member')).id)).map((n) => n.kind)).toContain('reply');
  });

  it('evaluated both ways: 不满意 sends it back once, the second answer stands; the units rate the proposal; closed', async () => {
    const [lead, unitNdrc, unitFgw, cqStaff] = [await as('cq-member'), await as('unit-ndrc'), await as('unit-test-fgw'), await as('cq-staff')];
    const units = (await getProposal(db(), cqStaff, proposalId)).assignments;
    const ratings = (rating: 'satisfied' | 'dissatisfied') => Object.fromEntries(units.map((a) => [a.id, rating]));
    // A co-sponsor is not the one who evaluates; every unit must be rated.
    expect((await refused(transition(db(), await as('sc-member'), proposalId, { action: 'evaluate', ratings: ratings('satisfied'), comment: '' }))).status).toBe(403);
    expect(await refused(transition(db(), lead, proposalId, { action: 'evaluate', ratings: { [units[0].id]: 'satisfied' }, comment: '' })))
      .toEqual({ key: 'proposal.rateEveryUnit' });

    await transition(db(), lead, proposalId, { action: 'evaluate', ratings: ratings('dissatisfied'), comment: '答复未明确时间表。' });
    let view = await getProposal(db(), lead, proposalId);
    expect(view.proposal.state).toBe('handling');
    expect(view.proposal.sentBack).toBe(true);
    await transition(db(), unitNdrc, proposalId, { action: 'reply', category: 'B', body: '我委将于明年示范期扩围时统筹考虑成渝地区。' });
    // Dissatisfied again: no second sending back, the evaluation stands.
    await transition(db(), lead, proposalId, { action: 'evaluate', ratings: { [units[0].id]: 'satisfied', [units[1].id]: 'dissatisfied' }, comment: '' });
    view = await getProposal(db(), cqStaff, proposalId);
    expect(view.proposal.state).toBe('evaluated');
    expect(view.evaluations.map((e) => [e.unitName, e.rating]).sort()).toEqual([['国家发展改革委', 'satisfied'], ['市发展改革委', 'dissatisfied']]);
    // A unit sees only the rating of its own work.
    expect((await getProposal(db(), unitFgw, proposalId)).evaluations.map((e) => e.unitName)).toEqual(['市发展改革委']);
    await rateQuality(db(), unitNdrc, proposalId, 'good');
    await transition(db(), cqStaff, proposalId, { action: 'close' });
    view = await getProposal(db(), lead, proposalId);
    expect(view.proposal.state).toBe('closed');
    expect(view.timeline.map((t) => t.action)).toEqual([
      'submit', 'review', 'file', 'assign', 'assign', 'accept', 'opinion', 'reply', 'sendBack', 'reply', 'evaluate', 'quality', 'close',
    ]);
    const actions = (await audited(proposalId)).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['proposal.submit', 'proposal.review', 'proposal.file', 'proposal.assign', 'proposal.accept',
      'proposal.reply', 'proposal.sendBack', 'proposal.evaluate', 'proposal.close']));
    expect(await refused(transition(db(), cqStaff, proposalId, { action: 'close' }))).toEqual({ key: 'proposal.notNow' });
  });

  it('exported as .docx in the official layout (read back with mammoth), for its readers only, as the page', async () => {
    const download = async (username: string) => server.request(`/proposals/${proposalId}/export.docx`, { cookie: await server.login(username, DEMO_PASSWORD) });
    const res = await download('sc-member');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    const { value: text } = await mammoth.extractRawText({ buffer: Buffer.from(await res.arrayBuffer()) });
    const { proposal } = await getProposal(db(), await as('cq-member'), proposalId);
    expect(text).toContain(proposal.number);
    expect(text).toContain(DEMO_DRAFT_TITLES.hydrogen);
    expect(text).toContain('提案人：李明（领衔）、刘洋');
    expect(text).toContain('受理单位：重庆市政协');
    // The signed text (from its version) and each signature with the code of that text.
    expect(text).toContain('成渝氢走廊');
    expect(text).toMatch(new RegExp(`刘洋（四川省政协）　\\d{4}年\\d{1,2}月\\d{1,2}日电子签署　签署码 ${proposal.textHash!.slice(0, 4).toUpperCase()}-`));
    // The unit reads no drafts: its copy carries the text the proposal keeps.
    const unitCopy = await download('unit-ndrc');
    expect(unitCopy.status).toBe(200);
    expect((await mammoth.extractRawText({ buffer: Buffer.from(await unitCopy.arrayBuffer()) })).value).toContain('成渝氢走廊');
    // Someone who may not read it gets the page's 404.
    expect((await download('gz-member')).status).toBe(404);
    expect((await download('unit-test-wlw')).status).toBe(404);
  });

  it('found by search by those who may read it, by number or words: the unit too, not another unit or Guizhou', async () => {
    const { proposal } = await getProposal(db(), await as('cq-member'), proposalId);
    const found = async (username: string, q: string) =>
      (await search(db(), await as(username), { q, kind: 'proposal' })).groups.find((g) => g.kind === 'proposal')?.hits.map((h) => h.id) ?? [];
    expect(await found('sc-member', '氢走廊')).toContain(proposalId);
    expect(await found('unit-ndrc', proposal.number)).toEqual([proposalId]);
    expect(await found('unit-test-wlw', '氢走廊')).toEqual([]);
    expect(await found('gz-member', '氢走廊')).toEqual([]);
  });
});

describe('a signed draft over /collab', () => {
  it('an edit sent by an editor once the text is frozen is not applied, and the hash still matches', async () => {
    const [lead, editor] = [await as('sc-member'), await as('sc-staff')];
    // The Sichuan research draft: sc-member leads, sc-staff is an editor.
    const id = (await asOwner(db(), (trx) => trx.selectFrom('drafts').select('id').where('title', '=', DEMO_DRAFT_TITLES.sichuan).executeTakeFirstOrThrow())).id;
    const cookie = await server.login('sc-staff', DEMO_PASSWORD);
    const client = openClient(server.url, id, { cookie });
    await client.synced;
    client.type('冻结前写入的一段。');
    await until(async () => (await withActor(db(), editor, async (trx) => documentText(await loadDocument(trx, id)))).includes('冻结前写入的一段。'), 'the edit before freezing stored', 10_000);
    await freezeForSigning(db(), lead, id, { collab: server.collab, realtime: server.realtime.hub });
    const hash = (await getSponsorship(db(), lead, id)).signing.hash!;
    // The connection was rechecked: it comes back as a commenter; what it types now goes nowhere.
    await sleep(500);
    client.type('冻结后偷偷写入的一段。');
    await sleep(1500);
    await server.collab.flush();
    const stored = await withActor(db(), editor, async (trx) => documentText(await loadDocument(trx, id)));
    expect(stored).toContain('冻结前写入的一段。');
    expect(stored).not.toContain('冻结后偷偷写入的一段。');
    expect((await getSponsorship(db(), lead, id)).signing.hash).toBe(hash);
    client.destroy();
  });
});

describe('key proposals and supervision across the regions', () => {
  it('a leader selects a key proposal with its supervising leader; leaders of both regions record supervision; members cannot', async () => {
    const id = (await asOwner(db(), (trx) => trx.selectFrom('proposals').select('id').where('title', '=', DEMO_DRAFT_TITLES.hydrogen)
      .orderBy('submitted_at', 'desc').executeTakeFirstOrThrow())).id;
    const [cqLeader, scLeader, member] = [await as('cq-leader'), await as('sc-leader'), await as('cq-member')];
    expect((await refused(selectKey(db(), member, id, cqLeader.id))).status).toBe(403);
    expect(await refused(selectKey(db(), cqLeader, id, member.id))).toEqual({ key: 'proposal.notALeader' });
    await selectKey(db(), cqLeader, id, scLeader.id);
    // A record of what took place: not dated after today (Beijing).
    expect(await refused(addSupervision(db(), scLeader, id, { kind: 'onsite', day: addDays(beijingDay(new Date()), 1), participants: '', outcome: '尚未举行' })))
      .toEqual({ key: 'proposal.supervisionAhead' });
    await addSupervision(db(), scLeader, id, { kind: 'onsite', day: beijingDay(new Date()), participants: '国家发展改革委、市发展改革委', outcome: '现场答复并明确时间表。' });
    const view = await getProposal(db(), cqLeader, id);
    expect(view.proposal.isKey).toBe(true);
    expect(view.proposal.keyLeaderName).toBe('黄志强');
    expect(view.supervision.map((s) => [s.kind, s.region])).toEqual([['onsite', 'sichuan']]);
    expect((await refused(addSupervision(db(), member, id, { kind: 'urge', day: beijingDay(new Date()), participants: '', outcome: 'x' }))).status).toBe(403);

    // Entered once, on the proposal, and seen on the shared calendar by its readers only.
    const today = beijingDay(new Date());
    const onCalendar = async (username: string) => (await getCalendar(db(), await as(username), { view: 'agenda', date: today, mine: false }, today))
      .occurrences.filter((o) => o.href === `/proposals/${id}`);
    expect((await onCalendar('sc-leader')).map((o) => [o.supervision, o.kind, o.allDay])).toEqual([['onsite', 'onsite_meeting', true]]);
    expect(await onCalendar('cq-member')).toHaveLength(1);
    expect(await onCalendar('gz-member')).toEqual([]);
    expect(await onCalendar('unit-test-wlw')).toEqual([]);
  });
});

describe('returned by its lead unit (退回交办)', () => {
  it('every open assignment goes back, the co-units\' too: no unit keeps the proposal, and it is assigned afresh', async () => {
    const lead = await as('cq-member2');
    const id = await ownProposal(lead, 9004, '关于加快璧山区充电桩建设的建议', 'filed');
    const [staff, unitNdrc, unitFgw] = [await as('cq-staff'), await as('unit-ndrc'), await as('unit-test-fgw')];
    const [ndrc, fgw] = [await orgId('国家发展改革委'), await orgId('市发展改革委')];
    await transition(db(), staff, id, { action: 'assign', lead: ndrc, co: [fgw], deadline: null });
    // Only the lead unit returns, and not through SQL either: the co-unit's call is refused.
    expect((await refused(transition(db(), unitFgw, id, { action: 'return', reason: '不是我们的' }))).status).toBe(403);
    const direct = await sqlError(withActor(db(), unitFgw, (trx) => sql`select app_return_assignments(${id}, 'x')`.execute(trx)));
    expect(direct.code).toBe('42501');

    await transition(db(), unitNdrc, id, { action: 'return', reason: '属地方事权，建议交市发展改革委办理。' });
    const statuses = await asOwner(db(), (trx) => trx.selectFrom('proposal_assignments').select(['unit_org_id', 'status', 'return_reason'])
      .where('proposal_id', '=', id).orderBy('role', 'desc').execute());
    expect(statuses).toEqual([
      { unit_org_id: ndrc, status: 'returned', return_reason: '属地方事权，建议交市发展改革委办理。' },
      { unit_org_id: fgw, status: 'returned', return_reason: '属地方事权，建议交市发展改革委办理。' },
    ]);
    expect((await refused(getProposal(db(), unitNdrc, id))).status).toBe(404);
    expect((await refused(getProposal(db(), unitFgw, id))).status).toBe(404);

    // Assigned afresh to one unit: only that unit is asked, and the sponsor rates only that unit later.
    await transition(db(), staff, id, { action: 'assign', lead: fgw, co: [], deadline: null });
    const view = await getProposal(db(), staff, id);
    expect(view.proposal.state).toBe('assigned');
    expect(view.assignments.filter((a) => a.status !== 'returned').map((a) => a.unitName)).toEqual(['市发展改革委']);
    expect((await refused(getProposal(db(), unitNdrc, id))).status).toBe(404);
    expect((await getProposal(db(), unitFgw, id)).abilities.actions).toEqual(['accept', 'return']);
  });
});

describe('not filed (不予立案)', () => {
  it('the receiving staff gives a reason and may turn it into a 社情民意 item; the sponsor is told; nothing further is possible', async () => {
    const lead = await as('cq-member2');
    const id = await ownProposal(lead, 9003, '关于璧山区某小区停车难的建议', 'under_review');
    const staff = await as('cq-staff');
    await transition(db(), staff, id, { action: 'reject', reason: '属于具体个案，不宜作为提案立案。', convertTo: 'social_opinion' });
    const view = await getProposal(db(), lead, id);
    expect(view.proposal.state).toBe('not_filed');
    expect(view.proposal.notFiledAs).toBe('social_opinion');
    expect(view.proposal.notFiledReason).toBe('属于具体个案，不宜作为提案立案。');
    expect(view.abilities.actions).toEqual([]);
    expect((await notified(id, lead.id)).map((n) => n.kind)).toEqual(['status']);
    expect(await refused(transition(db(), staff, id, { action: 'file' }))).toEqual({ key: 'proposal.notNow' });
  });
});

describe('deadline alerts (催办)', () => {
  /** A proposal straight from the owner, of cq-member, assigned to 国家发展改革委 with a deadline `days` from today. */
  const assignedProposal = async (sequence: number, title: string, days: number) => {
    const id = await ownProposal(await as('cq-member'), sequence, title, 'assigned');
    const ndrc = await orgId('国家发展改革委');
    await asOwner(db(), (trx) => trx.insertInto('proposal_assignments').values({ proposal_id: id, unit_org_id: ndrc,
      unit_region: 'national', role: 'lead', deadline: addDays(beijingDay(new Date()), days) }).execute());
    return id;
  };

  it('due within 7 days and overdue assignments are flagged once, however many sweeps run at once', async () => {
    const cqStaff = await as('cq-staff');
    const id = await assignedProposal(9001, '关于加快渝西地区水资源配置工程的提案', 3);
    const counts = await Promise.all([sendDeadlineAlerts(db(), {}), sendDeadlineAlerts(db(), {})]);
    await sendDeadlineAlerts(db(), {});
    expect(counts.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1);
    const unit = await as('unit-ndrc');
    expect((await notified(id, unit.id)).map((n) => n.kind)).toEqual(['deadline']);
    expect((await notified(id, cqStaff.id)).map((n) => n.kind)).toEqual(['deadline']);
    // Past the deadline: one overdue alert more.
    await sendDeadlineAlerts(db(), {}, new Date(Date.now() + 5 * 24 * 3600_000));
    await sendDeadlineAlerts(db(), {}, new Date(Date.now() + 6 * 24 * 3600_000));
    expect((await notified(id, unit.id)).map((n) => n.kind).sort()).toEqual(['deadline', 'overdue']);
  });

  it('a sweep sends at most its batch, the latest deadline first; the next sweeps send the rest, then nothing', async () => {
    await sendDeadlineAlerts(db(), {}); // what else is due goes out first
    const later = await assignedProposal(9101, '关于完善成渝中线高铁沿线配套的提案', 6);
    const sooner = await assignedProposal(9102, '关于推进川渝电网一体化的提案', 2);
    const unit = await as('unit-ndrc');
    expect(await sendDeadlineAlerts(db(), {}, new Date(), 1)).toBe(1);
    expect((await notified(later, unit.id)).map((n) => n.kind)).toEqual(['deadline']);
    expect(await notified(sooner, unit.id)).toEqual([]);
    expect(await sendDeadlineAlerts(db(), {}, new Date(), 1)).toBe(1);
    expect((await notified(sooner, unit.id)).map((n) => n.kind)).toEqual(['deadline']);
    expect(await sendDeadlineAlerts(db(), {}, new Date(), 1)).toBe(0);
  });
});

describe.skipIf(backend !== 'postgres')('deadline alerts with two processes (postgres)', () => {
  let fresh: FreshDatabase;
  const procs: ServerProcess[] = [];
  afterAll(async () => {
    for (const p of procs) await p.stop();
    await fresh?.drop();
  });

  it('two server processes sweeping every second send each alert once, and a restart sends nothing again', async () => {
    fresh = await freshDatabase();
    const env = {
      DATA_DIR: fresh.dataDir, DEMO: 'true', DEMO_PASSWORD, SESSION_SECRET: 'test-secret-test-secret-test-secret-0123456789',
      DATABASE_URL: fresh.databaseUrl!, DATABASE_OWNER_URL: fresh.databaseOwnerUrl!, DEADLINE_SWEEP_MS: '1000',
    };
    procs.push(await spawnServer(env));
    const owner = new pg.Client({ connectionString: fresh.databaseOwnerUrl });
    await owner.connect();
    try {
      const count = async () => Number((await owner.query(`select count(*) from notifications n join proposals p on p.id = n.record_id
        where p.number = '渝政协2026第9002号' and n.kind = 'overdue'`)).rows[0].count);
      await owner.query(`with c as (select id from orgs where name = '重庆市政协'), u as (select id from users where username = 'cq-member'),
          p as (insert into proposals (owner_org_id, owner_region, visibility, regions, author_id, year, sequence, number, title, state)
                select c.id, 'chongqing', 'region', '{chongqing}', u.id, 2026, 9002, '渝政协2026第9002号', '关于完善渝东北生态补偿机制的提案', 'handling' from c, u returning id),
          s as (insert into proposal_sponsors (proposal_id, user_id, region, role) select p.id, u.id, 'chongqing', 'lead' from p, u)
        insert into proposal_assignments (proposal_id, unit_org_id, unit_region, role, deadline, status)
        select p.id, o.id, 'national', 'lead', current_date - 2, 'handling' from p, orgs o where o.name = '国家发展改革委'`);
      procs.push(await spawnServer({ ...env, DEMO: 'false' }));
      // Both sweep every second: wait for the alert, then several more sweeps of each.
      await until(async () => (await count()) > 0, 'the overdue alert', 20_000);
      await sleep(3000);
      // unit-ndrc and the two Chongqing staff members (cq-admin, cq-staff, cq-coordinator have 'staff').
      const once = await count();
      // (The demo data has overdue assignments of its own: count this proposal's alerts.)
      expect(await owner.query(`select count(*) from proposal_alerts a join proposal_assignments x on x.id = a.assignment_id
        join proposals p on p.id = x.proposal_id where p.number = '渝政协2026第9002号'`).then((r) => Number(r.rows[0].count))).toBe(1);
      const recipients = Number((await owner.query(`select count(distinct n.user_id) from notifications n join proposals p on p.id = n.record_id
        where p.number = '渝政协2026第9002号' and n.kind = 'overdue'`)).rows[0].count);
      expect(once).toBe(recipients);
      // Restarted: nothing is sent again.
      for (const p of procs.splice(0)) await p.stop();
      procs.push(await spawnServer({ ...env, DEMO: 'false' }));
      await sleep(3000);
      expect(await count()).toBe(once);
    } finally {
      await owner.end();
    }
  }, 120_000);
});
