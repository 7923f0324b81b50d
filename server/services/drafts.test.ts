import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DRAFT_TITLES } from '../../db/seed/drafts';
import { asOwner, type TestDatabase } from '../../tests/support/db';
import { backend } from '../../tests/support/server';
import { openDemo, SEED, workspaceId } from '../../tests/factories/demo';
import { PolicyError, type Actor } from '../../shared/policy';
import { InputError, NotFoundError } from './errors';
import { nullCollab } from '../collab';
import type { CallContext } from './call';
import {
  createDraft, getDraft, inviteCollaborator, listDrafts, removeCollaborator, setCollaboratorRole, setDraftVisibility,
  updateDraftMeta,
} from './drafts';
import { refusal } from '../../tests/support/refusal';

/** Drafts against the demo data (PGlite, or PostgreSQL with TEST_DATABASE_URL): the per-province boundary, roles, audit, live re-checks. */

let t: TestDatabase;
let as: Record<string, Actor & { displayName: string }>;
let draftIds: Record<string, string>;
const workspaceIds: Record<string, string> = {};

/** A collaboration hub that only records which drafts it was asked to re-check. */
const rechecked: string[] = [];
const call: CallContext = { ip: '127.0.0.1', collab: { ...nullCollab, recheckDraft: async (id: string) => { rechecked.push(id); } } };

const auditRows = (targetId: string) => asOwner(t.db, (trx) => trx.selectFrom('audit_log')
  .select(['action', 'region', 'detail']).where('target_id', '=', targetId).orderBy('id').execute());

beforeAll(async () => {
  ({ t, as, drafts: draftIds } = await openDemo(['cq-member', 'cq-coordinator', 'cq-leader', 'sc-member', 'sc-member2', 'sc-coordinator', 'sc-leader', 'sc-staff', 'gz-member', 'unit-ndrc']));
  for (const name of [SEED.workspaces.chuanyu, SEED.workspaces.scOwn]) workspaceIds[name] = await workspaceId(t.db, name);
}, 120_000);
afterAll(() => t?.drop());

const H = () => draftIds[DEMO_DRAFT_TITLES.hydrogen];
const CQ = () => draftIds[DEMO_DRAFT_TITLES.chongqing];
const SC = () => draftIds[DEMO_DRAFT_TITLES.sichuan];
const titles = async (user: string, q: Parameters<typeof listDrafts>[2] = {}) =>
  (await listDrafts(t.db, as[user], q)).drafts.map((d) => d.title).sort();

describe(`reading drafts across the boundary (${backend})`, () => {
  it('lists the joint draft and the own region’s private draft, never the other region’s', async () => {
    expect(await titles('sc-member')).toEqual([DEMO_DRAFT_TITLES.hydrogen, DEMO_DRAFT_TITLES.sichuan].sort());
    expect(await titles('cq-member')).toEqual([DEMO_DRAFT_TITLES.hydrogen, DEMO_DRAFT_TITLES.chongqing].sort());
    expect(await titles('gz-member')).toEqual([]);
    expect(await titles('unit-ndrc')).toEqual([]);
  });

  it('filters by title, workspace and involvement', async () => {
    expect(await titles('sc-member', { q: '氢走廊' })).toEqual([DEMO_DRAFT_TITLES.hydrogen]);
    expect(await titles('sc-member', { q: '100%_' })).toEqual([]);
    expect(await titles('sc-member', { workspaceId: workspaceIds['四川省政协提案委员会工作区'] })).toEqual([]);
    expect(await titles('sc-leader', { mine: true })).toEqual([DEMO_DRAFT_TITLES.sichuan]);
    const { drafts } = await listDrafts(t.db, as['sc-coordinator'], {});
    expect(drafts.find((d) => d.id === H())?.myRole).toBe('commenter');
  });

  it('answers 404 for a draft outside the reader’s region or workspace', async () => {
    for (const [user, id] of [['sc-member', CQ()], ['cq-member', SC()], ['gz-member', H()], ['unit-ndrc', H()]] as const) {
      const err = await refusal(getDraft(t.db, as[user], id));
      expect(err instanceof NotFoundError || (err instanceof PolicyError && err.status === 404), `${user}`).toBe(true);
    }
  });

  it('gives each person their role and abilities on the joint draft', async () => {
    const expectations = {
      'cq-member': { role: 'editor', manage: true },
      'sc-member': { role: 'editor', manage: false },
      'cq-coordinator': { role: 'commenter', manage: true },
      'sc-coordinator': { role: 'commenter', manage: false },
      'sc-leader': { role: 'viewer', manage: false },
    } as const;
    for (const [user, want] of Object.entries(expectations)) {
      const d = await getDraft(t.db, as[user], H());
      expect({ role: d.role, manage: d.abilities.manage }, user).toEqual(want);
      expect(d.abilities.edit).toBe(want.role === 'editor');
    }
  });
});

describe(`creating and changing drafts (${backend})`, () => {
  it('seeds the document once with the title as a heading, owned by the actor’s org', async () => {
    const ws = workspaceIds['川渝两省市政协合作平台'];
    const id = await createDraft(t.db, as['sc-member'], ws, { title: '关于共建川渝柑橘产业带的提案', kind: 'proposal', visibility: 'joint' }, call);
    const row = await asOwner(t.db, (trx) => trx.selectFrom('drafts as d').innerJoin('draft_snapshots as s', 's.draft_id', 'd.id')
      .select(['d.owner_region', 'd.plain_text', 's.data', 's.last_update_id']).where('d.id', '=', id).executeTakeFirstOrThrow());
    expect(row.owner_region).toBe('sichuan');
    expect(Number(row.last_update_id)).toBe(0); // bigint: a string from pg, a number from PGlite
    expect(row.plain_text.trim()).toBe('关于共建川渝柑橘产业带的提案');
    const doc = new Y.Doc();
    Y.applyUpdate(doc, row.data);
    expect(doc.getXmlFragment('default').toString()).toContain('<heading level="1">关于共建川渝柑橘产业带的提案</heading>');
    // The seeded text is recorded as the author's (attribution and diffs name them).
    const owners = await asOwner(t.db, (trx) => trx.selectFrom('draft_client_ids').select(['client_id', 'user_id']).where('draft_id', '=', id).execute());
    expect(owners.map((o) => [Number(o.client_id), o.user_id])).toEqual([[[...doc.store.clients.keys()][0], as['sc-member'].id]]);
    expect((await auditRows(id)).map((a) => a.action)).toEqual(['draft.create', 'boundary.share']);
    // The other region reads a joint draft straight away.
    expect((await getDraft(t.db, as['cq-member'], id)).role).toBe('viewer');
  });

  it('refuses a workspace the actor is not in as a field error, and handlers with 403/field error', async () => {
    const input = { title: 'x', kind: 'proposal' as const, visibility: 'org' as const };
    expect(await refusal(createDraft(t.db, as['gz-member'], workspaceIds['川渝两省市政协合作平台'], input)))
      .toMatchObject({ field: 'workspaceId', messageKey: 'drafts.workspaceUnavailable' });
    expect(await refusal(createDraft(t.db, as['sc-member'], '00000000-0000-0000-0000-000000000000', input)))
      .toBeInstanceOf(InputError);
  });

  it('lets only stewards rename, and audits it', async () => {
    expect(((await refusal(updateDraftMeta(t.db, as['sc-member'], H(), { title: 'x', kind: 'proposal' }))) as PolicyError).status).toBe(403);
    await updateDraftMeta(t.db, as['sc-leader'], SC(), { title: DEMO_DRAFT_TITLES.sichuan, kind: 'inspection' });
    expect((await auditRows(SC())).at(-1)).toMatchObject({ action: 'draft.update', region: 'sichuan' });
  });
});

describe(`collaborators and visibility (${backend})`, () => {
  it('needs a joint draft to invite the other region, and says so beside the field', async () => {
    expect(await refusal(inviteCollaborator(t.db, as['sc-member'], SC(), { userId: as['cq-member'].id, role: 'editor' })))
      .toMatchObject({ field: 'userId', messageKey: 'policy.inviteNeedsJoint' });
    expect(await refusal(inviteCollaborator(t.db, as['sc-member'], SC(), { userId: as['sc-member2'].id, role: 'editor' })))
      .toMatchObject({ field: 'userId', messageKey: 'policy.inviteeNotInWorkspace' });
    expect(await refusal(inviteCollaborator(t.db, as['sc-member'], SC(), { userId: as['sc-staff'].id, role: 'editor' })))
      .toMatchObject({ field: 'userId', messageKey: 'drafts.alreadyCollaborator' });
    expect(((await refusal(inviteCollaborator(t.db, as['sc-staff'], SC(), { userId: as['sc-coordinator'].id, role: 'viewer' }))) as PolicyError).status).toBe(403);
    const { candidates, othersNeedJoint } = await getDraft(t.db, as['sc-member'], SC());
    expect(candidates.every((c) => c.region === 'sichuan')).toBe(true);
    expect(othersNeedJoint).toBe(true);
  });

  it('narrowing from joint removes the other region’s collaborators, audits both regions and re-checks live connections', async () => {
    const ws = workspaceIds['川渝两省市政协合作平台'];
    const id = await createDraft(t.db, as['cq-member'], ws, { title: '关于成渝中线高铁沿线产业协作的建议', kind: 'proposal', visibility: 'joint' }, call);
    await inviteCollaborator(t.db, as['cq-member'], id, { userId: as['sc-member'].id, role: 'editor' }, call);
    await inviteCollaborator(t.db, as['cq-member'], id, { userId: as['cq-leader'].id, role: 'commenter' }, call);
    expect((await getDraft(t.db, as['sc-member'], id)).role).toBe('editor');
    rechecked.length = 0;
    const r = await setDraftVisibility(t.db, as['cq-member'], id, 'region', call);
    expect(r).toEqual({ changed: true, removed: ['刘洋'] });
    expect(rechecked).toEqual([id]);
    expect(await refusal(getDraft(t.db, as['sc-member'], id))).toBeInstanceOf(NotFoundError);
    const { collaborators } = await getDraft(t.db, as['cq-member'], id);
    expect(collaborators.map((c) => c.displayName)).toEqual(['王建国']);
    const unshare = (await auditRows(id)).filter((a) => a.action === 'boundary.unshare');
    expect(unshare.map((a) => a.region).sort()).toEqual(['chongqing', 'sichuan']);
    // Unchanged visibility: nothing to audit or re-check.
    rechecked.length = 0;
    expect((await setDraftVisibility(t.db, as['cq-member'], id, 'region', call)).changed).toBe(false);
    expect(rechecked).toEqual([]);
  });

  it('refuses a narrowing that would hide the draft from the steward making it', async () => {
    const ws = workspaceIds['四川省政协提案委员会工作区'];
    const id = await createDraft(t.db, as['sc-member2'], ws, { title: '成都市政协委员意见', kind: 'research', visibility: 'region' });
    expect(await refusal(setDraftVisibility(t.db, as['sc-leader'], id, 'org')))
      .toMatchObject({ field: 'visibility', messageKey: 'drafts.wouldLoseAccess' });
    expect((await setDraftVisibility(t.db, as['sc-member2'], id, 'org')).changed).toBe(true);
  });

  it('changes roles and removes collaborators with an audit entry and a live re-check', async () => {
    rechecked.length = 0;
    await setCollaboratorRole(t.db, as['cq-member'], H(), { userId: as['sc-member'].id, role: 'viewer' }, call);
    expect((await getDraft(t.db, as['sc-member'], H())).role).toBe('viewer');
    await setCollaboratorRole(t.db, as['cq-member'], H(), { userId: as['sc-member'].id, role: 'viewer' }, call);
    await removeCollaborator(t.db, as['cq-member'], H(), as['sc-coordinator'].id, call);
    expect(rechecked).toEqual([H(), H()]);
    expect(await refusal(removeCollaborator(t.db, as['cq-member'], H(), as['sc-coordinator'].id, call))).toBeInstanceOf(NotFoundError);
    const actions = (await auditRows(H())).map((a) => `${a.action}@${a.region}`);
    expect(actions).toEqual(expect.arrayContaining([
      'draft.collaborator.role@chongqing', 'draft.collaborator.role@sichuan',
      'draft.collaborator.remove@chongqing', 'draft.collaborator.remove@sichuan',
    ]));
    // A joint draft stays readable for a removed workspace member: as a viewer.
    expect((await getDraft(t.db, as['sc-coordinator'], H())).role).toBe('viewer');
  });
});
