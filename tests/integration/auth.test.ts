/**
 * Accounts on the real server: login and its errors, throttling, the session cookie, logout,
 * revocation, cross-origin posts and disabling a user.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { backend, DEMO_PASSWORD, startTestServer, type TestServer } from '../support/server';
import { asOwner } from '../support/db';
import { actorOf } from '../factories/demo';
import { setStatus } from '../../server/services/users';
import { LOGIN_ATTEMPT_RETENTION_MS, pruneSignInRecords, SESSION_RETENTION_MS } from '../../server/auth/sessions';

const INVALID = '用户名或密码不正确';
const TOO_MANY = '登录失败次数过多';

let server: TestServer;
// Behind a proxy, as in production: X-Forwarded-For tells the client's address apart.
beforeAll(async () => { server = await startTestServer({ TRUST_PROXY: 'true' }); });
afterAll(() => server?.stop());

function postLogin(fields: Record<string, string>, headers: Record<string, string> = {}) {
  return server.request('/login', { method: 'POST', body: new URLSearchParams(fields), headers });
}
const home = (cookie?: string) => server.request('/', { cookie });
const sessionsOf = (username: string) => asOwner(server.database.db, (trx) =>
  trx.selectFrom('sessions as s').innerJoin('users as u', 'u.id', 's.user_id')
    .select(['s.id', 's.revoked_at']).where('u.username', '=', username).execute());

describe(`login (${backend})`, () => {
  it('the right password logs in: a redirect home and a working session', async () => {
    const res = await postLogin({ username: 'sc-leader', password: DEMO_PASSWORD });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/');
    const cookie = res.headers.get('set-cookie')!.split(';')[0];
    const page = await home(cookie);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('黄志强');
  });

  it('a wrong password is 401 with the Chinese message, and no cookie', async () => {
    const res = await postLogin({ username: 'sc-leader', password: 'wrong-password' });
    expect(res.status).toBe(401);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(await res.text()).toContain(INVALID);
  });

  it('an unknown username gets the same answer as a wrong password', async () => {
    const res = await postLogin({ username: 'nobody-here', password: 'wrong-password' });
    expect(res.status).toBe(401);
    expect(await res.text()).toContain(INVALID);
  });

  it('missing fields are 400 with a field error, not a login attempt', async () => {
    const cases: Record<string, string>[] = [{}, { username: 'sc-leader' }, { password: DEMO_PASSWORD }, { username: '   ', password: 'x' }];
    for (const fields of cases) {
      const res = await postLogin(fields);
      expect(res.status, JSON.stringify(fields)).toBe(400);
      expect(await res.text()).toContain('此项为必填项'); // validation.required
    }
  });

  it('after 5 failures for one username, even the right password gets 429 and the message', async () => {
    for (let i = 0; i < 5; i++) expect((await postLogin({ username: 'cq-staff', password: `wrong-${i}` })).status).toBe(401);
    const res = await postLogin({ username: 'cq-staff', password: DEMO_PASSWORD });
    expect(res.status).toBe(429);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(await res.text()).toContain(TOO_MANY);
    // The limit is per username: others still log in.
    expect((await postLogin({ username: 'cq-leader', password: DEMO_PASSWORD })).status).toBe(302);
  });
});

describe(`redirects stay on this site (${backend})`, () => {
  // What browsers read as another host: a backslash is a slash, tabs and newlines are dropped.
  const FOREIGN = ['/\\evil.example', '/\t/evil.example', '//evil.example', '/\\/evil.example', 'http://evil.example/', 'javascript:alert(1)'];
  const landsOn = (res: Response) => new URL(res.headers.get('location') ?? '', server.url);

  it('after a real login, redirectTo is followed only on this origin', async () => {
    // The login page carries redirectTo into its form as given (/login?redirectTo=/%5Cevil.example).
    const page = await server.request(`/login?redirectTo=${encodeURIComponent('/\\evil.example')}`);
    expect(await page.text()).toContain('value="/\\evil.example"');
    for (const redirectTo of FOREIGN) {
      const res = await postLogin({ username: 'sc-member', password: DEMO_PASSWORD, redirectTo });
      expect(res.status, redirectTo).toBe(302);
      expect(landsOn(res).origin, redirectTo).toBe(new URL(server.url).origin);
      expect(res.headers.get('location'), redirectTo).toBe('/');
    }
    const ok = await postLogin({ username: 'sc-member', password: DEMO_PASSWORD, redirectTo: '/workspaces?tab=2' });
    expect(ok.headers.get('location')).toBe('/workspaces?tab=2');
  });

  it('the language switch goes back to a Referer on this origin only, and never fails on one', async () => {
    const switchTo = (referer: string) => server.request('/lang', {
      method: 'POST', headers: { Referer: referer }, body: new URLSearchParams({ locale: 'en' }),
    });
    for (const referer of [...FOREIGN, `${server.url.replace('http:', 'https:')}/workspaces`, 'not a url', '/workspaces', '']) {
      const res = await switchTo(referer);
      expect(res.status, referer).toBe(302);
      expect(res.headers.get('location'), referer).toBe('/');
      expect(res.headers.get('set-cookie'), referer).toMatch(/^lang=en;/);
    }
    const back = await switchTo(`${server.url}/workspaces?tab=2`);
    expect(back.headers.get('location')).toBe('/workspaces?tab=2');
  });
});

describe(`sessions (${backend})`, () => {
  it('the session cookie is HttpOnly and SameSite=Lax (and Secure in production on PostgreSQL)', async () => {
    const res = await postLogin({ username: 'sc-member', password: DEMO_PASSWORD });
    const setCookie = res.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^cy_session=[^;]+/);
    expect(setCookie).toMatch(/;\s*HttpOnly/i);
    expect(setCookie).toMatch(/;\s*SameSite=Lax/i);
    expect(setCookie).toMatch(/;\s*Path=\//i);
    // startTestServer runs NODE_ENV=production; Secure goes with a DATABASE_URL (the embedded demo is plain http).
    expect(/;\s*Secure/i.test(setCookie)).toBe(backend === 'postgres');
  });

  it('each login gets a new session id, even when the browser already sent one; only its hash is stored', async () => {
    const before = (await sessionsOf('sc-member2')).length;
    const first = await server.login('sc-member2');
    const res = await server.request('/login', {
      method: 'POST', cookie: first, body: new URLSearchParams({ username: 'sc-member2', password: DEMO_PASSWORD }),
    });
    expect(res.status).toBe(302);
    const second = res.headers.get('set-cookie')!.split(';')[0];
    expect(second).not.toBe(first);
    const rows = await sessionsOf('sc-member2');
    expect(rows.length).toBe(before + 2);
    for (const r of rows) {
      expect(r.id).toMatch(/^[0-9a-f]{64}$/);
      expect(decodeURIComponent(first)).not.toContain(r.id);
    }
    expect((await home(first)).status).toBe(200);
    expect((await home(second)).status).toBe(200);
  });

  it('logout (POST /logout) revokes the session: the old cookie no longer works', async () => {
    const cookie = await server.login('sc-staff');
    expect((await home(cookie)).status).toBe(200);
    const out = await server.request('/logout', { method: 'POST', cookie });
    expect(out.status).toBe(302);
    expect(out.headers.get('location')).toBe('/login');
    expect(out.headers.get('set-cookie')).toMatch(/cy_session=;.*(Max-Age=0|Expires=Thu, 01 Jan 1970)/i);
    const again = await home(cookie); // a copy of the cookie kept after logout
    expect(again.status).toBe(302);
    expect(again.headers.get('location')).toBe('/login');
    expect((await sessionsOf('sc-staff')).every((s) => s.revoked_at !== null)).toBe(true);
  });

  it('a forged or tampered cookie is no session', async () => {
    const cookie = await server.login('sc-coordinator');
    const [name, encoded] = cookie.split('=');
    const value = decodeURIComponent(encoded); // <payload>.<signature>
    const dot = value.lastIndexOf('.');
    const i = dot + 5;
    const flipped = `${value.slice(0, i)}${value[i] === 'A' ? 'B' : 'A'}${value.slice(i + 1)}`;
    expect(flipped).not.toBe(value);
    expect((await home(`${name}=${encodeURIComponent(flipped)}`)).status).toBe(302);
    const forged = `${Buffer.from(JSON.stringify('forged-token')).toString('base64')}${value.slice(dot)}`;
    expect((await home(`${name}=${encodeURIComponent(forged)}`)).status).toBe(302);
    expect((await home(cookie)).status).toBe(200);
    expect((await home('cy_session=abc')).status).toBe(302);
  });
});

describe(`cross-origin posts (${backend})`, () => {
  it('a login posted from another origin is refused 403, and sets no cookie', async () => {
    const res = await postLogin({ username: 'sc-admin', password: DEMO_PASSWORD }, { Origin: 'http://evil.example' });
    expect(res.status).toBe(403);
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('a logout posted from another origin is refused, and the session lives on', async () => {
    const cookie = await server.login('sc-admin');
    const res = await server.request('/logout', { method: 'POST', cookie, headers: { Origin: 'http://evil.example' } });
    expect(res.status).toBe(403);
    expect((await home(cookie)).status).toBe(200);
  });

  it('the same origin is accepted', async () => {
    const res = await postLogin({ username: 'sc-admin', password: DEMO_PASSWORD }, { Origin: server.url });
    expect(res.status).toBe(302);
  });
});

describe(`disabling a user (${backend})`, () => {
  it('ends their sessions at once and stops them logging in (directly in the database)', async () => {
    const cookie = await server.login('cq-member2');
    expect((await home(cookie)).status).toBe(200);
    await asOwner(server.database.db, (trx) => trx.updateTable('users').set({ status: 'disabled' }).where('username', '=', 'cq-member2').execute());
    expect((await home(cookie)).status).toBe(302);
    const res = await postLogin({ username: 'cq-member2', password: DEMO_PASSWORD });
    expect(res.status).toBe(401);
    expect(await res.text()).toContain(INVALID);
  });

  it('through the users service: the admin of the region disables, every session is revoked', async () => {
    const cookie = await server.login('cq-member');
    expect((await home(cookie)).status).toBe(200);
    const cqMember = await actorOf(server.database.db, 'cq-member');
    const scAdmin = await actorOf(server.database.db, 'sc-admin');
    // The other region's admin cannot (404), and nothing changes.
    await expect(setStatus(server.database.db, scAdmin, cqMember.id, 'disabled')).rejects.toMatchObject({ status: 404 });
    expect((await home(cookie)).status).toBe(200);
    await setStatus(server.database.db, await actorOf(server.database.db, 'cq-admin'), cqMember.id, 'disabled');
    expect((await home(cookie)).status).toBe(302);
    expect((await sessionsOf('cq-member')).every((s) => s.revoked_at !== null)).toBe(true);
  });
});

describe(`throttling under parallel attempts (${backend})`, () => {
  it('24 wrong passwords sent at once check at most 5; the owner at another address still logs in', async () => {
    const from = { 'X-Forwarded-For': '203.0.113.50' };
    const answers = await Promise.all(Array.from({ length: 24 }, (_, i) => postLogin({ username: 'cq-coordinator', password: `wrong-${i}` }, from)));
    const statuses = answers.map((r) => r.status);
    // Each password check leaves one login.failed entry (a refused attempt leaves login.throttled instead).
    const checked = await asOwner(server.database.db, (trx) => trx.selectFrom('audit_log').select('id')
      .where('action', '=', 'login.failed').where(sql<boolean>`detail->>'username' = 'cq-coordinator'`).execute());
    expect(checked.length).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s === 401).length).toBe(checked.length);
    expect(statuses.filter((s) => s === 429).length).toBe(24 - checked.length);
    expect((await postLogin({ username: 'cq-coordinator', password: DEMO_PASSWORD }, from)).status).toBe(429);
    const owner = await postLogin({ username: 'cq-coordinator', password: DEMO_PASSWORD }, { 'X-Forwarded-For': '198.51.100.7' });
    expect(owner.status).toBe(302);
  });
});

describe(`throttling per address (${backend})`, () => {
  // Last in this file: it blocks this address for everyone on this server.
  it('30 failures from one address block every username there, with the message', async () => {
    for (let i = 0; i < 30; i++) await postLogin({ username: `nobody-${i}`, password: 'wrong-password' });
    const res = await postLogin({ username: 'cq-admin', password: DEMO_PASSWORD });
    expect(res.status).toBe(429);
    expect(await res.text()).toContain(TOO_MANY);
  });
});

describe(`sign-in records past keeping (${backend})`, () => {
  it('sessions unused for 30 days and login attempts older than 90 days are deleted; newer ones stay', async () => {
    const db = server.database.db;
    const day = 24 * 60 * 60 * 1000;
    const user = await actorOf(db, 'cq-member');
    const ago = (ms: number) => new Date(Date.now() - ms);
    await asOwner(db, async (trx) => {
      await trx.insertInto('sessions').values([
        { id: 'prune-old', user_id: user.id, created_at: ago(40 * day), last_seen_at: ago(SESSION_RETENTION_MS + day), expires_at: ago(33 * day) },
        { id: 'prune-recent', user_id: user.id, created_at: ago(20 * day), last_seen_at: ago(SESSION_RETENTION_MS - day), expires_at: ago(13 * day) },
      ]).execute();
      await trx.insertInto('login_attempts').values([
        { username: 'prune-old', ip: '203.0.113.9', succeeded: false, at: ago(LOGIN_ATTEMPT_RETENTION_MS + day) },
        { username: 'prune-recent', ip: '203.0.113.9', succeeded: false, at: ago(LOGIN_ATTEMPT_RETENTION_MS - day) },
      ]).execute();
    });
    const pruned = await pruneSignInRecords(db);
    expect(pruned.sessions).toBeGreaterThanOrEqual(1);
    expect(pruned.attempts).toBeGreaterThanOrEqual(1);
    const left = await asOwner(db, async (trx) => ({
      sessions: (await trx.selectFrom('sessions').select('id').where('id', 'like', 'prune-%').execute()).map((r) => r.id),
      attempts: (await trx.selectFrom('login_attempts').select('username').where('username', 'like', 'prune-%').execute()).map((r) => r.username),
    }));
    expect(left).toEqual({ sessions: ['prune-recent'], attempts: ['prune-recent'] });
    // Live sessions are untouched (signed in from an address the throttling tests above did not block).
    const res = await postLogin({ username: 'sc-member', password: DEMO_PASSWORD }, { 'X-Forwarded-For': '198.51.100.77' });
    const cookie = res.headers.get('set-cookie')!.split(';')[0];
    expect(await pruneSignInRecords(db)).toEqual({ sessions: 0, attempts: 0 });
    expect((await home(cookie)).status).toBe(200);
  });
});
