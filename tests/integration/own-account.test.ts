/**
 * One's own account on one's profile page: contact details and password, without an administrator.
 * The current password is checked (and wrong guesses are limited); a change ends the person's other
 * sessions but not the one they used; nobody can change another person's details this way.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, startTestServer, type TestServer } from '../support/server';
import { asOwner } from '../support/db';
import { RATE_LIMITS } from '../../server/rate-limits';

let server: TestServer;
const ids: Record<string, string> = {};
beforeAll(async () => {
  server = await startTestServer();
  for (const u of await asOwner(server.database.db, (trx) => trx.selectFrom('users').select(['id', 'username']).execute())) ids[u.username] = u.id;
});
afterAll(() => server?.stop());

const send = (cookie: string, userId: string, body: Record<string, string>) => server.request(`/users/${userId}.data`, {
  method: 'POST', cookie, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
});
const signedIn = async (cookie: string) => (await server.request('/', { cookie })).status === 200;
const auditActions = (userId: string) => asOwner(server.database.db, async (trx) => (await trx.selectFrom('audit_log').select('action')
  .where('target_id', '=', userId).orderBy('id').execute()).map((r) => r.action));

describe('one\'s own account', () => {
  it('contact details: saved for oneself, refused with a message when malformed, never for someone else', async () => {
    const cookie = await server.login('sc-member2');
    const me = ids['sc-member2'];
    expect((await send(cookie, me, { intent: 'contact', phone: '028-8660 1234', email: 'sun@example.cn', address: '成都市青羊区' })).status).toBe(200);
    const page = await (await server.request(`/users/${me}`, { cookie })).text();
    expect(page).toContain('028-8660 1234');
    expect(page).toContain('sun@example.cn');
    const bad = await send(cookie, me, { intent: 'contact', phone: '电话', email: 'not-an-email', address: '' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('validation.email');
    expect(await (await server.request(`/users/${me}`, { cookie })).text()).toContain('sun@example.cn'); // nothing lost
    expect((await send(cookie, ids['sc-member'], { intent: 'contact', phone: '110', email: '', address: '' })).status).toBe(403);
    expect(await auditActions(me)).toContain('user.contact');
  });

  it('password: the current one is checked; the change keeps this session and ends the others', async () => {
    const here = await server.login('cq-member2');
    const elsewhere = await server.login('cq-member2');
    const me = ids['cq-member2'];
    const wrong = await send(here, me, { intent: 'password', current: 'not-my-password', password: 'a-new-password-2026' });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain('profile.wrongPassword');
    expect(await signedIn(elsewhere)).toBe(true);
    expect((await send(here, me, { intent: 'password', current: DEMO_PASSWORD, password: 'a-new-password-2026' })).status).toBe(200);
    expect(await signedIn(here)).toBe(true);
    expect(await signedIn(elsewhere)).toBe(false);
    await expect(server.login('cq-member2')).rejects.toThrow(/401/);
    expect(await signedIn(await server.login('cq-member2', 'a-new-password-2026'))).toBe(true);
    expect(await auditActions(me)).toContain('user.password');
  });

  it(`wrong current passwords: ${RATE_LIMITS.passwordCheck.points} tries, then 429 even with the right one`, async () => {
    const cookie = await server.login('sc-staff');
    const me = ids['sc-staff'];
    for (let i = 0; i < RATE_LIMITS.passwordCheck.points; i++) {
      expect((await send(cookie, me, { intent: 'password', current: `guess-${i}`, password: 'another-password-1' })).status).toBe(400);
    }
    expect((await send(cookie, me, { intent: 'password', current: DEMO_PASSWORD, password: 'another-password-1' })).status).toBe(429);
    expect(await signedIn(await server.login('sc-staff'))).toBe(true); // unchanged
  });
});
