/**
 * The collaboration server under what browsers really send (issue: typed text lost, reloads locked
 * out): edits inside existing formatted text, awareness states that y-websocket clients pass on for
 * other people, a reloaded browser handing back its whole stored copy, a catch-up holding edits the
 * server lost, and updates that do not fit the editor's schema.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { backend, startTestServer, type TestServer } from '../support/server';
import { asOwner } from '../support/owner';
import { actorOf } from '../factories/demo';
import {
  openClient, rawSocket, sleep, storedClientOwners, typeInto, until, type CollabClient, type RawSocket,
} from '../support/collab';
import { CLOSE } from '../../shared/realtime/collab';
import { DEMO_DRAFT_TITLES } from '../../db/seed/drafts';
import { loadDocument, documentText } from '../../server/collab/document';
import { awarenessMessage, syncStep1Message, updateMessage } from '../../server/collab/protocol';
import { encodeAwarenessEntries } from '../../server/collab/awareness';
import { withActor } from '../../db';

let server: TestServer;
let hydrogen: string;
const cookies: Record<string, string> = {};
const clients: CollabClient[] = [];
const sockets: RawSocket[] = [];

beforeAll(async () => {
  server = await startTestServer();
  hydrogen = (await asOwner(server.database.db, (trx) => trx.selectFrom('drafts').select('id')
    .where('title', '=', DEMO_DRAFT_TITLES.hydrogen).executeTakeFirstOrThrow())).id;
  for (const u of ['cq-member', 'sc-member']) cookies[u] = await server.login(u);
});
afterEach(() => {
  for (const c of clients.splice(0)) c.destroy();
  for (const s of sockets.splice(0)) s.ws.terminate();
});
afterAll(() => server?.stop());

function client(user: string, doc?: Y.Doc) {
  const c = openClient(server.url, hydrogen, { cookie: cookies[user], doc });
  clients.push(c);
  return c;
}
const userId = async (username: string) => (await actorOf(server.database.db, username)).id;
/** The stored document's text (snapshot + log), after the server has stored what it buffers. */
async function storedText() {
  await server.collab.flush();
  const actor = await actorOf(server.database.db, 'cq-member');
  return withActor(server.database.db, { id: actor.id, region: actor.region, orgId: actor.orgId }, async (trx) => {
    const doc = await loadDocument(trx, hydrogen);
    try { return documentText(doc); } finally { doc.destroy(); }
  });
}

describe(`collaboration under real use (${backend})`, () => {
  it('an edit inside existing formatted text reaches the other side, a fresh reader and storage', async () => {
    const cq = client('cq-member');
    const sc = client('sc-member');
    await Promise.all([cq.synced, sc.synced]);
    // The first paragraph starts with a bold run: Yjs tidies formatting after such a remote edit on the server.
    for (const [who, block, mark] of [[cq, '起草说明', '【渝一】'], [sc, '氢能是构建', '【川一】'], [cq, '现状与问题', '【渝二】'], [sc, '以上建议', '【川二】']] as const) {
      typeInto(who.doc, block, mark, 'middle');
      const other = who === cq ? sc : cq;
      await until(() => other.text().includes(mark), `${mark} to cross`, 1000);
    }
    await until(() => cq.text() === sc.text(), 'both copies equal');
    const fresh = client('sc-member');
    await fresh.synced;
    expect(fresh.text()).toBe(cq.text());
    const stored = await storedText();
    for (const mark of ['【渝一】', '【川一】', '【渝二】', '【川二】']) expect(stored).toContain(mark);
    expect(stored).toBe(cq.text());
  });

  it("never claims an awareness id a connection merely passes on: its owner can still write under it", async () => {
    // cq's connection announces its own id, then (as y-websocket clients do) passes on another
    // person's state, whose owner is connected to another process and unknown here.
    const cq = rawSocket(server.url, hydrogen, { cookie: cookies['cq-member'], origin: server.url });
    sockets.push(cq);
    await cq.opened;
    const someoneElse = new Y.Doc();
    const own = 1000 + Math.floor(Math.random() * 1e6);
    cq.ws.send(syncStep1Message(new Y.Doc()));
    cq.ws.send(awarenessMessage(encodeAwarenessEntries([{ clientId: own, clock: 1, state: { user: {} } }])));
    cq.ws.send(awarenessMessage(encodeAwarenessEntries([{ clientId: someoneElse.clientID, clock: 3, state: { user: { name: '刘洋' } } }])));
    await sleep(300);
    const sc = client('sc-member', someoneElse);
    await sc.synced;
    typeInto(sc.doc, '案由', '【川方补充】');
    const cqReader = client('cq-member');
    await cqReader.synced;
    await until(() => cqReader.text().includes('【川方补充】'), 'the edit under the passed-on id', 2000);
    expect(sc.closes).toEqual([]);
    const owners = await storedClientOwners(server.database.db, hydrogen);
    expect(owners.get(someoneElse.clientID)).toBe(await userId('sc-member'));
    expect(owners.has(own) ? owners.get(own) : await userId('cq-member')).toBe(await userId('cq-member'));
  });

  it('a reloaded browser hands back its whole stored copy, other people\'s text included: not refused, nothing doubled', async () => {
    const cq = client('cq-member');
    const sc = client('sc-member');
    await Promise.all([cq.synced, sc.synced]);
    typeInto(cq.doc, '案由', '【重庆改】', 'end');
    typeInto(sc.doc, '案由', '【四川改】');
    await until(() => cq.text() === sc.text() && sc.text().includes('【重庆改】') && sc.text().includes('【四川改】'), 'both edits');
    // The reload: the browser's stored copy (y-indexeddb) is loaded into a new document (a new client
    // id) while the socket opens, and the provider sends it on as an update.
    const storedCopy = Y.encodeStateAsUpdate(sc.doc);
    sc.destroy();
    const reload = rawSocket(server.url, hydrogen, { cookie: cookies['sc-member'], origin: server.url });
    sockets.push(reload);
    await reload.opened;
    reload.ws.send(syncStep1Message(new Y.Doc()));
    reload.ws.send(updateMessage(storedCopy));
    expect(await Promise.race([reload.closed, sleep(500).then(() => 'still open')])).toBe('still open');
    const doc = new Y.Doc();
    Y.applyUpdate(doc, storedCopy);
    const reloaded = client('sc-member', doc);
    await reloaded.synced;
    typeInto(reloaded.doc, '案由', '【刷新后】');
    await until(() => cq.text().includes('【刷新后】'), 'the edit after the reload', 2000);
    expect(reloaded.closes).toEqual([]);
    expect(cq.text().split('【重庆改】').length).toBe(2);
    expect(cq.text().split('【四川改】').length).toBe(2);
  });

  it("a catch-up after connecting may hand back another user's edits the server lost; a live update may not", async () => {
    const cq = client('cq-member');
    await cq.synced;
    typeInto(cq.doc, '案由', '【已存】');
    await until(async () => (await storedClientOwners(server.database.db, hydrogen)).has(cq.doc.clientID), 'cq id claimed');
    // cq goes on typing while the server is gone (what a crash before the flush would lose), and sc's
    // browser already holds that text.
    cq.provider.disconnect();
    const base = Y.encodeStateVector(cq.doc);
    typeInto(cq.doc, '案由', '【服务器未存】');
    const lost = Y.encodeStateAsUpdate(cq.doc, base);

    // A live update carrying it from sc is refused (nobody writes under another's id)...
    const live = rawSocket(server.url, hydrogen, { cookie: cookies['sc-member'], origin: server.url });
    sockets.push(live);
    await live.opened;
    live.ws.send(updateMessage(lost));
    expect(await live.closed).toBe(CLOSE.BAD_MESSAGE);

    // ...while sc's catch-up (sync step 2) after connecting hands it back, still cq's.
    const scDoc = new Y.Doc();
    Y.applyUpdate(scDoc, Y.encodeStateAsUpdate(cq.doc));
    const sc = client('sc-member', scDoc);
    await sc.synced;
    const reader = client('cq-member');
    await reader.synced;
    await until(() => reader.text().includes('【服务器未存】'), 'the handed-back text', 2000);
    expect(sc.closes).toEqual([]);
    expect((await storedClientOwners(server.database.db, hydrogen)).get(cq.doc.clientID)).toBe(await userId('cq-member'));
  });

  it('refuses an edit that does not fit the schema: the sender is told, nothing is stored or forwarded, the others keep their text', async () => {
    const cq = client('cq-member');
    const sc = client('sc-member');
    await Promise.all([cq.synced, sc.synced]);
    const text = cq.text();
    await server.collab.flush(); // earlier tests' edits still buffered must not be counted as this one's
    const rowsBefore = await asOwner(server.database.db, (trx) => trx.selectFrom('draft_updates').select('id').where('draft_id', '=', hydrogen).execute());
    // A bare text run at the top of the document: every editor would show an empty page.
    sc.doc.getXmlFragment('default').insert(0, [new Y.XmlText('空白')]);
    expect(await sc.closed).toBe(CLOSE.OUTSIDE_SCHEMA);
    await sleep(300);
    expect(cq.text()).toBe(text);
    const fresh = client('cq-member');
    await fresh.synced;
    expect(fresh.text()).toBe(text);
    expect(fresh.doc.getXmlFragment('default').get(0)).toBeInstanceOf(Y.XmlElement);
    await server.collab.flush();
    const rowsAfter = await asOwner(server.database.db, (trx) => trx.selectFrom('draft_updates').select('id').where('draft_id', '=', hydrogen).execute());
    expect(rowsAfter.length).toBe(rowsBefore.length);
    // The server goes on: cq still edits.
    typeInto(cq.doc, '案由', '【照常】');
    await until(() => fresh.text().includes('【照常】'), 'an edit after the refusal');
  });
});
