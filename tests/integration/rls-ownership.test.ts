/**
 * Row-level security on writes: raw SQL through the app role, inside withActor, with no policy check
 * in code. A region changes only what it owns: another region's rows (even ones it may read, such as
 * a joint draft it co-edits) cannot be rewritten, deleted, taken over, or forged in that region's
 * name. Every table with an owner_region is covered (the first test lists them from the catalog).
 * Runs on PostgreSQL (TEST_DATABASE_URL) and on PGlite.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type RawBuilder } from 'kysely';
import { withActor, type DbActor } from '../../db';
import { setPlainTexts } from '../../db/queries/collab';
import { DEMO_DRAFT_TITLES } from '../../db/seed/drafts';
import { DEMO_EVENTS } from '../../db/seed/calendar';
import { DEMO_FINDINGS, DEMO_INSPECTIONS } from '../../db/seed/inspections';
import { SEED } from '../factories/demo';
import { backend } from '../support/server';
import { asOwner, openSeededDatabase, type TestDatabase } from '../support/db';

let t: TestDatabase;
const who: Record<string, DbActor> = {};
const id: Record<string, string> = {};

beforeAll(async () => {
  t = await openSeededDatabase();
  for (const u of ['cq-member', 'cq-coordinator', 'cq-admin', 'sc-member', 'sc-coordinator', 'sc-admin', 'gz-member']) who[u] = await t.actor(u);
  await asOwner(t.db, async (trx) => {
    const one = async (table: 'drafts' | 'notices' | 'workspaces' | 'events', column: 'title' | 'name', value: string) =>
      (await trx.selectFrom(table).select('id').where(column, '=', value).executeTakeFirstOrThrow()).id;
    id.cqJointDraft = await one('drafts', 'title', DEMO_DRAFT_TITLES.hydrogen);
    id.scDraft = await one('drafts', 'title', DEMO_DRAFT_TITLES.sichuan);
    id.cqJointNotice = await one('notices', 'title', SEED.notices.jointHydrogen);
    id.scNotice = await one('notices', 'title', SEED.notices.scRegion);
    id.chuanyu = await one('workspaces', 'name', SEED.workspaces.chuanyu);
    id.scOwn = await one('workspaces', 'name', SEED.workspaces.scOwn);
    id.cqOwn = await one('workspaces', 'name', SEED.workspaces.cqOwn);
    id.cqJointEvent = await one('events', 'title', DEMO_EVENTS.corridor);
    id.scEvent = await one('events', 'title', DEMO_EVENTS.scPrivate);
    // Proposals: a joint one received in Chongqing with a Sichuan co-sponsor, and one of Sichuan's own.
    const proposal = async (committee: string, region: string, author: string, regions: string[], sponsors: string[], number: string) => {
      const org = (await trx.selectFrom('orgs').select('id').where('name', '=', committee).executeTakeFirstOrThrow()).id;
      const { id: pid } = await trx.insertInto('proposals').values({
        owner_org_id: org, owner_region: region, workspace_id: id.chuanyu, visibility: 'joint', regions, author_id: who[author].id,
        year: 2026, sequence: 901, number, title: `测试提案 ${number}`, state: 'filed', deadline: '2026-12-31',
      }).returning('id').executeTakeFirstOrThrow();
      await trx.insertInto('proposal_sponsors').values(sponsors.map((u, i) => ({ proposal_id: pid, user_id: who[u].id, region: who[u].region, role: i === 0 ? 'lead' as const : 'co' as const }))).execute();
      return pid;
    };
    id.cqJointProposal = await proposal('重庆市政协', 'chongqing', 'cq-member', ['chongqing', 'sichuan'], ['cq-member', 'sc-member'], '渝政协2026第0901号');
    id.scProposal = await proposal('四川省政协', 'sichuan', 'sc-member', ['sichuan'], ['sc-member'], '川政协2026第0901号');
    // Inspections: the joint 三峡库区 research (Chongqing's), with a joint finding and item; Sichuan's
    // finding in it comes from the demo, its own inspection and item are made here.
    id.cqJointInspection = (await trx.selectFrom('inspections').select('id').where('title', '=', DEMO_INSPECTIONS.sanxia).executeTakeFirstOrThrow()).id;
    id.cqJointFinding = (await trx.selectFrom('inspection_findings').select('id').where('description', '=', DEMO_FINDINGS.sanxiaJoint).executeTakeFirstOrThrow()).id;
    id.scFinding = (await trx.selectFrom('inspection_findings').select('id').where('description', '=', DEMO_FINDINGS.sanxiaSc).executeTakeFirstOrThrow()).id;
    id.cqJointItem = (await trx.selectFrom('rectification_items').select('id')
      .where('inspection_id', '=', id.cqJointInspection).where('owner_region', '=', 'chongqing').where('visibility', '=', 'joint').executeTakeFirstOrThrow()).id;
    id.cqUnit = (await trx.selectFrom('orgs').select('id').where('name', '=', '市规划自然资源局').executeTakeFirstOrThrow()).id;
    const scUnit = (await trx.selectFrom('orgs').select('id').where('name', '=', '四川省交通运输厅').executeTakeFirstOrThrow()).id;
    const sc = who['sc-coordinator'];
    id.scInspection = (await trx.insertInto('inspections').values({
      workspace_id: id.scOwn, owner_org_id: sc.orgId, owner_region: 'sichuan', visibility: 'region', author_id: sc.id,
      kind: 'inspection', title: '测试视察（四川）', starts_on: '2026-12-01', ends_on: '2026-12-02',
    }).returning('id').executeTakeFirstOrThrow()).id;
    id.scItem = (await trx.insertInto('rectification_items').values({
      inspection_id: id.cqJointInspection, owner_org_id: sc.orgId, owner_region: 'sichuan', visibility: 'joint', author_id: sc.id,
      responsible_org_id: scUnit, measure: '测试整改措施（四川）', deadline: '2026-12-31',
    }).returning('id').executeTakeFirstOrThrow()).id;
  });
}, 120_000);
afterAll(() => t?.drop());

/** How a write ended: 'refused' when PostgreSQL said no (42501) or it touched no row, else the rows it changed. */
async function outcome(actor: DbActor, statement: RawBuilder<unknown>): Promise<'refused' | number> {
  try {
    const rows = Number((await withActor(t.db, actor, (trx) => statement.execute(trx))).numAffectedRows ?? 0);
    return rows === 0 ? 'refused' : rows;
  } catch (err: any) {
    if (err?.code === '42501') return 'refused'; // insufficient privilege, or a row the policy's WITH CHECK refuses
    throw err;
  }
}

const row = (table: string, rowId: string) =>
  asOwner(t.db, async (trx) => (await sql<Record<string, unknown>>`select * from ${sql.table(table)} where id = ${rowId}`.execute(trx)).rows[0]);

/**
 * Each table with an owner_region: a Chongqing row a Sichuan user may read (joint or shared), the
 * Chongqing user who may change it, a Sichuan row with its steward, a text column, and a new row in
 * a given region's name.
 */
const OWNED = {
  drafts: {
    cqRow: () => id.cqJointDraft, cqSteward: 'cq-member', scReader: 'sc-member', scRow: () => id.scDraft, scSteward: 'sc-member', text: 'title',
    insert: (region: string, orgId: string, author: string) => sql`insert into drafts (workspace_id, owner_org_id, owner_region, visibility, kind, title, author_id)
      values (${id.chuanyu}, ${orgId}, ${region}, 'joint', 'proposal', '伪造的草稿', ${author})`,
  },
  notices: {
    cqRow: () => id.cqJointNotice, cqSteward: 'cq-coordinator', scReader: 'sc-coordinator', scRow: () => id.scNotice, scSteward: 'sc-coordinator', text: 'title',
    insert: (region: string, orgId: string, author: string) => sql`insert into notices (workspace_id, owner_org_id, owner_region, visibility, title, author_id)
      values (${id.chuanyu}, ${orgId}, ${region}, 'joint', '伪造的通知', ${author})`,
  },
  events: {
    cqRow: () => id.cqJointEvent, cqSteward: 'cq-coordinator', scReader: 'sc-member', scRow: () => id.scEvent, scSteward: 'sc-coordinator', text: 'title',
    insert: (region: string, orgId: string, author: string) => sql`insert into events (workspace_id, owner_org_id, owner_region, visibility, kind, title, author_id, starts_at, ends_at)
      values (${id.chuanyu}, ${orgId}, ${region}, 'joint', 'meeting', '伪造的日程', ${author}, now(), now())`,
  },
  // The Sichuan side of a joint proposal reads it and supervises it through rows of its own, never this one.
  proposals: {
    cqRow: () => id.cqJointProposal, cqSteward: 'cq-coordinator', scReader: 'sc-coordinator', scRow: () => id.scProposal, scSteward: 'sc-coordinator', text: 'not_filed_reason',
    insert: (region: string, orgId: string, author: string) => sql`insert into proposals (owner_org_id, owner_region, visibility, regions, author_id, year, sequence, number, title)
      values (${orgId}, ${region}, 'joint', '{chongqing,sichuan}', ${author}, 2026, 999, '伪造的编号', '伪造的提案')`,
  },
  inspections: {
    cqRow: () => id.cqJointInspection, cqSteward: 'cq-coordinator', scReader: 'sc-member', scRow: () => id.scInspection, scSteward: 'sc-coordinator', text: 'title',
    insert: (region: string, orgId: string, author: string) => sql`insert into inspections (workspace_id, owner_org_id, owner_region, visibility, author_id, kind, title, starts_on, ends_on)
      values (${id.chuanyu}, ${orgId}, ${region}, 'joint', ${author}, 'inspection', '伪造的视察', '2026-12-01', '2026-12-02')`,
  },
  inspection_findings: {
    cqRow: () => id.cqJointFinding, cqSteward: 'cq-member', scReader: 'sc-member', scRow: () => id.scFinding, scSteward: 'sc-member', text: 'description',
    insert: (region: string, orgId: string, author: string) => sql`insert into inspection_findings (inspection_id, owner_org_id, owner_region, visibility, reporter_id, description, category, severity)
      values (${id.cqJointInspection}, ${orgId}, ${region}, 'joint', ${author}, '伪造的问题线索', 'safety', 'general')`,
  },
  // The responsible unit, of any region, also updates an item (progress, status); the Sichuan reader here is a coordinator, not that unit.
  rectification_items: {
    cqRow: () => id.cqJointItem, cqSteward: 'cq-coordinator', scReader: 'sc-coordinator', scRow: () => id.scItem, scSteward: 'sc-coordinator', text: 'measure',
    insert: (region: string, orgId: string, author: string) => sql`insert into rectification_items (inspection_id, owner_org_id, owner_region, visibility, author_id, responsible_org_id, measure, deadline)
      values (${id.cqJointInspection}, ${orgId}, ${region}, 'joint', ${author}, ${id.cqUnit}, '伪造的整改措施', '2026-12-31')`,
  },
  workspaces: {
    cqRow: () => id.chuanyu, cqSteward: 'cq-admin', scReader: 'sc-admin', scRow: () => id.scOwn, scSteward: 'sc-admin', text: 'name',
    insert: (region: string) => sql`insert into workspaces (name, owner_region) values ('伪造的工作区', ${region})`,
  },
} as const;

describe(`row-level security on writes: a region changes only what it owns (${backend})`, () => {
  it('covers every table with an owner_region', async () => {
    const { rows } = await asOwner(t.db, (trx) => sql<{ table_name: string }>`
      select table_name from information_schema.columns
      where table_schema = 'public' and column_name = 'owner_region' order by table_name`.execute(trx));
    expect(rows.map((r) => r.table_name)).toEqual(Object.keys(OWNED).sort());
  });

  for (const [table, o] of Object.entries(OWNED)) {
    describe(table, () => {
      it('the other region cannot take over, rewrite or delete a row it may read', async () => {
        const sc = who[o.scReader];
        const before = await row(table, o.cqRow());
        // It can read the row: this is about writing, not about what is hidden.
        const seen = await withActor(t.db, sc, (trx) => sql`select id from ${sql.table(table)} where id = ${o.cqRow()}`.execute(trx));
        expect(seen.rows).toHaveLength(1);
        const target = sql`where id = ${o.cqRow()}`;
        const ownerColumns = table === 'workspaces' ? sql`owner_region = 'sichuan'` : sql`owner_region = 'sichuan', owner_org_id = ${sc.orgId}`;
        expect(await outcome(sc, sql`update ${sql.table(table)} set ${ownerColumns} ${target}`)).toBe('refused');
        expect(await outcome(sc, sql`update ${sql.table(table)} set ${sql.ref(o.text)} = '四川改的' ${target}`)).toBe('refused');
        expect(await outcome(sc, sql`delete from ${sql.table(table)} ${target}`)).toBe('refused');
        expect(await row(table, o.cqRow())).toEqual(before);
      });

      it('nobody writes a row in the other region\'s name', async () => {
        const sc = who[o.scSteward];
        const cqOrg = who[o.cqSteward].orgId;
        expect(await outcome(sc, o.insert('chongqing', cqOrg, sc.id))).toBe('refused');
      });

      it('the owner changes its row but cannot hand it to the other region; neither can the other region its own', async () => {
        const cq = who[o.cqSteward];
        const sc = who[o.scSteward];
        expect(await outcome(cq, sql`update ${sql.table(table)} set ${sql.ref(o.text)} = ${sql.ref(o.text)} where id = ${o.cqRow()}`)).toBe(1);
        expect(await outcome(cq, sql`update ${sql.table(table)} set owner_region = 'sichuan' where id = ${o.cqRow()}`)).toBe('refused');
        expect(await outcome(sc, sql`update ${sql.table(table)} set owner_region = 'chongqing' where id = ${o.scRow()}`)).toBe('refused');
        expect((await row(table, o.cqRow())).owner_region).toBe('chongqing');
        expect((await row(table, o.scRow())).owner_region).toBe('sichuan');
      });
    });
  }

  it('a responsible unit only reports on its rectification item: never rewrites the measure or verifies it', async () => {
    const unit = await t.actor('unit-cq-transport');
    const item = await asOwner(t.db, (trx) => trx.selectFrom('rectification_items').select(['id', 'measure'])
      .where('responsible_org_id', '=', unit.orgId).where('status', '=', 'pending').executeTakeFirstOrThrow());
    expect(await outcome(unit, sql`update rectification_items set measure = '单位改的' where id = ${item.id}`)).toBe('refused');
    expect(await outcome(unit, sql`update rectification_items set deadline = '2030-01-01' where id = ${item.id}`)).toBe('refused');
    expect(await outcome(unit, sql`update rectification_items set status = 'verified', verified_by = ${unit.id}, verified_at = now() where id = ${item.id}`)).toBe('refused');
    expect(await outcome(unit, sql`update rectification_items set status = 'rectified' where id = ${item.id}`)).toBe('refused');
    // What it may do: start, report progress, then say it is rectified.
    expect(await outcome(unit, sql`update rectification_items set status = 'in_progress', progress = '已组织施工' where id = ${item.id}`)).toBe(1);
    expect(await outcome(unit, sql`update rectification_items set status = 'rectified' where id = ${item.id}`)).toBe(1);
    expect(await outcome(unit, sql`update rectification_items set status = 'verified', verified_by = ${unit.id}, verified_at = now() where id = ${item.id}`)).toBe('refused');
    expect((await row('rectification_items', item.id)).measure).toBe(item.measure);
  });

  it('a draft\'s collaborators are managed by its own region only', async () => {
    const sc = who['sc-member']; // an editor of the Chongqing joint draft
    const draft = id.cqJointDraft;
    const before = await asOwner(t.db, (trx) => trx.selectFrom('draft_collaborators').selectAll().where('draft_id', '=', draft).orderBy('user_id').execute());
    expect(await outcome(sc, sql`update draft_collaborators set role = 'viewer' where draft_id = ${draft}`)).toBe('refused');
    expect(await outcome(sc, sql`delete from draft_collaborators where draft_id = ${draft}`)).toBe('refused');
    const scAdmin = who['sc-admin'];
    expect(await outcome(sc, sql`insert into draft_collaborators (draft_id, user_id, region, role, added_by)
      values (${draft}, ${scAdmin.id}, 'sichuan', 'editor', ${sc.id})`)).toBe('refused');
    expect(await asOwner(t.db, (trx) => trx.selectFrom('draft_collaborators').selectAll().where('draft_id', '=', draft).orderBy('user_id').execute())).toEqual(before);
    // Its own region still does.
    expect(await outcome(who['cq-member'], sql`update draft_collaborators set role = role where draft_id = ${draft}`)).toBe(before.length);
  });

  it('a region brings its committees and people only into a workspace it owns or takes part in', async () => {
    const scAdmin = who['sc-admin'];
    const scMember = who['sc-member'];
    expect(await outcome(scAdmin, sql`insert into workspace_orgs (workspace_id, org_id, region) values (${id.cqOwn}, ${scAdmin.orgId}, 'sichuan')`)).toBe('refused');
    expect(await outcome(scAdmin, sql`insert into workspace_members (workspace_id, user_id, region) values (${id.cqOwn}, ${scMember.id}, 'sichuan')`)).toBe('refused');
    const cqOwnMembers = await asOwner(t.db, (trx) => trx.selectFrom('workspace_members').select('region').where('workspace_id', '=', id.cqOwn).execute());
    expect(cqOwnMembers.filter((m) => m.region !== 'chongqing')).toEqual([]);
    // Where Sichuan takes part (a Chongqing-owned joint platform), it adds its own people.
    expect(await outcome(scAdmin, sql`insert into workspace_members (workspace_id, user_id, region) values (${id.chuanyu}, ${scAdmin.id}, 'sichuan')`)).toBe(1);
  });

  it('the other region\'s editors still store the joint draft\'s text; people who cannot read it do not', async () => {
    const draft = id.cqJointDraft;
    await withActor(t.db, who['sc-member'], (trx) => setPlainTexts(trx, [{ draftId: draft, text: '四川委员写的正文' }]));
    expect((await row('drafts', draft)).plain_text).toBe('四川委员写的正文');
    await withActor(t.db, who['gz-member'], (trx) => setPlainTexts(trx, [{ draftId: draft, text: '贵州' }]));
    await withActor(t.db, null, (trx) => setPlainTexts(trx, [{ draftId: draft, text: '无人' }]));
    expect((await row('drafts', draft)).plain_text).toBe('四川委员写的正文');
  });
});
