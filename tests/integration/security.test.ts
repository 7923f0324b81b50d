/**
 * Issue 10, hole 5 on the real server: the Content-Security-Policy and its per-response nonce on
 * every inline script and style, HSTS only over https in production, request bodies capped before
 * Remix reads them, and X-Forwarded-Host believed only with TRUST_PROXY (forms and WebSockets).
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connectClient } from 'socket.io-client';
import { backend, startTestServer, type TestServer } from '../support/server';
import { SEED } from '../factories/demo';
import { asOwner } from '../support/owner';
import { DEMO_INSPECTIONS } from '../../db/seed/inspections';
import { createDraft, rawSocket } from '../support/collab';
import { CLOSE } from '../../shared/realtime/collab';

let server: TestServer;
let proxied: TestServer; // TRUST_PROXY=true
const cookies: Record<string, string> = {};
const drafts: Record<'plain' | 'proxied', string> = { plain: '', proxied: '' };

beforeAll(async () => {
  [server, proxied] = await Promise.all([startTestServer(), startTestServer({ TRUST_PROXY: 'true' })]);
  cookies.plain = await server.login('cq-member');
  cookies.proxied = await proxied.login('cq-member');
  for (const [key, s] of [['plain', server], ['proxied', proxied]] as const) {
    drafts[key] = await createDraft(s.database.db, { workspace: SEED.workspaces.chuanyu, author: 'cq-member', visibility: 'joint', text: ['案由'] });
  }
});
afterAll(() => Promise.all([server?.stop(), proxied?.stop()]));

const directive = (csp: string, name: string) => csp.split(';').map((d) => d.trim()).find((d) => d.startsWith(`${name} `));

describe(`security headers (${backend})`, () => {
  it('every page has a CSP whose nonce is on each inline script and style, fresh per response', async () => {
    const nonces = new Set<string>();
    for (const [path, cookie] of [['/login', undefined], ['/', cookies.plain], [`/drafts/${drafts.plain}`, cookies.plain]] as const) {
      const res = await server.request(path, { cookie });
      expect(res.status, path).toBe(200);
      const csp = res.headers.get('content-security-policy') ?? '';
      const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(directive(csp, 'script-src') ?? '')?.[1];
      expect(nonce, `${path}: ${csp}`).toBeTruthy();
      nonces.add(nonce!);
      expect(directive(csp, 'script-src')).toBe(`script-src 'self' 'nonce-${nonce}'`);
      expect(directive(csp, 'style-src')).toBe(`style-src 'self' 'nonce-${nonce}'`);
      expect(directive(csp, 'style-src-attr')).toBe("style-src-attr 'unsafe-inline'");
      expect(directive(csp, 'img-src')).toBe("img-src 'self' data: blob:");
      const host = new URL(server.url).host;
      expect(directive(csp, 'connect-src')).toBe(`connect-src 'self' ws://${host} wss://${host}`);
      for (const d of ["object-src 'none'", "base-uri 'self'", "frame-ancestors 'none'", "form-action 'self'", "default-src 'self'"]) {
        expect(csp.split(';').map((x) => x.trim()), path).toContain(d);
      }
      const html = await res.text();
      const tags = [...html.matchAll(/<(script|style)\b[^>]*>/g)].map((m) => m[0]);
      expect(tags.filter((t) => t.startsWith('<script')).length, path).toBeGreaterThan(1);
      for (const tag of tags) expect(tag, path).toContain(`nonce="${nonce}"`);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe('same-origin');
      expect(res.headers.get('strict-transport-security'), 'no HSTS over plain http').toBeNull();
    }
    expect(nonces.size).toBe(3);
  });

  it('HSTS only over https, and X-Forwarded-Proto says so only with TRUST_PROXY', async () => {
    const forged = await server.request('/login', { headers: { 'X-Forwarded-Proto': 'https' } });
    expect(forged.headers.get('strict-transport-security')).toBeNull();
    const behindProxy = await proxied.request('/login', { headers: { 'X-Forwarded-Proto': 'https' } });
    expect(behindProxy.headers.get('strict-transport-security')).toMatch(/^max-age=31536000/);
    expect((await proxied.request('/login')).headers.get('strict-transport-security')).toBeNull();
  });
});

/** A POST that declares `declared` bytes (or is chunked) and sends up to `send` of them, stopping at the answer. */
function post(url: string, opts: { path: string; declared?: number; send: number; cookie?: string }) {
  return new Promise<{ status: number; body: string; sent: number; ms: number }>((resolve, reject) => {
    const started = Date.now();
    const headers: Record<string, string | number> = { 'Content-Type': 'application/x-www-form-urlencoded', Origin: url };
    if (opts.declared !== undefined) headers['Content-Length'] = opts.declared;
    if (opts.cookie) headers.Cookie = opts.cookie;
    const req = http.request(`${url}${opts.path}`, { method: 'POST', headers });
    let sent = 0;
    let answered = false;
    const chunk = Buffer.alloc(64 * 1024, 'a');
    const pump = () => {
      while (!answered && sent < opts.send) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
    };
    req.on('response', (res) => {
      answered = true;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { body += d; });
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, body, sent, ms: Date.now() - started }); req.destroy(); });
    });
    req.on('error', (err) => { if (!answered) reject(err); });
    pump();
  });
}

describe(`request body caps (${backend})`, () => {
  const MB = 1024 * 1024;

  it('a form claiming 100 MB is answered 413 at once, in Chinese, without being read', async () => {
    const res = await post(server.url, { path: '/login', declared: 100 * MB, send: 256 * 1024 });
    expect(res.status).toBe(413);
    expect(res.body).toContain('提交的内容过大，上限为 1 MB');
    expect(res.sent).toBeLessThan(2 * MB);
    expect(res.ms).toBeLessThan(2000);
  });

  it('the Word import may carry its 10 MB file, but not 100 MB', async () => {
    const res = await post(server.url, { path: '/drafts/import', declared: 100 * MB, send: 256 * 1024, cookie: cookies.plain });
    expect(res.status).toBe(413);
    expect(res.body).toContain('10 MB');
    // Under the import cap the route reads the body and answers for itself (not a .docx: a field error).
    const small = await post(server.url, { path: '/drafts/import.data', declared: 2 * MB, send: 2 * MB, cookie: cookies.plain });
    expect(small.status).not.toBe(413);
  });

  it("a finding's photo may be a phone camera's 8 MB, but not more than the photo cap", async () => {
    // An inspection cq-member reads: an action on one they may not read is refused before its body is read.
    const inspection = await asOwner(server.database.db, (trx) => trx.selectFrom('inspections').select('id')
      .where('title', '=', DEMO_INSPECTIONS.wujiang).executeTakeFirstOrThrow());
    const path = `/inspections/${inspection.id}/findings/${crypto.randomUUID()}/photos`;
    const big = await post(server.url, { path, declared: 11 * MB, send: 256 * 1024, cookie: cookies.plain });
    expect(big.status).toBe(413);
    expect(big.body).toContain('10 MB');
    // Under the cap the route reads the body and answers for itself (here: a form without a photo).
    const camera = await post(server.url, { path, declared: 8 * MB, send: 8 * MB, cookie: cookies.plain });
    expect(camera.status).toBe(400);
  });

  it('a chunked body (no Content-Length) is cut off at the cap as Remix reads it', async () => {
    const res = await post(server.url, { path: '/login', send: 100 * MB });
    expect(res.status).toBe(413);
    expect(res.sent).toBeLessThan(8 * MB);
  });

  it('a normal form still works', async () => {
    expect(await server.login('sc-member')).toMatch(/^cy_session=/);
  });
});

describe(`X-Forwarded-Host only with TRUST_PROXY (${backend})`, () => {
  const forgery = { origin: 'http://evil.example', 'x-forwarded-host': 'evil.example' };

  it('a form post whose forged Origin matches only a forged X-Forwarded-Host is refused', async () => {
    const res = await server.request('/login', {
      method: 'POST', headers: { Origin: forgery.origin, 'X-Forwarded-Host': forgery['x-forwarded-host'] },
      body: new URLSearchParams({ username: 'cq-member', password: 'x' }),
    });
    expect(res.status).toBe(403);
  });

  it('a /collab/ upgrade with that forgery is refused; behind a trusted proxy the forwarded host counts', async () => {
    const refused = rawSocket(server.url, drafts.plain, { cookie: cookies.plain, ...forgery });
    expect(await refused.closed).toBe(CLOSE.FORBIDDEN);
    const accepted = rawSocket(proxied.url, drafts.proxied, { cookie: cookies.proxied, ...forgery });
    await accepted.opened;
    accepted.ws.terminate();
  });

  it('a socket.io upgrade with that forgery is refused; behind a trusted proxy the forwarded host counts', async () => {
    const attempt = (s: TestServer, cookie: string) => new Promise<string | undefined>((resolve) => {
      const socket = connectClient(s.url, {
        path: '/socket.io/', transports: ['websocket'], reconnection: false, forceNew: true,
        extraHeaders: { Cookie: cookie, Origin: forgery.origin, 'X-Forwarded-Host': forgery['x-forwarded-host'] },
      });
      socket.once('connect', () => { socket.disconnect(); resolve(undefined); });
      socket.once('connect_error', (err: Error & { data?: { code?: string } }) => { socket.disconnect(); resolve(err.data?.code ?? err.message); });
    });
    expect(await attempt(server, cookies.plain)).toBe('origin-not-allowed');
    expect(await attempt(proxied, cookies.proxied)).toBeUndefined();
  });
});
