import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { backend } from '../../tests/support/server';
import { asOwner, openSeededDatabase, type TestDatabase } from '../../tests/support/db';
import { hashPassword } from '../auth/passwords';
import { login } from './login';

/**
 * Login throttling under parallel attempts, counting the password checks themselves: verifyPassword
 * is wrapped to count its calls (the real argon2 check still runs). The limits must hold however many
 * attempts arrive at once, and a throttled account must stay open to its owner at another address.
 */
const checks = vi.hoisted(() => ({ count: 0 }));
vi.mock('../auth/passwords', async (importOriginal) => {
  const real = await importOriginal<typeof import('../auth/passwords')>();
  return { ...real, verifyPassword: (stored: string, password: string) => { checks.count++; return real.verifyPassword(stored, password); } };
});

const PASSWORD = 'the-right-password';
let t: TestDatabase;

beforeAll(async () => {
  t = await openSeededDatabase();
  const hash = await hashPassword(PASSWORD);
  await asOwner(t.db, (trx) => trx.updateTable('users').set({ password_hash: hash }).where('username', 'in', ['cq-staff', 'sc-staff']).execute());
}, 120_000);
afterAll(() => t?.drop());
beforeEach(() => { checks.count = 0; });

const attempt = (username: string, ip: string, password = 'wrong-password') => login(t.db, { username, password, ip, userAgent: 'vitest' });
const tally = (results: Awaited<ReturnType<typeof attempt>>[]) =>
  results.reduce<Record<string, number>>((n, r) => { const k = r.ok ? 'ok' : r.error; n[k] = (n[k] ?? 0) + 1; return n; }, {});

// Dozens of real argon2 checks at once: give a busy 2-core machine time.
describe(`login throttling under parallel attempts (${backend})`, { timeout: 60_000 }, () => {
  it('25 wrong passwords at once for one account from one address: 5 password checks, the rest refused', async () => {
    const results = await Promise.all(Array.from({ length: 25 }, () => attempt('cq-staff', '203.0.113.7')));
    expect(checks.count).toBe(5);
    expect(tally(results)).toEqual({ invalid: 5, tooManyAttempts: 20 });
    // That address stays throttled for the account, even with the right password.
    expect((await attempt('cq-staff', '203.0.113.7', PASSWORD))).toEqual({ ok: false, error: 'tooManyAttempts' });
  });

  it('the account\'s owner, from another address, still logs in', async () => {
    const result = await attempt('cq-staff', '198.51.100.20', PASSWORD);
    expect(result.ok).toBe(true);
    expect(checks.count).toBe(1);
  });

  it('60 wrong logins at once from one address, each for another name: 30 password checks', async () => {
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => attempt(`nobody-${i}`, '203.0.113.8')));
    expect(checks.count).toBe(30);
    expect(tally(results)).toEqual({ invalid: 30, tooManyAttempts: 30 });
  });

  it('an account attacked from many addresses at once is closed after 50 checks in all', async () => {
    const results = await Promise.all(Array.from({ length: 70 }, (_, i) => attempt('sc-staff', `192.0.2.${i % 14}`)));
    expect(checks.count).toBe(50);
    expect(tally(results)).toEqual({ invalid: 50, tooManyAttempts: 20 });
    expect(await attempt('sc-staff', '198.51.100.30', PASSWORD)).toEqual({ ok: false, error: 'tooManyAttempts' });
  });
});
