/**
 * 答复附件 (docs/proposals.md, "Reply files") through the real server: a handling unit replies with
 * its 答复函 as PDF and an annex as Word in one multipart submission; a file that is not what its name
 * says, too many files or a file too big are refused with their message and nothing is saved; the
 * files are downloads for the sponsor and the committee side, and a 404 for a unit not assigned and
 * for the other region — over HTTP and in SQL as the app's role.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, backend, type TestServer } from '../support/server';
import { asOwner } from '../support/db';
import { actorOf } from '../factories/demo';
import { withActor } from '../../db';
import { dbActor } from '../../server/services/actor';
import { DEMO_PROPOSALS, DEMO_REPLY_LETTER } from '../../db/seed/proposals';

let server: TestServer;
const db = () => server.database.db;
const cookies: Record<string, string> = {};
let proposalId: string;

beforeAll(async () => {
  server = await startTestServer();
  proposalId = (await asOwner(db(), (trx) => trx.selectFrom('proposals').select('id').where('title', '=', DEMO_PROPOSALS.cqOverdue).executeTakeFirstOrThrow())).id;
  for (const u of ['unit-cqfgw', 'unit-ndrc', 'cq-member2', 'cq-staff', 'sc-staff', 'sc-member']) cookies[u] = await server.login(u);
}, 120_000);
afterAll(() => server?.stop());

const MB = 1024 * 1024;
const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from('关于加快推进中心城区城市更新的提案的答复'), Buffer.alloc(3000, 0x20), Buffer.from('\n%%EOF\n')]);
const docx = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(2000, 1)]);

/** The unit's reply to the proposal, as the page's form sends it (multipart, files as repeated `files`). */
function reply(files: Array<[bytes: Buffer, name: string]>, cookie = cookies['unit-cqfgw']) {
  const form = new FormData();
  form.append('intent', 'reply');
  form.append('category', 'B');
  form.append('body', '已将中心城区城市更新纳入2025年重点工作计划，分片区推进。');
  for (const [bytes, name] of files) form.append('files', new File([new Uint8Array(bytes)], name));
  return server.request(`/proposals/${proposalId}`, { method: 'POST', cookie, body: form });
}
const state = async () => (await asOwner(db(), (trx) => trx.selectFrom('proposals').select('state').where('id', '=', proposalId).executeTakeFirstOrThrow())).state;
const files = () => asOwner(db(), (trx) => trx.selectFrom('proposal_reply_files as f').innerJoin('proposal_replies as r', 'r.id', 'f.reply_id')
  .select(['f.id', 'f.name', 'f.content_type as contentType', 'f.size']).where('r.proposal_id', '=', proposalId).orderBy('f.name').execute());

describe(`reply files (${backend})`, () => {
  it('refuses a file that is not what its name says, a seventh file or one over 10 MB, with the message; nothing is saved', async () => {
    const lying = await reply([[Buffer.from('MZ\x90\x00 an executable'), '答复函.pdf']]);
    expect(lying.status).toBe(400);
    expect(await lying.text()).toContain('proposal.file.notWhatItSays');
    const many = await reply(Array.from({ length: 6 }, (_, i) => [pdf, `附件${i + 1}.pdf`] as [Buffer, string]));
    expect(many.status).toBe(400);
    expect(await many.text()).toContain('proposal.file.tooMany');
    const big = await reply([[Buffer.concat([pdf, Buffer.alloc(10 * MB)]), '扫描件.pdf']]);
    expect(big.status).toBe(400);
    expect(await big.text()).toContain('proposal.file.tooBig');
    const script = await reply([[Buffer.from('<script>alert(1)</script>'), 'a.html']]);
    expect(script.status).toBe(400);
    expect(await script.text()).toContain('proposal.file.kind');
    // Over the page's cap (20 MB of files and the text) the server answers 413 before reading.
    const huge = await reply([[Buffer.concat([pdf, Buffer.alloc(21 * MB)]), '整本.pdf']]);
    expect(huge.status).toBe(413);
    expect(await state()).toBe('handling');
    expect(await files()).toEqual([]);
  });

  it('the unit replies with its letter and an annex in one submission; both are stored as sent (names without a path or control characters)', async () => {
    const res = await reply([[pdf, '答复函（渝发改〔2025〕12号）.pdf'], [docx, 'C:\\fakepath\\附\u0000表\u0007.docx']]);
    expect(res.status).toBe(200);
    expect(await state()).toBe('replied');
    expect((await files()).map((f) => [f.name, f.contentType, f.size])).toEqual([
      ['答复函（渝发改〔2025〕12号）.pdf', 'application/pdf', pdf.length],
      ['附表.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', docx.length],
    ]);
  });

  it('the sponsor and the staff download them; a unit not assigned and the other region get 404', async () => {
    const [letter] = await files();
    const path = `/proposals/${proposalId}/files/${letter.id}`;
    for (const who of ['cq-member2', 'cq-staff']) {
      const res = await server.request(path, { cookie: cookies[who] });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/pdf');
      expect(res.headers.get('content-disposition')).toMatch(/^attachment; .*filename\*=UTF-8''%E7%AD%94%E5%A4%8D%E5%87%BD/);
      expect(res.headers.get('x-content-type-options')).toMatch(/nosniff/);
      expect(Buffer.from(await res.arrayBuffer()).equals(pdf)).toBe(true);
    }
    for (const who of ['unit-ndrc', 'sc-staff']) expect((await server.request(path, { cookie: cookies[who] })).status).toBe(404);
    expect((await server.request(`/proposals/${proposalId}/files/${crypto.randomUUID()}`, { cookie: cookies['cq-staff'] })).status).toBe(404);
    expect((await server.request(path)).status).toBe(302);
    // The page lists them for the sponsor.
    const page = await (await server.request(`/proposals/${proposalId}`, { cookie: cookies['cq-member2'] })).text();
    expect(page).toContain('答复函（渝发改〔2025〕12号）.pdf');
    expect(page).toContain('附表.docx');
  });

  it("the demo's hydrogen proposal carries 国家发展改革委's letter: a PDF for its Sichuan co-sponsor, nothing for another unit", async () => {
    const letter = await asOwner(db(), (trx) => trx.selectFrom('proposal_reply_files as f').innerJoin('proposal_replies as r', 'r.id', 'f.reply_id')
      .select(['f.id', 'r.proposal_id as proposalId']).where('f.name', '=', DEMO_REPLY_LETTER).executeTakeFirstOrThrow());
    const path = `/proposals/${letter.proposalId}/files/${letter.id}`;
    const res = await server.request(path, { cookie: cookies['sc-member'] });
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).subarray(0, 9).toString('latin1')).toBe('%PDF-1.7\n');
    expect((await server.request(path, { cookie: cookies['unit-cqfgw'] })).status).toBe(404);
  });

  it('in SQL as the app role: the sponsor reads both rows, another unit and Sichuan none', async () => {
    // The files table alone (no join through the replies' own rule), its rows named by the owner.
    const ids = (await files()).map((f) => f.id);
    const read = async (username: string) => withActor(db(), dbActor(await actorOf(db(), username)), (trx) =>
      trx.selectFrom('proposal_reply_files').select('name').where('id', 'in', ids).execute());
    expect((await read('cq-member2')).map((r) => r.name).sort()).toEqual(['答复函（渝发改〔2025〕12号）.pdf', '附表.docx']);
    expect(await read('unit-ndrc')).toEqual([]);
    expect(await read('sc-member')).toEqual([]);
  });
});
