/**
 * The collaboration server (issue 4) with real y-websocket clients against the real server: sync,
 * roles enforced on the server, refusals with close codes, authorship, awareness identity, and
 * bounded input (a bad client loses its own connection, nobody else notices).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import { backend, startTestServer, type TestServer } from '../support/server';
import { asOwner } from '../support/owner';
import { actorOf, SEED } from '../factories/demo';
import {
  createDraft, openClient, rawSocket, refusalCode, sleep, until, type CollabClient, type RawSocket,
} from '../support/collab';
import { CLOSE } from '../../shared/realtime/collab';
import { updateMessage } from '../../server/collab/protocol';

let server: TestServer;
let joint: string;
let cqPrivate: string;
const cookies: Record<string, string> = {};
const clients: CollabClient[] = [];
const sockets: RawSocket[] = [];

beforeAll(async () => {
  server = await startTestServer();
  const db = server.database.db;
  joint = await createDraft(db, {
    workspace: SEED.workspaces.chuanyu, author: 'cq-member', visibility: 'joint', text: ['案由'],
    collaborators: { 'sc-member': 'editor', 'sc-leader': 'commenter', 'cq-leader': 'viewer' },
  });
  cqPrivate = await createDraft(db, { workspace: SEED.workspaces.chuanyu, author: 'cq-member', visibility: 'region', text: ['重庆内部'] });
  for (const u of ['cq-member', 'sc-member', 'sc-leader', 'cq-leader']) cookies[u] = await server.login(u);
});
afterEach(() => {
  for (const c of clients.splice(0)) c.destroy();
  for (const s of sockets.splice(0)) s.ws.terminate();
});
afterAll(() => server?.stop());

function client(user: string, draftId = joint) {
  const c = openClient(server.url, draftId, { cookie: cookies[user] });
  clients.push(c);
  return c;
}
function raw(user: string, draftId = joint, headers: Record<string, string> = {}) {
  const s = rawSocket(server.url, draftId, { cookie: cookies[user], origin: server.url, ...headers });
  sockets.push(s);
  return s;
}
const userId = async (username: string) => (await actorOf(server.database.db, username)).id;
const storedRows = (draftId: string) => asOwner(server.database.db, (trx) =>
  trx.selectFrom('draft_updates').select(['id', 'user_id', 'data']).where('draft_id', '=', draftId).orderBy('id').execute());

describe(`collaboration: sync (${backend})`, () => {
  it('two clients of two regions converge, and a late joiner gets everything', async () => {
    const cq = client('cq-member');
    const sc = client('sc-member');
    await Promise.all([cq.synced, sc.synced]);
    expect(cq.text()).toBe('案由');
    const started = performance.now();
    cq.type('重庆：氢走廊现状');
    sc.type('四川：加氢站布局');
    await until(() => cq.text() === sc.text() && cq.text().includes('四川') && sc.text().includes('重庆'), 'convergence');
    console.log(`[collab] two clients converged in ${(performance.now() - started).toFixed(0)} ms`);
    for (let i = 0; i < 20; i++) (i % 2 ? cq : sc).type(`第${i}条建议`);
    await until(() => cq.text() === sc.text() && cq.text().includes('第19条建议'), 'convergence of 20 edits');

    const late = client('cq-leader');
    await late.synced;
    expect(late.text()).toBe(cq.text());
    expect(late.text().split('\n')).toHaveLength(23);
  });

  it("drops a viewer's and a commenter's edits: neither applied, stored nor broadcast", async () => {
    const editor = client('cq-member');
    const viewer = client('cq-leader');
    const commenter = client('sc-leader');
    await Promise.all([editor.synced, viewer.synced, commenter.synced]);
    const before = editor.text();
    viewer.type('观看者的篡改');
    commenter.type('评论者的篡改');
    editor.type('编辑者的修改');
    await until(() => viewer.text().includes('编辑者的修改') && commenter.text().includes('编辑者的修改'), 'the editor reaching everyone');
    await sleep(400); // past a flush
    expect(editor.text()).toBe(`${before}\n编辑者的修改`);
    const rows = await storedRows(joint);
    const [viewerId, commenterId] = await Promise.all([userId('cq-leader'), userId('sc-leader')]);
    expect(rows.some((r) => r.user_id === viewerId || r.user_id === commenterId)).toBe(false);
    const late = client('sc-member');
    await late.synced;
    expect(late.text()).not.toMatch(/篡改/);
  });

  it('a read-only client connecting with edits the server lacks (typed offline before a freeze) is told so, and nothing is applied', async () => {
    const editor = client('cq-member');
    const viewer = client('cq-leader');
    await Promise.all([editor.synced, viewer.synced]);
    // Reconnecting with nothing new is quiet.
    viewer.provider.disconnect();
    viewer.provider.connect();
    await until(() => viewer.provider.synced, 'the viewer synced again');
    await sleep(200);
    expect(viewer.closes).not.toContain(CLOSE.EDITS_REFUSED);
    // A line it holds and the server lacks (dropped live), then its catch-up on the next connection.
    viewer.type('离线时写下的一段');
    viewer.provider.disconnect();
    viewer.provider.connect();
    await until(() => viewer.closes.includes(CLOSE.EDITS_REFUSED), 'the edits refused');
    editor.type('编辑者随后的修改');
    await until(() => editor.text().includes('编辑者随后的修改'), 'the editor');
    await sleep(400); // past a flush
    expect(editor.text()).not.toContain('离线时写下的一段');
    const late = client('sc-member');
    await late.synced;
    expect(late.text()).not.toContain('离线时写下的一段');
  });

  it('a read-only client connecting with deletions the server lacks (text deleted offline before a freeze) is told so too', async () => {
    const editor = client('cq-member');
    const viewer = client('cq-leader');
    await Promise.all([editor.synced, viewer.synced]);
    editor.type('冻结前的最后一段');
    await until(() => viewer.text().includes('冻结前的最后一段'), 'the viewer');
    // Reconnecting after others' deletions it received is quiet.
    const fragment = editor.doc.getXmlFragment('default');
    editor.doc.transact(() => fragment.delete(fragment.length - 1, 1));
    await until(() => !viewer.text().includes('冻结前的最后一段'), 'the deletion reaching the viewer');
    viewer.provider.disconnect();
    viewer.provider.connect();
    await until(() => viewer.provider.synced, 'the viewer synced again');
    await sleep(200);
    expect(viewer.closes).not.toContain(CLOSE.EDITS_REFUSED);
    // A paragraph it deleted (dropped live), then its catch-up on the next connection.
    const before = editor.text();
    const mine = viewer.doc.getXmlFragment('default');
    viewer.doc.transact(() => mine.delete(0, 1));
    viewer.provider.disconnect();
    viewer.provider.connect();
    await until(() => viewer.closes.includes(CLOSE.EDITS_REFUSED), 'the deletion refused');
    await sleep(400); // past a flush
    expect(editor.text()).toBe(before);
    const late = client('sc-member');
    await late.synced;
    expect(late.text()).toBe(before);
  });
});

describe(`collaboration: who may connect (${backend})`, () => {
  it('refuses with the right close code', async () => {
    const origin = server.url;
    expect(await refusalCode(server.url, joint, { origin })).toBe(CLOSE.UNAUTHENTICATED);
    expect(await refusalCode(server.url, joint, { origin, cookie: 'cy_session=forged.value' })).toBe(CLOSE.UNAUTHENTICATED);
    expect(await refusalCode(server.url, joint, { origin: 'https://evil.example', cookie: cookies['cq-member'] })).toBe(CLOSE.FORBIDDEN);
    expect(await refusalCode(server.url, joint, { cookie: cookies['cq-member'] })).toBe(CLOSE.FORBIDDEN); // no Origin
    // Sichuan cannot open a Chongqing region-private draft: not found, never "forbidden".
    expect(await refusalCode(server.url, cqPrivate, { origin, cookie: cookies['sc-member'] })).toBe(CLOSE.NOT_FOUND);
    expect(await refusalCode(server.url, '00000000-0000-4000-8000-000000000000', { origin, cookie: cookies['cq-member'] })).toBe(CLOSE.NOT_FOUND);
    expect(await refusalCode(server.url, 'not-a-uuid', { origin, cookie: cookies['cq-member'] })).toBe(CLOSE.NOT_FOUND);
    // The owner region's member opens it.
    const own = client('cq-member', cqPrivate);
    await own.synced;
    expect(own.text()).toBe('重庆内部');
  });

  it('connections checked together (one statement for many) each get their own answer and role', async () => {
    const origin = server.url;
    const ended = await server.login('sc-member');
    expect((await server.request('/logout', { method: 'POST', cookie: ended, headers: { origin } })).status).toBeLessThan(400);
    const refusals: Array<[Promise<number>, number]> = [];
    const editors: CollabClient[] = [];
    const viewers: CollabClient[] = [];
    const owners: CollabClient[] = [];
    for (let i = 0; i < 5; i++) {
      refusals.push([refusalCode(server.url, cqPrivate, { origin, cookie: cookies['sc-member'] }), CLOSE.NOT_FOUND]);
      editors.push(client('sc-member'));
      refusals.push([refusalCode(server.url, joint, { origin, cookie: ended }), CLOSE.UNAUTHENTICATED]);
      viewers.push(client('cq-leader'));
      owners.push(client('cq-member', cqPrivate));
      refusals.push([refusalCode(server.url, '00000000-0000-4000-8000-000000000000', { origin, cookie: cookies['cq-member'] }), CLOSE.NOT_FOUND]);
    }
    expect(await Promise.all(refusals.map(([code]) => code))).toEqual(refusals.map(([, want]) => want));
    await Promise.all([...editors, ...viewers, ...owners].map((c) => c.synced));
    expect(owners.map((c) => c.text())).toEqual(owners.map(() => '重庆内部'));
    // Roles are each connection's own: the viewer's line is dropped, the editor's reaches the others.
    viewers[0].type('只读者的字');
    editors[0].type('编辑者的字');
    await until(() => editors[4].text().includes('编辑者的字'), "the editor's line");
    await sleep(300);
    expect(editors[4].text()).not.toContain('只读者的字');
    expect(viewers[1].text()).toContain('编辑者的字');
  });

  it('a y-websocket client refused for good stops reconnecting', async () => {
    const c = openClient(server.url, cqPrivate, { cookie: cookies['sc-member'] });
    clients.push(c);
    expect(await c.closed).toBe(CLOSE.NOT_FOUND);
    await sleep(500);
    expect(c.closes).toEqual([CLOSE.NOT_FOUND]);
  });
});

describe(`collaboration: authorship and identity (${backend})`, () => {
  it("refuses an update written under another user's client id and closes that connection", async () => {
    const cq = client('cq-member');
    await cq.synced;
    cq.type('李明写的');
    const ownerOf = (clientId: number) => asOwner(server.database.db, (trx) => trx.selectFrom('draft_client_ids').select('user_id')
      .where('draft_id', '=', joint).where('client_id', '=', clientId).executeTakeFirst());
    await until(async () => !!(await ownerOf(cq.doc.clientID)), 'the client id recorded');
    expect((await ownerOf(cq.doc.clientID))?.user_id).toBe(await userId('cq-member'));
    // The id is claimed from awareness before the text arrives: wait until the server has the text,
    // or the forged paragraph (placed after it) would be refused for lacking context instead.
    const watcher = client('sc-member');
    await until(() => watcher.text().includes('李明写的'), 'the text on the server');

    // sc-member (an editor) crafts an update under cq-member's client id.
    const forger = new Y.Doc();
    Y.applyUpdate(forger, Y.encodeStateAsUpdate(cq.doc));
    forger.clientID = cq.doc.clientID;
    const sv = Y.encodeStateVector(forger);
    const p = new Y.XmlElement('paragraph');
    p.insert(0, [new Y.XmlText('冒名顶替')]);
    forger.getXmlFragment('default').push([p]);
    const s = raw('sc-member');
    await s.opened;
    s.ws.send(updateMessage(Y.encodeStateAsUpdate(forger, sv)));
    expect(await s.closed).toBe(CLOSE.BAD_MESSAGE);
    await sleep(300);
    expect(cq.text()).not.toContain('冒名顶替');
    const late = client('sc-member');
    await late.synced;
    expect(late.text()).not.toContain('冒名顶替');
  });

  it('sets awareness identity from the session and lets nobody speak for another client', async () => {
    const cq = client('cq-member');
    const sc = client('sc-member');
    await Promise.all([cq.synced, sc.synced]);
    cq.provider.awareness.setLocalState({ user: { id: 'x', name: '冒充者', region: 'sichuan' }, cursor: null });
    await until(() => sc.provider.awareness.getStates().get(cq.doc.clientID)?.user !== undefined, 'awareness reaching sc');
    const seen = sc.provider.awareness.getStates().get(cq.doc.clientID)!.user;
    expect(seen).toEqual({ id: await userId('cq-member'), name: '李明', org: expect.any(String), region: 'chongqing', color: '#b3300b' });

    sc.provider.awareness.setLocalStateField('cursor', { anchor: 1 });
    await until(() => cq.provider.awareness.getStates().get(sc.doc.clientID)?.user?.region === 'sichuan', 'sc presence');
    // A raw socket tries to overwrite cq-member's state (and claims a fresh id of its own).
    const s = raw('sc-leader');
    await s.opened;
    const enc = encoding.createEncoder();
    encoding.writeVarUint(enc, 1);
    const body = encoding.createEncoder();
    encoding.writeVarUint(body, 1);
    encoding.writeVarUint(body, cq.doc.clientID);
    encoding.writeVarUint(body, 999);
    encoding.writeVarString(body, JSON.stringify({ user: { name: 'hijack' }, cursor: null }));
    encoding.writeVarUint8Array(enc, encoding.toUint8Array(body));
    s.ws.send(encoding.toUint8Array(enc));
    await sleep(300);
    expect(sc.provider.awareness.getStates().get(cq.doc.clientID)?.user?.name).toBe('李明');

    cq.destroy();
    await until(() => !sc.provider.awareness.getStates().has(cq.doc.clientID), 'presence removed on close');
  });
});

describe(`collaboration: bounded input (${backend})`, () => {
  it('closes only the connection that sends garbage, truncated or unknown messages; the server stays up', async () => {
    const cq = client('cq-member');
    const sc = client('sc-member');
    await Promise.all([cq.synced, sc.synced]);
    const valid = updateMessage(Y.encodeStateAsUpdate(cq.doc));
    const garbage: Array<Uint8Array | string> = [
      new Uint8Array(Array.from({ length: 64 }, () => Math.floor(Math.random() * 256))),
      valid.subarray(0, Math.floor(valid.length / 2)), // truncated
      new Uint8Array([7, 1, 2]), // unknown message type
      new Uint8Array([0, 9, 0]), // unknown sync step
      new Uint8Array([1, 5, 1, 2, 3, 4, 5]), // malformed awareness
      new Uint8Array([0, 0, 3, 255, 255, 255]), // malformed state vector
      'a text frame',
    ];
    for (const bytes of garbage) {
      const s = raw('sc-member');
      await s.opened;
      s.ws.send(bytes);
      expect(await s.closed).toBe(CLOSE.BAD_MESSAGE);
    }
    // Random messages of every shape, from a viewer and an editor.
    for (let i = 0; i < 20; i++) {
      const s = raw(i % 2 ? 'cq-leader' : 'sc-member');
      await s.opened;
      const len = 1 + Math.floor(Math.random() * 200);
      s.ws.send(new Uint8Array(Array.from({ length: len }, (_, k) => (k === 0 ? i % 4 : Math.floor(Math.random() * 256)))));
      await Promise.race([s.closed, sleep(200)]);
    }
    cq.type('仍然在线');
    await until(() => sc.text().includes('仍然在线'), 'healthy clients still converge');
    expect(cq.closes).toEqual([]);
    expect(sc.closes).toEqual([]);
    expect((await server.request('/healthz')).status).toBe(200);
  });

  it('closes a connection that floods (RATE_LIMITED) or sends an oversized message (1009)', async () => {
    const flood = raw('cq-leader');
    await flood.opened;
    for (let i = 0; i < 2000 && flood.ws.readyState === flood.ws.OPEN; i++) flood.ws.send(new Uint8Array([3]));
    expect(await flood.closed).toBe(CLOSE.RATE_LIMITED);

    const big = raw('cq-leader');
    await big.opened;
    big.ws.send(new Uint8Array(3 * 1024 * 1024));
    expect(await big.closed).toBe(1009);
  });
});
