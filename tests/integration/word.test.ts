/**
 * Word in and out over HTTP against the real server: export respects draft.read exactly like the
 * page (404 outside), the file holds the draft's text; import makes a new draft from a .docx and
 * refuses anything else with a field error and a 400.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backend, startTestServer, type TestServer } from '../support/server';
import { asOwner } from '../support/owner';
import { SEED, workspaceId } from '../factories/demo';
import { DEMO_DRAFT_TITLES } from '../../db/seed/drafts';
import { documentJSONToDocx } from '../../server/word/json-to-docx';
import { findZipEntry, readZipDirectory, readZipEntry } from '../../server/word/zip';
import { DOCX_CONTENT_TYPE, IMPORT_LIMITS } from '../../server/services/draft-word';
import { craftedDocx } from '../support/docx';
import { translate } from '../../shared/i18n';

let server: TestServer;
const cookies: Record<string, string> = {};
const drafts: Record<string, string> = {};
let chuanyu: string;

const draftId = (title: string) => asOwner(server.database.db, async (trx) =>
  (await trx.selectFrom('drafts').select('id').where('title', '=', title).executeTakeFirstOrThrow()).id);

/** Short enough that a document under the import limits can still run over it (see the last tests). */
const TIME_LIMIT_MS = 2000;

beforeAll(async () => {
  server = await startTestServer({ WORD_TIME_LIMIT_MS: String(TIME_LIMIT_MS) });
  for (const u of ['sc-member', 'cq-member', 'gz-member']) cookies[u] = await server.login(u);
  drafts.hydrogen = await draftId(DEMO_DRAFT_TITLES.hydrogen);
  drafts.chongqing = await draftId(DEMO_DRAFT_TITLES.chongqing);
  chuanyu = await workspaceId(server.database.db, SEED.workspaces.chuanyu);
});
afterAll(() => server?.stop());

/** The text runs of word/document.xml, paragraphs separated by '\n'. */
function docxText(buf: Buffer): string {
  const xml = readZipEntry(buf, findZipEntry(readZipDirectory(buf)!, 'word/document.xml')!, 50 * 1024 * 1024).toString('utf8');
  return xml.split('</w:p>').map((para) => [...para.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('')).join('\n');
}

const exportOf = (id: string, user?: string) => server.request(`/drafts/${id}/export.docx`, { cookie: user ? cookies[user] : undefined });

describe(`Word export (${backend})`, () => {
  it('a Sichuan co-author exports the joint hydrogen proposal: a .docx with its text, named by its title', async () => {
    const res = await exportOf(drafts.hydrogen, 'sc-member');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(DOCX_CONTENT_TYPE);
    expect(res.headers.get('cache-control')).toContain('no-store');
    const disposition = res.headers.get('content-disposition')!;
    expect(disposition).toContain(`filename*=UTF-8''${encodeURIComponent(`${DEMO_DRAFT_TITLES.hydrogen}.docx`)}`);
    expect(disposition).toMatch(/^attachment; filename="[\x20-\x7e]+"/);
    const buf = Buffer.from(await res.arrayBuffer());
    const text = docxText(buf);
    const { plain_text } = await asOwner(server.database.db, (trx) =>
      trx.selectFrom('drafts').select('plain_text').where('id', '=', drafts.hydrogen).executeTakeFirstOrThrow());
    // Every line of the draft's text is in the file (headings, paragraphs, list items, table cells).
    const lines = plain_text.split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) expect.soft(text, line).toContain(line);
    expect(text).toContain('案由');
  });

  it('the export is audited for both regions when a Sichuan member exports a Chongqing-owned draft', async () => {
    const rows = await asOwner(server.database.db, (trx) => trx.selectFrom('audit_log').select(['region', 'action'])
      .where('action', '=', 'draft.export').where('target_id', '=', drafts.hydrogen).execute());
    expect(rows.map((r) => r.region).sort()).toEqual(['chongqing', 'sichuan']);
  });

  it('refuses exactly like the page: 404 for the Chongqing-private draft, for an outsider, for unknown or malformed ids', async () => {
    for (const [who, id, path] of [
      ['sc-member', drafts.chongqing, undefined],
      ['gz-member', drafts.hydrogen, undefined],
      ['sc-member', '00000000-0000-4000-8000-000000000000', undefined],
      ['sc-member', undefined, '/drafts/not-a-uuid/export.docx'],
    ] as const) {
      const res = path ? await server.request(path, { cookie: cookies[who] }) : await exportOf(id!, who);
      expect.soft(res.status, `${who} ${id ?? path}`).toBe(404);
      expect.soft(res.headers.get('content-disposition'), `${who}`).toBeNull();
    }
    // The page answers the same for the same person.
    expect((await server.request(`/drafts/${drafts.chongqing}`, { cookie: cookies['sc-member'] })).status).toBe(404);
    expect((await exportOf(drafts.chongqing, 'cq-member')).status).toBe(200);
  });

  it('without a session: to the login page', async () => {
    const res = await exportOf(drafts.hydrogen);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toMatch(/^\/login\?redirectTo=/);
  });
});

function upload(fields: Record<string, string>, file?: { name: string; data: Buffer | string; type?: string }, user = 'sc-member') {
  const body = new FormData();
  for (const [k, v] of Object.entries(fields)) body.append(k, v);
  if (file) body.append('file', new Blob([typeof file.data === 'string' ? file.data : new Uint8Array(file.data)], { type: file.type ?? DOCX_CONTENT_TYPE }), file.name);
  return server.request(`/drafts/import?workspace=${chuanyu}`, { method: 'POST', cookie: cookies[user], body });
}

/**
 * The field errors in a page's action data (the i18n keys the form shows beside each field, in the
 * user's language). Remix streams the data as turbo-stream: a flat array where objects hold
 * {"_<index of key>": <index of value>}.
 */
function fieldErrors(html: string): Record<string, string> {
  const stream = /streamController\.enqueue\(("(?:[^"\\]|\\.)*")\);/.exec(html)?.[1];
  if (!stream) return {};
  const values = JSON.parse(JSON.parse(stream) as string) as unknown[];
  const at = values.indexOf('errors');
  // The route's action data holds "errors" as an object (the page-level "errors" is undefined, a negative index).
  const holder = values.find((v): v is Record<string, number> => !!v && typeof v === 'object' && !Array.isArray(v) && (v as Record<string, number>)[`_${at}`] >= 0);
  if (at < 0 || !holder) return {};
  const errors = values[holder[`_${at}`]] as Record<string, number>;
  return Object.fromEntries(Object.entries(errors).map(([k, v]) => [values[Number(k.slice(1))] as string, values[v] as string]));
}

const proposalDocx = () => documentJSONToDocx({
  type: 'doc',
  content: [
    { type: 'heading', attrs: { level: 1 }, content: [{ type: 'text', text: '关于共建川渝柑橘产业带的提案' }] },
    { type: 'paragraph', content: [{ type: 'text', text: '柑橘是川渝两地共同的特色优势产业，', marks: [{ type: 'bold' }] }, { type: 'text', text: '建议联合打造区域公用品牌。' }] },
    { type: 'bulletList', content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: '共建种苗繁育基地' }] }] }] },
    {
      type: 'table', content: [{ type: 'tableRow', content: [
        { type: 'tableHeader', content: [{ type: 'paragraph', content: [{ type: 'text', text: '产区' }] }] },
        { type: 'tableHeader', content: [{ type: 'paragraph', content: [{ type: 'text', text: '品种' }] }] },
      ] }, { type: 'tableRow', content: [
        { type: 'tableCell', content: [{ type: 'paragraph', content: [{ type: 'text', text: '眉山' }] }] },
        { type: 'tableCell', content: [{ type: 'paragraph', content: [{ type: 'text', text: '不知火' }] }] },
      ] }],
    },
  ],
}, { title: '柑橘' });

/** 101,000 characters in 1,010 paragraphs: small as a file, too long as a draft. */
const longDocx = () => documentJSONToDocx({
  type: 'doc',
  content: Array.from({ length: 1010 }, () => ({ type: 'paragraph', content: [{ type: 'text', text: '川'.repeat(100) }] })),
}, { title: 'long' });

describe(`Word import (${backend})`, () => {
  it('a .docx becomes a new draft: title from the file name, its text stored and searchable, import audited', async () => {
    const res = await upload({ workspaceId: chuanyu, kind: 'proposal', visibility: 'region', title: '' },
      { name: '川渝柑橘产业带提案.docx', data: await proposalDocx() });
    expect(res.status).toBe(302);
    const id = /^\/drafts\/([0-9a-f-]{36})$/.exec(res.headers.get('location') ?? '')?.[1];
    expect(id).toBeTruthy();
    const draft = await asOwner(server.database.db, (trx) => trx.selectFrom('drafts')
      .select(['title', 'plain_text', 'visibility', 'owner_region']).where('id', '=', id!).executeTakeFirstOrThrow());
    expect(draft).toMatchObject({ title: '川渝柑橘产业带提案', visibility: 'region', owner_region: 'sichuan' });
    expect(draft.plain_text.split('\n')).toEqual([
      '关于共建川渝柑橘产业带的提案', '柑橘是川渝两地共同的特色优势产业，建议联合打造区域公用品牌。', '共建种苗繁育基地', '产区', '品种', '眉山', '不知火',
    ]);
    const audit = await asOwner(server.database.db, (trx) => trx.selectFrom('audit_log').select('detail')
      .where('action', '=', 'draft.create').where('target_id', '=', id!).executeTakeFirstOrThrow());
    expect(JSON.stringify(audit.detail)).toContain('川渝柑橘产业带提案.docx');
    // The author opens it; it exports back with the same text; a Chongqing member cannot see a Sichuan-region draft.
    expect((await server.request(`/drafts/${id}`, { cookie: cookies['sc-member'] })).status).toBe(200);
    expect(docxText(Buffer.from(await (await exportOf(id!, 'sc-member')).arrayBuffer()))).toContain('不知火');
    expect((await exportOf(id!, 'cq-member')).status).toBe(404);
  });

  it('a title given in the form wins over the file name', async () => {
    const res = await upload({ workspaceId: chuanyu, kind: 'research', visibility: 'org', title: '柑橘调研报告' },
      { name: 'draft.docx', data: await proposalDocx() });
    expect(res.status).toBe(302);
    const id = res.headers.get('location')!.split('/').pop()!;
    const draft = await asOwner(server.database.db, (trx) => trx.selectFrom('drafts').select(['title', 'kind']).where('id', '=', id).executeTakeFirstOrThrow());
    expect(draft).toEqual({ title: '柑橘调研报告', kind: 'research' });
  });

  it('refuses what is not a .docx, with a Chinese field error and a 400, and creates nothing', async () => {
    const count = () => asOwner(server.database.db, async (trx) =>
      Number((await trx.selectFrom('drafts').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n));
    const before = await count();
    const cases: Array<[string, Parameters<typeof upload>[1], string]> = [
      ['a text file named .docx', { name: '提案.docx', data: '这不是 Word 文档', type: 'text/plain' }, 'word.notDocx'],
      ['a PDF', { name: '提案.pdf', data: Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n'), type: 'application/pdf' }, 'word.notDocx'],
      ['no file at all', undefined, 'word.fileRequired'],
      ['an empty file', { name: 'empty.docx', data: Buffer.alloc(0) }, 'word.fileRequired'],
      ['a file over 10 MB', { name: 'big.docx', data: Buffer.alloc(10 * 1024 * 1024 + 1, 1) }, 'word.tooLarge'],
      ['a document over 100,000 characters', { name: 'long.docx', data: await longDocx() }, 'word.tooLong'],
    ];
    for (const [what, file, key] of cases) {
      const res = await upload({ workspaceId: chuanyu, kind: 'proposal', visibility: 'org' }, file);
      expect.soft(res.status, what).toBe(400);
      // The page's action data names the file field's message; the form shows it beside the field, in Chinese.
      expect.soft(fieldErrors(await res.text()), what).toEqual({ file: key });
      expect.soft(translate('zh-CN', key), what).toMatch(/[\u4e00-\u9fff]/);
    }
    // Bad fields are field errors too, the file is not even read.
    const res = await upload({ workspaceId: 'not-a-uuid', kind: 'novel', visibility: 'everyone' }, { name: 'a.docx', data: await proposalDocx() });
    expect(res.status).toBe(400);
    expect(Object.keys(fieldErrors(await res.text())).sort()).toEqual(['kind', 'visibility', 'workspaceId']);
    // A workspace the person is not in.
    const otherRegion = await workspaceId(server.database.db, SEED.workspaces.cqOwn);
    const outside = await upload({ workspaceId: otherRegion, kind: 'proposal', visibility: 'org' }, { name: 'a.docx', data: await proposalDocx() });
    expect(outside.status).toBe(400);
    expect(fieldErrors(await outside.text())).toEqual({ workspaceId: 'drafts.workspaceUnavailable' });
    // Not multipart at all.
    const json = await server.request('/drafts/import', {
      method: 'POST', cookie: cookies['sc-member'], headers: { 'Content-Type': 'application/json' }, body: '{}',
    });
    expect(json.status).toBe(400);
    expect(await count()).toBe(before);
  });

  /**
   * The slowest /healthz answer while `work` runs, asked every 50 ms (what every other user waits), and
   * how long the work took. Work done on the event loop would hold an answer for about all of it; in the
   * worker, answers wait only for the machine's other processes. Compared as a fraction, not in
   * milliseconds, so that a loaded machine slows both sides.
   */
  async function healthDuring(work: Promise<Response>): Promise<{ res: Response; slowest: number; elapsed: number }> {
    const started = performance.now();
    let done = false;
    let slowest = 0;
    const probe = (async () => {
      while (!done) {
        const started = performance.now();
        expect((await server.request('/healthz')).status).toBe(200);
        slowest = Math.max(slowest, performance.now() - started);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const res = await work.finally(() => { done = true; });
    const elapsed = performance.now() - started;
    await probe;
    return { res, slowest, elapsed };
  }

  it('a crafted .docx whose main part is word/main.bin with 100,000 runs is refused at once, the server answering others meanwhile', async () => {
    const { res, slowest, elapsed } = await healthDuring(upload({ workspaceId: chuanyu, kind: 'proposal', visibility: 'org' },
      { name: 'crafted.docx', data: craftedDocx(100_000) }, 'cq-member')); // another user: sc-member's imports near the rate limit
    expect(res.status).toBe(400);
    expect(fieldErrors(await res.text())).toEqual({ file: 'word.tooLong' });
    expect(slowest).toBeLessThan(elapsed / 2); // converting it on the event loop held every answer 15 s
    // Refused from its measures, after the thread's start (~2 s), not after converting it (15 s or more).
    expect(elapsed).toBeLessThan(10_000);
  });

  it('a document over the time limit is stopped with a field error, and the next import works', async () => {
    const { res, slowest, elapsed } = await healthDuring(upload({ workspaceId: chuanyu, kind: 'proposal', visibility: 'org' },
      { name: 'complex.docx', data: craftedDocx(IMPORT_LIMITS.maxRuns) }, 'cq-member')); // ~6 s of converting
    expect(res.status).toBe(400);
    expect(fieldErrors(await res.text())).toEqual({ file: 'word.tooComplex' });
    expect(translate('zh-CN', 'word.tooComplex')).toContain('文档过于复杂');
    expect(slowest).toBeLessThan(elapsed / 2);
    const next = await upload({ workspaceId: chuanyu, kind: 'proposal', visibility: 'org', title: '超时之后' }, { name: 'a.docx', data: await proposalDocx() }, 'cq-member');
    expect(next.status).toBe(302);
  });

  it('the import page and the links to it and to the export are there', async () => {
    const page = await server.request(`/drafts/import?workspace=${chuanyu}`, { cookie: cookies['sc-member'] });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('导入 Word 文档');
    expect(html).toContain('id="import-file"');
    expect(await (await server.request('/drafts', { cookie: cookies['sc-member'] })).text()).toContain('/drafts/import');
    expect(await (await server.request(`/drafts/${drafts.hydrogen}`, { cookie: cookies['sc-member'] })).text())
      .toContain(`/drafts/${drafts.hydrogen}/export.docx`);
  });
});
