/**
 * Named versions of drafts against the demo data (PGlite, or PostgreSQL with TEST_DATABASE_URL):
 * a saved version is the document as it was; opening and comparing return the right blobs, oldest
 * first; restoring makes the text the old version's again as a NEW change under a fresh client id
 * owned by the restorer (history kept, later versions still open, the same restore twice changes
 * nothing); the live server is flushed before reading and given the restore to apply; viewers and
 * commenters cannot save or restore (403), outsiders get 404, and the Chongqing-private draft's
 * versions never reach Sichuan, through the service or row-level security.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { withActor } from '../../db';
import { DEMO_DRAFT_TITLES } from '../../db/seed/drafts';
import { appendUpdates, claimClientIds, listClientIds, readStoredDocument } from '../../db/queries/collab';
import { asOwner, type TestDatabase } from '../../tests/support/db';
import { backend } from '../../tests/support/server';
import { openDemo } from '../../tests/factories/demo';
import type { Actor } from '../../shared/policy';
import { DOCUMENT_FIELD } from '../../shared/editor/extensions';
import { versionCompareSchema, versionSaveSchema } from '../../shared/validation/versions';
import { parseWith } from '../../shared/validation/parse';
import { documentFromStored, documentText } from '../collab/document';
import { nullCollab, type CollabHub } from '../collab';
import { writersOf } from '../collab/protocol';
import { listVersions, openVersion, restoreUpdate, restoreVersion, saveVersion, versionDocument } from './versions';
import type { CallContext } from './call';
import { refusal, refusalStatus } from '../../tests/support/refusal';

let t: TestDatabase;
let as: Record<string, Actor & { displayName: string }>;
let drafts: Record<string, string>;
const USERS = ['cq-member', 'cq-staff', 'cq-leader', 'cq-coordinator', 'sc-member', 'sc-coordinator', 'sc-leader', 'gz-member'];

/** What a route's CallContext would be told: flushes, restores handed to the live server, announcements. */
const log: string[] = [];
const applied: Array<{ draftId: string; update: Uint8Array; actorId: string }> = [];
const call = {
  ip: '127.0.0.1',
  collab: { ...nullCollab, flush: async () => { log.push('flush'); } } satisfies CollabHub,
  realtime: { recordChanged: async (kind: string, id: string, _ref: unknown, action: string) => { log.push(`${kind}:${id}:${action}`); } },
} as unknown as CallContext;
/** No live server: the service stores a restore itself. */
const offline: CallContext = { ip: '127.0.0.1' };

beforeAll(async () => { ({ t, as, drafts } = await openDemo(USERS)); }, 120_000);
afterAll(() => t?.drop());

const H = () => drafts[DEMO_DRAFT_TITLES.hydrogen];
const CQ = () => drafts[DEMO_DRAFT_TITLES.chongqing];
const MISSING = '00000000-0000-4000-8000-000000000000';
const dbA = (u: string) => ({ id: as[u].id, region: as[u].region, orgId: as[u].orgId });


const storedText = async (draftId: string) =>
  documentText(documentFromStored(await asOwner(t.db, (trx) => readStoredDocument(trx, draftId))));
const versionText = (data: Uint8Array) => documentText(versionDocument(data));

/** An edit by a user as their browser would send it: a fresh client id, claimed for them, appended to the log. */
async function edit(user: string, draftId: string, change: (fragment: Y.XmlFragment) => void) {
  const stored = documentFromStored(await asOwner(t.db, (trx) => readStoredDocument(trx, draftId)));
  const doc = new Y.Doc();
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(stored));
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  doc.transact(() => change(doc.getXmlFragment(DOCUMENT_FIELD)));
  const update = Y.mergeUpdates(updates);
  await withActor(t.db, dbA(user), async (trx) => {
    await claimClientIds(trx, draftId, writersOf(update), as[user].id);
    await appendUpdates(trx, [{ draftId, updates: [update], userId: as[user].id }]);
  });
}
const appendParagraph = (text: string) => (f: Y.XmlFragment) => {
  const p = new Y.XmlElement('paragraph');
  p.insert(0, [new Y.XmlText(text)]);
  f.push([p]);
};

describe(`versions of the joint draft (${backend})`, () => {
  let first: string;
  let firstText: string;
  let second: string;
  let secondText: string;

  it('validates names and compare targets with the shared schemas', () => {
    expect(parseWith(versionSaveSchema, { name: '  征求意见稿 ' })).toEqual({ ok: true, data: { name: '征求意见稿' } });
    expect(parseWith(versionSaveSchema, { name: ' ' })).toEqual({ ok: false, errors: { name: 'validation.required' } });
    expect(parseWith(versionSaveSchema, { name: '稿'.repeat(101) })).toEqual({ ok: false, errors: { name: 'validation.tooLong' } });
    expect(versionCompareSchema.safeParse('current').success).toBe(true);
    expect(versionCompareSchema.safeParse('latest').success).toBe(false);
  });

  it('an editor saves a named version: the live server is flushed first, the version holds the document as it is', async () => {
    firstText = await storedText(H());
    log.length = 0;
    first = (await saveVersion(t.db, as['cq-member'], H(), { name: '征求意见稿' }, call)).id;
    expect(log).toEqual(['flush', `draft:${H()}:updated`]);
    const { versions, abilities } = await listVersions(t.db, as['sc-member'], H());
    expect(abilities).toEqual({ save: true, restore: true });
    expect(versions).toEqual([expect.objectContaining({
      id: first, name: '征求意见稿', authorId: as['cq-member'].id, authorName: '李明', authorRegion: 'chongqing', authorOrg: expect.any(String),
    })]);
    expect(versions[0].createdAt).toBeInstanceOf(Date);
    const opened = await openVersion(t.db, as['sc-leader'], H(), first, null, call);
    expect(versionText(opened.data)).toBe(firstText);
    expect(opened.compare).toBeNull();
    expect(opened.abilities).toEqual({ restore: false });
  });

  it('later edits do not change a saved version; comparing with "current" gives the version then the current text', async () => {
    await edit('sc-member', H(), appendParagraph('四川委员补充：建议将成渝氢走廊纳入国家示范城市群扩围首批名单。'));
    await edit('cq-member', H(), (f) => f.delete(1, 1)); // drops 起草说明
    secondText = await storedText(H());
    expect(secondText).not.toBe(firstText);
    log.length = 0;
    const opened = await openVersion(t.db, as['cq-coordinator'], H(), first, 'current', call);
    expect(log).toEqual(['flush']);
    expect(versionText(opened.data)).toBe(firstText);
    expect(opened.compare).toMatchObject({ kind: 'current' });
    expect(versionText(opened.compare!.before)).toBe(firstText);
    expect(versionText(opened.compare!.after)).toBe(secondText);
    // Whoever wrote under which client id, from the server's table (never from inside the document):
    // 李明 as the author of the seeded text, 刘洋 for her paragraph; 李明's edit only deleted, and a
    // deletion carries no client id.
    const owners = new Map(opened.authorship.clientIds);
    expect([...owners.values()].sort()).toEqual([as['cq-member'].id, as['sc-member'].id].sort());
    expect(opened.authorship.people[as['sc-member'].id]).toMatchObject({ name: '刘洋', region: 'sichuan' });
    expect(opened.authorship.people[as['cq-member'].id]).toMatchObject({ name: '李明', region: 'chongqing' });
  });

  it('compares two versions oldest first, whichever is opened', async () => {
    second = (await saveVersion(t.db, as['sc-member'], H(), { name: '定稿前版本' }, call)).id;
    for (const [open, other] of [[first, second], [second, first]]) {
      const c = (await openVersion(t.db, as['cq-member'], H(), open, other, call)).compare!;
      expect(c.kind).toBe('version');
      expect([versionText(c.before), versionText(c.after)]).toEqual([firstText, secondText]);
    }
    expect((await openVersion(t.db, as['cq-member'], H(), first, first, call)).compare).toBeNull();
    expect((await listVersions(t.db, as['cq-member'], H())).versions.map((v) => v.name)).toEqual(['定稿前版本', '征求意见稿']);
  });

  it('restores an old version as a new change under a fresh client id owned by the restorer; history stays', async () => {
    const before = await asOwner(t.db, (trx) => trx.selectFrom('draft_updates').select(['id', 'user_id']).where('draft_id', '=', H()).execute());
    const ownersBefore = await asOwner(t.db, (trx) => listClientIds(trx, H()));
    log.length = 0;
    applied.length = 0;
    // Through the live server: it is flushed, then handed the change (which it applies, stores and broadcasts).
    const live = { ...call, collab: { ...call.collab!, applyUpdate: async (draftId: string, update: Uint8Array, actor: { id: string }) => {
      applied.push({ draftId, update, actorId: actor.id });
    } } } as CallContext;
    expect(await restoreVersion(t.db, as['sc-member'], H(), first, live)).toEqual({ changed: true });
    expect(log).toEqual(['flush', `draft:${H()}:updated`]);
    expect(applied).toHaveLength(1);
    const [writer] = writersOf(applied[0].update);
    expect(writersOf(applied[0].update)).toHaveLength(1);
    expect(ownersBefore.has(writer)).toBe(false);
    expect(applied[0].actorId).toBe(as['sc-member'].id);
    // Applied on top of the stored document, the change gives the old text.
    const doc = documentFromStored(await asOwner(t.db, (trx) => readStoredDocument(trx, H())));
    Y.applyUpdate(doc, applied[0].update);
    expect(documentText(doc)).toBe(firstText);

    // Without a live server the service stores it itself, the same way.
    expect(await restoreVersion(t.db, as['sc-member'], H(), first, offline)).toEqual({ changed: true });
    expect(await storedText(H())).toBe(firstText);
    const after = await asOwner(t.db, (trx) => trx.selectFrom('draft_updates').select(['id', 'user_id', 'data']).where('draft_id', '=', H()).orderBy('id').execute());
    expect(after.length).toBe(before.length + 1);
    const row = after.at(-1)!;
    expect(row.user_id).toBe(as['sc-member'].id);
    const owners = await asOwner(t.db, (trx) => listClientIds(trx, H()));
    for (const id of writersOf(row.data)) expect(owners.get(id)).toBe(as['sc-member'].id);
    const plain = await asOwner(t.db, (trx) => trx.selectFrom('drafts').select('plain_text').where('id', '=', H()).executeTakeFirstOrThrow());
    expect(plain.plain_text).toBe(firstText);

    // Every version is kept and still opens as it was saved; restoring again changes nothing.
    const { versions } = await listVersions(t.db, as['cq-member'], H());
    expect(versions.map((v) => v.id)).toEqual([second, first]);
    expect(versionText((await openVersion(t.db, as['cq-member'], H(), second, null, call)).data)).toBe(secondText);
    expect(await restoreVersion(t.db, as['cq-member'], H(), first, offline)).toEqual({ changed: false });
    // And back to the later version.
    expect(await restoreVersion(t.db, as['cq-member'], H(), second, offline)).toEqual({ changed: true });
    expect(await storedText(H())).toBe(secondText);
    const audits = await asOwner(t.db, (trx) => trx.selectFrom('audit_log').select(['action', 'region']).where('target_id', '=', H())
      .where('action', 'like', 'draft.version.%').execute());
    expect(audits.filter((a) => a.action === 'draft.version.restore').map((a) => a.region).sort())
      .toEqual(['chongqing', 'chongqing', 'chongqing', 'sichuan', 'sichuan']);
    expect(audits.filter((a) => a.action === 'draft.version.save')).toHaveLength(3); // 李明 (CQ), 刘洋 (CQ-owned + SC)
  });

  it('restoreUpdate leaves the given document untouched and is null when nothing differs', () => {
    const doc = new Y.Doc();
    appendParagraph('甲')(doc.getXmlFragment(DOCUMENT_FIELD));
    const version = Y.encodeStateAsUpdateV2(doc);
    appendParagraph('乙')(doc.getXmlFragment(DOCUMENT_FIELD));
    const state = Y.encodeStateAsUpdate(doc);
    const update = restoreUpdate(doc, version, new Set([doc.clientID]));
    expect(update).not.toBeNull();
    expect(Y.encodeStateAsUpdate(doc)).toEqual(state);
    expect(writersOf(update!)).not.toContain(doc.clientID);
    Y.applyUpdate(doc, update!);
    expect(documentText(doc)).toBe('甲');
    expect(restoreUpdate(doc, version)).toBeNull();
  });

  it('viewers and commenters read and compare but cannot save or restore (403); unknown versions are 404', async () => {
    log.length = 0;
    for (const user of ['sc-leader', 'cq-staff', 'sc-coordinator', 'cq-coordinator']) {
      const { abilities, versions } = await listVersions(t.db, as[user], H());
      expect(abilities, user).toEqual({ save: false, restore: false });
      expect(versions.length).toBe(2);
      expect(refusalStatus(await refusal(saveVersion(t.db, as[user], H(), { name: '我的版本' }, call))), user).toBe(403);
      expect(refusalStatus(await refusal(restoreVersion(t.db, as[user], H(), first, call))), user).toBe(403);
    }
    expect(log).toEqual([]); // refused before the live server was touched
    for (const work of [
      () => openVersion(t.db, as['cq-member'], H(), MISSING, null, call),
      () => openVersion(t.db, as['cq-member'], H(), first, MISSING, call),
      () => restoreVersion(t.db, as['cq-member'], H(), MISSING, call),
      () => listVersions(t.db, as['cq-member'], MISSING),
    ]) expect(refusalStatus(await refusal(work()))).toBe(404);
  });

  it('restores over, and from, content written before the schema was checked (a bare text run at the top)', async () => {
    // Stored as an older server took it: a text run directly in the document, first.
    await edit('cq-member', H(), (fragment) => fragment.insert(0, [new Y.XmlText('裸文本')]));
    const version = await saveVersion(t.db, as['cq-member'], H(), { name: '含裸文本' }, offline);
    await edit('sc-member', H(), (fragment) => {
      const p = new Y.XmlElement('paragraph');
      p.insert(0, [new Y.XmlText('恢复前新增')]);
      fragment.push([p]);
    });
    const { changed } = await restoreVersion(t.db, as['cq-member'], H(), version.id, offline);
    expect(changed).toBe(true);
    const stored = documentFromStored(await asOwner(t.db, (trx) => readStoredDocument(trx, H())));
    expect(documentText(stored)).not.toContain('恢复前新增');
    expect(documentText(stored)).toContain('氢能是构建清洁低碳');
    // The restore removed the bare run: every top-level child is a block again.
    expect(stored.getXmlFragment(DOCUMENT_FIELD).toArray().every((c) => c instanceof Y.XmlElement)).toBe(true);
  });
});

describe(`versions across the boundary (${backend})`, () => {
  let cqVersion: string;
  beforeAll(async () => {
    cqVersion = (await saveVersion(t.db, as['cq-staff'], CQ(), { name: '重庆内部稿' }, call)).id;
  });

  it('refuses outsiders with 404: Guizhou on the joint draft, Sichuan on the Chongqing-private draft', async () => {
    const joint = (await listVersions(t.db, as['cq-member'], H())).versions[0].id;
    log.length = 0;
    for (const [user, draftId, versionId] of [['gz-member', H(), joint], ['sc-member', CQ(), cqVersion], ['sc-leader', CQ(), cqVersion]] as const) {
      expect(refusalStatus(await refusal(listVersions(t.db, as[user], draftId))), user).toBe(404);
      expect(refusalStatus(await refusal(openVersion(t.db, as[user], draftId, versionId, 'current', call))), user).toBe(404);
      expect(refusalStatus(await refusal(saveVersion(t.db, as[user], draftId, { name: 'x' }, call))), user).toBe(404);
      expect(refusalStatus(await refusal(restoreVersion(t.db, as[user], draftId, versionId, call))), user).toBe(404);
    }
    expect(log.filter((l) => l === 'flush')).toEqual([]);
    // A version id of another draft is not found through this one.
    expect(refusalStatus(await refusal(openVersion(t.db, as['cq-member'], H(), cqVersion, null, call)))).toBe(404);
    expect(refusalStatus(await refusal(restoreVersion(t.db, as['cq-member'], H(), cqVersion, call)))).toBe(404);
  });

  it('row-level security never shows Sichuan a version or the authorship of the Chongqing-private draft', async () => {
    const seen = await withActor(t.db, dbA('sc-member'), async (trx) => ({
      versions: await trx.selectFrom('draft_versions').select(['id', 'draft_id']).where('draft_id', '=', CQ()).execute(),
      all: await trx.selectFrom('draft_versions').select('draft_id').execute(),
      clientIds: await trx.selectFrom('draft_client_ids').select('client_id').where('draft_id', '=', CQ()).execute(),
    }));
    expect(seen.versions).toEqual([]);
    expect(seen.all.every((v) => v.draft_id !== CQ())).toBe(true);
    expect(seen.clientIds).toEqual([]);
    const inserted = await refusal(withActor(t.db, dbA('sc-member'), (trx) => trx.insertInto('draft_versions')
      .values({ draft_id: CQ(), name: '越界', data: new Uint8Array([0]), author_id: as['sc-member'].id }).execute()));
    expect(String((inserted as Error).message)).toMatch(/row-level security|policy/i);
    const cq = await withActor(t.db, dbA('cq-leader'), (trx) => trx.selectFrom('draft_versions').select('id').where('draft_id', '=', CQ()).execute());
    expect(cq.map((v) => v.id)).toEqual([cqVersion]);
  });
});
