/**
 * How the collaboration server stores a document: the append log, automatic compaction into a
 * snapshot (on a long tail and when the document unloads) giving the same document, and the plain
 * text kept current for search and export.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { backend, startTestServer, type TestServer } from '../support/server';
import { asOwner } from '../support/owner';
import { actorOf, SEED } from '../factories/demo';
import { createDraft, openClient, sleep, until, type CollabClient } from '../support/collab';
import { loadDocument, documentText } from '../../server/collab/document';
import { defaultPersistenceOptions } from '../../server/collab/persistence';

let server: TestServer;
let cookie: string;
const clients: CollabClient[] = [];

beforeAll(async () => {
  server = await startTestServer();
  cookie = await server.login('cq-member');
});
afterEach(() => { for (const c of clients.splice(0)) c.destroy(); });
afterAll(() => server?.stop());

const owner = <T>(fn: Parameters<typeof asOwner<T>>[1]) => asOwner(server.database.db, fn);
const logOf = (draftId: string) => owner((trx) => trx.selectFrom('draft_updates').select(['id']).where('draft_id', '=', draftId).execute());
const snapshotOf = (draftId: string) => owner((trx) => trx.selectFrom('draft_snapshots').select(['last_update_id', 'data'])
  .where('draft_id', '=', draftId).executeTakeFirstOrThrow());
const stored = (draftId: string) => owner(async (trx) => {
  const doc = await loadDocument(trx, draftId);
  const out = { text: documentText(doc), xml: doc.getXmlFragment('default').toJSON() };
  doc.destroy();
  return out;
});
const newDraft = (text: string[]) => createDraft(server.database.db, { workspace: SEED.workspaces.chuanyu, author: 'cq-member', visibility: 'joint', text });
function client(draftId: string) {
  const c = openClient(server.url, draftId, { cookie });
  clients.push(c);
  return c;
}
const documentsOpen = () => server.collab.stats().documents;

describe(`collaboration storage (${backend})`, () => {
  it('compacts a long log without being asked, and the document is the same', async () => {
    const draftId = await newDraft(['起点']);
    // More log rows than the compaction threshold, one update each, as if written by a client over a long session.
    const rows = defaultPersistenceOptions.compactRows + 50;
    const author = await actorOf(server.database.db, 'cq-member');
    const local = new Y.Doc();
    Y.applyUpdate(local, (await snapshotOf(draftId)).data);
    const updates: Uint8Array[] = [];
    local.on('update', (u: Uint8Array) => updates.push(u));
    for (let i = 0; i < rows; i++) {
      const p = new Y.XmlElement('paragraph');
      p.insert(0, [new Y.XmlText(`第${i}段`)]);
      local.getXmlFragment('default').push([p]);
    }
    await owner(async (trx) => {
      await trx.insertInto('draft_updates').values(updates.map((data) => ({ draft_id: draftId, data, user_id: author.id }))).execute();
      await trx.insertInto('draft_client_ids').values({ draft_id: draftId, client_id: local.clientID, user_id: author.id }).execute();
    });
    const lastId = Math.max(...(await logOf(draftId)).map((r) => Number(r.id)));
    const before = await stored(draftId);
    expect(before.text.split('\n')).toHaveLength(rows + 1);

    const started = performance.now();
    const c = client(draftId);
    await c.synced;
    console.log(`[collab] a ${rows}-row log loaded and synced in ${(performance.now() - started).toFixed(0)} ms`);
    expect(c.text()).toBe(before.text);
    await until(async () => (await logOf(draftId)).length === 0, 'compaction of the log');
    console.log(`[collab] ... and compacted ${(performance.now() - started).toFixed(0)} ms after connecting`);
    expect(Number((await snapshotOf(draftId)).last_update_id)).toBe(lastId); // int8: a string from the owner's pg pool
    expect(await stored(draftId)).toEqual(before);

    // Reopened from the snapshot alone: the same document.
    c.destroy();
    await until(() => documentsOpen() === 0, 'the document to unload');
    const again = client(draftId);
    await again.synced;
    expect(again.text()).toBe(before.text);
    expect(again.doc.getXmlFragment('default').toJSON()).toBe(before.xml);
  });

  it('appends edits within 250 ms, keeps plain text current and compacts when the document unloads', async () => {
    const draftId = await newDraft(['案由']);
    const c = client(draftId);
    await c.synced;
    const started = performance.now();
    c.type('现状与问题');
    await until(async () => (await logOf(draftId)).length > 0, 'the edit in the log', 5000);
    const storedIn = performance.now() - started;
    console.log(`[collab] an edit was in the log after ${storedIn.toFixed(0)} ms`);
    // Flushed every 250 ms while the document is open (else only when it unloads): a loaded machine
    // may delay a flush, not skip it.
    expect(storedIn).toBeLessThan(2000);

    const plainText = async () => (await owner((trx) => trx.selectFrom('drafts').select('plain_text').where('id', '=', draftId).executeTakeFirstOrThrow())).plain_text;
    await until(async () => (await plainText()) === '案由\n现状与问题', 'plain text', 5000);
    c.type('建议');
    await until(async () => (await plainText()) === '案由\n现状与问题\n建议', 'plain text again', 5000); // 2 s at rest, then the next tick

    const beforeUnload = await stored(draftId);
    expect(beforeUnload.text).toBe('案由\n现状与问题\n建议');
    c.destroy();
    await until(() => documentsOpen() === 0, 'the document to unload');
    await until(async () => (await logOf(draftId)).length === 0, 'compaction at unload');
    expect(Number((await snapshotOf(draftId)).last_update_id)).toBeGreaterThan(0);
    expect(await stored(draftId)).toEqual(beforeUnload);
  });

  it('stores a burst of edits within one flush as one row holding each of them, and reads them back', async () => {
    const draftId = await newDraft(['开头']);
    const c = client(draftId);
    await c.synced;
    c.type('第一句'); // the first waits for the authorship check; the rest queue behind it
    for (let i = 0; i < 5; i++) c.type(`第${i}条`);
    const log = () => owner((trx) => trx.selectFrom('draft_updates').select(['id', 'updates', 'user_id']).where('draft_id', '=', draftId).execute());
    await until(async () => (await log()).reduce((n, r) => n + r.updates, 0) === 6, 'six updates in the log');
    const rows = await log();
    expect(rows.length).toBeLessThan(6);
    const author = await actorOf(server.database.db, 'cq-member');
    expect(rows.every((r) => r.user_id === author.id)).toBe(true);
    expect((await stored(draftId)).text).toBe(c.text());
  });

  it('compacts from the stored log, not the live document, when the log holds a row this process never applied', async () => {
    const draftId = await newDraft(['本进程']);
    const c = client(draftId);
    await c.synced;
    c.type('本进程的编辑');
    await until(async () => (await logOf(draftId)).length > 0, 'the edit in the log');
    // A row as another process would store it: never applied to this process's live document.
    const author = await actorOf(server.database.db, 'cq-member');
    const elsewhere = new Y.Doc();
    Y.applyUpdate(elsewhere, (await snapshotOf(draftId)).data);
    const p = new Y.XmlElement('paragraph');
    p.insert(0, [new Y.XmlText('另一进程的编辑')]);
    const before = Y.encodeStateVector(elsewhere);
    elsewhere.getXmlFragment('default').push([p]);
    await owner(async (trx) => {
      await trx.insertInto('draft_updates').values({ draft_id: draftId, data: Y.encodeStateAsUpdate(elsewhere, before), user_id: author.id }).execute();
      await trx.insertInto('draft_client_ids').values({ draft_id: draftId, client_id: elsewhere.clientID, user_id: author.id }).execute();
    });
    c.destroy();
    await until(() => documentsOpen() === 0, 'the document to unload');
    await until(async () => (await logOf(draftId)).length === 0, 'compaction at unload');
    expect((await stored(draftId)).text.split('\n').sort()).toEqual(['另一进程的编辑', '本进程', '本进程的编辑'].sort());
  });

  it('stores an edit made just before the client closes (its authorship still being checked)', async () => {
    const draftId = await newDraft(['开头']);
    const c = client(draftId);
    await c.synced;
    c.type('关闭前的最后一句'); // a new client id: the server asks the database who owns it
    c.destroy();
    clients.splice(clients.indexOf(c), 1);
    await until(() => documentsOpen() === 0, 'the document to unload');
    expect((await stored(draftId)).text).toBe('开头\n关闭前的最后一句');
  });

  it('applies a change made on the server (a restore) to the live document, and to a closed one', async () => {
    const draftId = await newDraft(['原文']);
    const author = await actorOf(server.database.db, 'cq-member');
    const serverChange = (line: string, state: Uint8Array) => {
      const copy = new Y.Doc(); // a fresh client id, owned by the acting user once stored
      Y.applyUpdate(copy, state);
      const before = Y.encodeStateVector(copy);
      const p = new Y.XmlElement('paragraph');
      p.insert(0, [new Y.XmlText(line)]);
      copy.getXmlFragment('default').push([p]);
      return Y.encodeStateAsUpdate(copy, before);
    };
    const c = client(draftId);
    await c.synced;
    await server.collab.applyUpdate(draftId, serverChange('恢复的段落', Y.encodeStateAsUpdate(c.doc)), author);
    await until(() => c.text() === '原文\n恢复的段落', 'the live client receiving it');
    c.destroy();
    clients.splice(clients.indexOf(c), 1);
    await until(() => documentsOpen() === 0, 'the document to unload');
    expect((await stored(draftId)).text).toBe('原文\n恢复的段落');

    const closed = await owner((trx) => loadDocument(trx, draftId));
    await server.collab.applyUpdate(draftId, serverChange('再次恢复', Y.encodeStateAsUpdate(closed)), author);
    const plain = await owner((trx) => trx.selectFrom('drafts').select('plain_text').where('id', '=', draftId).executeTakeFirstOrThrow());
    expect(plain.plain_text).toBe('原文\n恢复的段落\n再次恢复');
    const again = client(draftId);
    await again.synced;
    expect(again.text()).toBe('原文\n恢复的段落\n再次恢复');
  });

  it('many documents opened and closed leave nothing open', async () => {
    const ids = await Promise.all(Array.from({ length: 10 }, (_, i) => newDraft([`草稿${i}`])));
    const opened = ids.map((id) => client(id));
    await Promise.all(opened.map((c) => c.synced));
    expect(documentsOpen()).toBe(10);
    opened.forEach((c, i) => c.type(`修改${i}`));
    await sleep(50); // let the updates leave before the sockets close
    for (const c of clients.splice(0)) c.destroy();
    await until(() => documentsOpen() === 0 && server.collab.stats().connections === 0, 'every document to unload');
    for (const [i, id] of ids.entries()) expect((await stored(id)).text).toBe(`草稿${i}\n修改${i}`);
  });
});
