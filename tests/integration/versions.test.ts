/**
 * Named versions over HTTP on the real server (production build, demo data) with real y-websocket
 * clients connected: saving flushes the live server first (the last keystrokes are in the version);
 * a restore is a new change that every connected client receives live and that is stored; the
 * version list keeps every version and each still opens; viewers and commenters get 403 on save and
 * restore, outsiders 404, Sichuan never sees the Chongqing-private draft's versions; bad input is a
 * 400, an unknown id a 404, never a 500.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { backend, startTestServer, type TestServer } from '../support/server';
import { asOwner } from '../support/owner';
import { SEED } from '../factories/demo';
import { createDraft, openClient, until, type CollabClient } from '../support/collab';
import { documentFromStored, documentText } from '../../server/collab/document';
import { readStoredDocument } from '../../db/queries/collab';

let server: TestServer;
let joint: string;
let cqPrivate: string;
const cookies: Record<string, string> = {};
const clients: CollabClient[] = [];
const USERS = ['cq-member', 'sc-member', 'sc-leader', 'cq-leader', 'gz-member'];

beforeAll(async () => {
  server = await startTestServer();
  const db = server.database.db;
  joint = await createDraft(db, {
    workspace: SEED.workspaces.chuanyu, author: 'cq-member', visibility: 'joint', text: ['案由：成渝氢走廊'],
    collaborators: { 'sc-member': 'editor', 'sc-leader': 'commenter', 'cq-leader': 'viewer' },
  });
  cqPrivate = await createDraft(db, { workspace: SEED.workspaces.chuanyu, author: 'cq-member', visibility: 'region', text: ['重庆内部意见'] });
  for (const u of USERS) cookies[u] = await server.login(u);
});
afterEach(() => { for (const c of clients.splice(0)) c.destroy(); });
afterAll(() => server?.stop());

function client(user: string, draftId = joint) {
  const c = openClient(server.url, draftId, { cookie: cookies[user] });
  clients.push(c);
  return c;
}
const post = (user: string, draftId: string, body: unknown) => server.request(`/drafts/${draftId}/versions`, {
  method: 'POST', cookie: cookies[user], headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
});
const get = (user: string, path: string) => server.request(path, { cookie: cookies[user] });
const versions = (draftId: string) => asOwner(server.database.db, (trx) => trx.selectFrom('draft_versions')
  .select(['id', 'name', 'data', 'author_id']).where('draft_id', '=', draftId).orderBy('created_at').execute());
const textOf = (v2: Uint8Array) => { const d = new Y.Doc(); Y.applyUpdateV2(d, v2); return documentText(d); };
const storedText = async (draftId: string) =>
  documentText(documentFromStored(await asOwner(server.database.db, (trx) => readStoredDocument(trx, draftId))));

describe(`versions with live clients (${backend})`, () => {
  let v1: { id: string; text: string };

  it('saving flushes the live server: a version holds what was typed a moment ago', async () => {
    const cq = client('cq-member');
    const sc = client('sc-member');
    await Promise.all([cq.synced, sc.synced]);
    cq.type('重庆委员：建议纳入国家示范城市群。');
    // The server has it once the other client does; it may still sit in the 250 ms write buffer.
    await until(() => sc.text().includes('建议纳入国家示范城市群'), 'the edit to reach the other client');
    const res = await post('sc-member', joint, { intent: 'save', name: '征求意见稿' });
    expect(res.status).toBe(200);
    const [saved] = await versions(joint);
    expect(saved.name).toBe('征求意见稿');
    expect(textOf(saved.data)).toBe(cq.text());
    v1 = { id: saved.id, text: cq.text() };
  });

  it('a restore reaches every connected client live, is stored, and keeps every version', async () => {
    const cq = client('cq-member');
    const sc = client('sc-member');
    const viewer = client('cq-leader');
    await Promise.all([cq.synced, sc.synced, viewer.synced]);
    sc.type('四川委员：补充加氢站布局。');
    const p = cq.doc.getXmlFragment('default').get(0) as Y.XmlElement;
    (p.get(0) as Y.XmlText).insert(0, '【修改】');
    await until(() => viewer.text().includes('补充加氢站布局') && viewer.text().includes('【修改】'), 'edits to converge');
    expect((await post('cq-member', joint, { intent: 'save', name: '定稿前版本' })).status).toBe(200);
    const later = viewer.text();

    const res = await post('cq-member', joint, { intent: 'restore', versionId: v1.id });
    expect(res.status).toBe(200);
    for (const c of [cq, sc, viewer]) await until(() => c.text() === v1.text, 'every client to show the restored text');
    await until(async () => (await storedText(joint)) === v1.text, 'the restore to be stored', 3000);
    const all = await versions(joint);
    expect(all.map((v) => v.name)).toEqual(['征求意见稿', '定稿前版本']);
    expect(textOf(all[1].data)).toBe(later);
    // Each still opens (read-only view and compare) for a reader of the draft.
    for (const path of [`/drafts/${joint}/versions/${all[1].id}`, `/drafts/${joint}/versions/${v1.id}?compare=current`,
      `/drafts/${joint}/versions/${v1.id}?compare=${all[1].id}`]) {
      expect((await get('cq-leader', path)).status, path).toBe(200);
    }
    // Editing goes on after a restore, for everyone.
    sc.type('恢复后继续修改。');
    await until(() => cq.text().endsWith('恢复后继续修改。') && viewer.text() === cq.text(), 'edits after the restore to converge');
    // Back to the later version (restored by the other region's editor); the same restore again changes nothing.
    expect((await post('sc-member', joint, { intent: 'restore', versionId: all[1].id })).status).toBe(200);
    for (const c of [cq, sc, viewer]) await until(() => c.text() === later, 'the second restore to arrive');
    await until(async () => (await storedText(joint)) === later, 'the second restore to be stored', 3000);
    const rows = async () => (await asOwner(server.database.db, (trx) => trx.selectFrom('draft_updates').select('id')
      .where('draft_id', '=', joint).execute())).length;
    const count = await rows();
    const again = await post('sc-member', joint, { intent: 'restore', versionId: all[1].id });
    expect(await again.text()).toContain('versions.restoreUnchanged');
    expect(await rows()).toBe(count);
  });
});

describe(`versions over HTTP: who may do what (${backend})`, () => {
  let version: string;
  let cqVersion: string;
  beforeAll(async () => {
    expect((await post('cq-member', cqPrivate, { intent: 'save', name: '重庆内部稿' })).status).toBe(200);
    cqVersion = (await versions(cqPrivate))[0].id;
    version = (await versions(joint))[0].id;
  });

  it('readers list and open versions; viewers and commenters cannot save or restore (403)', async () => {
    for (const user of ['sc-leader', 'cq-leader']) {
      const page = await get(user, `/drafts/${joint}/versions`);
      expect(page.status, user).toBe(200);
      expect(await page.text()).toContain('征求意见稿');
      expect((await post(user, joint, { intent: 'save', name: '我的版本' })).status, user).toBe(403);
      expect((await post(user, joint, { intent: 'restore', versionId: version })).status, user).toBe(403);
    }
    expect((await versions(joint)).map((v) => v.name)).not.toContain('我的版本');
  });

  it('outsiders get 404: Guizhou on the joint draft, Sichuan on the Chongqing-private draft', async () => {
    for (const [user, draftId, versionId] of [['gz-member', joint, version], ['sc-member', cqPrivate, cqVersion], ['sc-leader', cqPrivate, cqVersion]] as const) {
      expect((await get(user, `/drafts/${draftId}/versions`)).status, user).toBe(404);
      expect((await get(user, `/drafts/${draftId}/versions/${versionId}`)).status, user).toBe(404);
      expect((await get(user, `/drafts/${draftId}/versions/${versionId}?compare=current`)).status, user).toBe(404);
      expect((await post(user, draftId, { intent: 'save', name: 'x' })).status, user).toBe(404);
      expect((await post(user, draftId, { intent: 'restore', versionId })).status, user).toBe(404);
    }
    // A version of another draft is not found through this one.
    expect((await get('cq-member', `/drafts/${joint}/versions/${cqVersion}`)).status).toBe(404);
  });

  it('bad input is a 400 with field errors; unknown or malformed ids are 404, never a 500', async () => {
    const empty = await post('cq-member', joint, { intent: 'save', name: '   ' });
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain('validation.required');
    expect((await post('cq-member', joint, { intent: 'save', name: '稿'.repeat(101) })).status).toBe(400);
    expect((await post('cq-member', joint, { intent: 'restore', versionId: 'not-an-id' })).status).toBe(400);
    expect((await post('cq-member', joint, { intent: 'erase' })).status).toBe(400);
    expect((await post('cq-member', joint, { intent: 'restore', versionId: '00000000-0000-4000-8000-000000000000' })).status).toBe(404);
    for (const path of [
      `/drafts/${joint}/versions/not-a-uuid`,
      `/drafts/${joint}/versions/${version}?compare=latest`,
      `/drafts/${joint}/versions/${version}?compare=00000000-0000-4000-8000-000000000000`,
      `/drafts/${joint}/versions/00000000-0000-4000-8000-000000000000`,
    ]) expect((await get('cq-member', path)).status, path).toBe(404);
    for (const [type, body] of [['application/json', '{"intent": '], ['application/json', '[1,2]'], ['application/json', 'null'],
      ['application/json', JSON.stringify({ intent: 'save', name: { x: 1 } })], ['application/json', JSON.stringify({ intent: 'save', name: '长'.repeat(20_000) })],
      ['application/x-www-form-urlencoded', 'intent=%%%&&=&name=%E0%A4%A'], ['multipart/form-data', '--x\r\n']]) {
      const res = await server.request(`/drafts/${joint}/versions`, { method: 'POST', cookie: cookies['cq-member'], headers: { 'Content-Type': type }, body });
      expect(res.status, body.slice(0, 40)).toBeGreaterThanOrEqual(400);
      expect(res.status, body.slice(0, 40)).toBeLessThan(500);
    }
    expect((await server.request(`/drafts/${joint}/versions`)).status).toBe(302);
  });
});
