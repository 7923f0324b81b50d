/**
 * Every change to a notice is in the owning region's audit log (as every other change is): posting,
 * editing and deleting, with the title, the actor and the address; nothing in the other region's log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server';
import { asOwner } from '../support/db';
import { SEED, workspaceId } from '../factories/demo';

let server: TestServer;
beforeAll(async () => { server = await startTestServer(); });
afterAll(() => server?.stop());

const auditOf = (noticeId: string) => asOwner(server.database.db, (trx) => trx.selectFrom('audit_log')
  .select(['action', 'region', 'actor_name', 'detail', 'ip']).where('target_type', '=', 'notice').where('target_id', '=', noticeId).orderBy('id').execute());

describe('notice changes are audited', () => {
  it('post, edit and delete each leave an entry for the owning region', async () => {
    const cookie = await server.login('cq-coordinator');
    const ws = await workspaceId(server.database.db, SEED.workspaces.chuanyu);
    const send = (path: string, body: Record<string, string>) => server.request(path, {
      method: 'POST', cookie, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
    });
    expect((await send(`/workspaces/${ws}.data`, { intent: 'post', title: '关于召开联合协商会的通知', body: '请各委员准时参加。', visibility: 'region' })).status).toBe(200);
    const { id } = await asOwner(server.database.db, (trx) => trx.selectFrom('notices').select('id').where('title', '=', '关于召开联合协商会的通知').executeTakeFirstOrThrow());
    expect((await send(`/notices/${id}.data`, { intent: 'update', title: '关于召开联合协商会的通知（更新）', body: '改期至下周。' })).status).toBe(200);
    const deleted = await send(`/notices/${id}.data`, { intent: 'delete' });
    expect(deleted.status).toBeLessThan(400);
    const entries = await auditOf(id);
    expect(entries.map((e) => e.action)).toEqual(['notice.create', 'notice.update', 'notice.delete']);
    for (const e of entries) {
      expect(e.region).toBe('chongqing');
      expect(e.actor_name).toBe('陈晓燕');
      expect(e.ip).toBeTruthy();
    }
    expect(JSON.stringify(entries[1].detail)).toContain('（更新）');
    // The audit page names the notice by its title, not by its id (it is deleted by now).
    const page = await (await server.request('/admin/audit', { cookie: await server.login('cq-admin') })).text();
    expect(page).toContain('：关于召开联合协商会的通知');
    expect(page).not.toContain(`：${id}`);
  });
});
