/**
 * Live revocation on the collaboration server: after a commit that changes access, recheckDraft /
 * recheckUser close exactly the connections that lost something, within a second.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { backend, startTestServer, type TestServer } from '../support/server';
import { asOwner } from '../support/owner';
import { actorOf, SEED, workspaceId } from '../factories/demo';
import { createDraft, openClient, sleep, until, type CollabClient } from '../support/collab';
import { CLOSE } from '../../shared/realtime/collab';

let server: TestServer;
const cookies: Record<string, string> = {};
const clients: CollabClient[] = [];

beforeAll(async () => {
  server = await startTestServer();
  for (const u of ['cq-member', 'sc-member', 'cq-staff', 'sc-staff', 'sc-leader']) cookies[u] = await server.login(u);
});
afterEach(() => { for (const c of clients.splice(0)) c.destroy(); });
afterAll(() => server?.stop());

const db = () => server.database.db;
function client(user: string, draftId: string) {
  const c = openClient(server.url, draftId, { cookie: cookies[user] });
  clients.push(c);
  return c;
}
const jointDraft = (collaborators: Record<string, 'editor' | 'commenter' | 'viewer'> = {}) =>
  createDraft(db(), { workspace: SEED.workspaces.chuanyu, author: 'cq-member', visibility: 'joint', text: ['联合提案'], collaborators });

/** Runs the recheck and returns how long until the client saw its close code (which must come within 1 s). */
async function closedWithin(c: CollabClient, recheck: () => Promise<void>): Promise<{ code: number; ms: number }> {
  const started = performance.now();
  await recheck();
  const code = await Promise.race([c.closed, sleep(1000).then(() => -1)]);
  return { code, ms: Math.round(performance.now() - started) };
}

describe(`collaboration: live revocation (${backend})`, () => {
  it('a narrowed visibility closes the other region (FORBIDDEN) and keeps the author', async () => {
    const draftId = await jointDraft({ 'sc-member': 'editor' });
    const cq = client('cq-member', draftId);
    const sc = client('sc-member', draftId);
    await Promise.all([cq.synced, sc.synced]);
    await asOwner(db(), (trx) => trx.updateTable('drafts').set({ visibility: 'region' }).where('id', '=', draftId).execute());
    const result = await closedWithin(sc, () => server.collab.recheckDraft(draftId));
    console.log(`[collab] narrowed visibility closed the connection in ${result.ms} ms`);
    expect(result.code).toBe(CLOSE.FORBIDDEN);
    await sleep(300);
    expect(cq.closes).toEqual([]);
    expect(sc.closes).toEqual([CLOSE.FORBIDDEN]); // and it does not come back
    cq.type('仍可编辑');
    await until(() => cq.text().includes('仍可编辑'), 'the author still editing');
  });

  it('removing a collaborator changes the role (RETRY); reconnecting gives read-only access', async () => {
    const draftId = await jointDraft({ 'sc-member': 'editor' });
    const sc = client('sc-member', draftId);
    await sc.synced;
    const scId = (await actorOf(db(), 'sc-member')).id;
    await asOwner(db(), (trx) => trx.deleteFrom('draft_collaborators').where('draft_id', '=', draftId).where('user_id', '=', scId).execute());
    const result = await closedWithin(sc, () => server.collab.recheckDraft(draftId));
    expect(result.code).toBe(CLOSE.RETRY);

    // Back as a workspace member reading a joint draft: a viewer, whose edits go nowhere.
    const again = client('sc-member', draftId);
    const cq = client('cq-member', draftId);
    await Promise.all([again.synced, cq.synced]);
    again.type('已无编辑权');
    await sleep(400);
    expect(cq.text()).not.toContain('已无编辑权');
  });

  it('disabling a user closes their connections (UNAUTHENTICATED); removal from the workspace closes them (FORBIDDEN)', async () => {
    const draftId = await jointDraft();
    const scStaff = client('sc-staff', draftId);
    const cqStaff = client('cq-staff', draftId);
    const cq = client('cq-member', draftId);
    await Promise.all([scStaff.synced, cqStaff.synced, cq.synced]);

    const disabled = (await actorOf(db(), 'sc-staff')).id;
    await asOwner(db(), async (trx) => {
      await trx.updateTable('users').set({ status: 'disabled' }).where('id', '=', disabled).execute();
      await trx.updateTable('sessions').set({ revoked_at: new Date() }).where('user_id', '=', disabled).execute();
    });
    expect((await closedWithin(scStaff, () => server.collab.recheckUser(disabled))).code).toBe(CLOSE.UNAUTHENTICATED);

    const removed = (await actorOf(db(), 'cq-staff')).id;
    const ws = await workspaceId(db(), SEED.workspaces.chuanyu);
    await asOwner(db(), (trx) => trx.deleteFrom('workspace_members').where('workspace_id', '=', ws).where('user_id', '=', removed).execute());
    expect((await closedWithin(cqStaff, () => server.collab.recheckUser(removed))).code).toBe(CLOSE.FORBIDDEN);

    // Nothing changed for the author: a recheck keeps them.
    await server.collab.recheckDraft(draftId);
    await server.collab.recheckUser((await actorOf(db(), 'cq-member')).id);
    await sleep(300);
    expect(cq.closes).toEqual([]);
  });

  it('a logged-out session is closed by recheckUser', async () => {
    const draftId = await jointDraft();
    const cookie = await server.login('sc-leader');
    const c = openClient(server.url, draftId, { cookie });
    clients.push(c);
    await c.synced;
    expect((await server.request('/logout', { method: 'POST', cookie, headers: { origin: server.url } })).status).toBeLessThan(400);
    const userId = (await actorOf(db(), 'sc-leader')).id;
    expect((await closedWithin(c, () => server.collab.recheckUser(userId))).code).toBe(CLOSE.UNAUTHENTICATED);
  });
});
