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
