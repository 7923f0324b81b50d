import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/server';
import { asOwner } from '../support/owner';
import { refusalCode } from '../support/collab';
import { actorOf } from '../factories/demo';
import { DEMO_DRAFT_TITLES } from '../../db/seed/drafts';
import { CLOSE, collabUrl } from '../../shared/realtime/collab';
import { findZipEntry, readZipDirectory, readZipEntry } from '../../server/word/zip';
import {
  chromiumPath, editorText, expectNoBrowserErrors, launchBrowser, loginThroughForm, newUserContext, waitForHydration, warnIfNoChromium,
  type UserContext,
} from './support';

const cookieHeader = async (context: BrowserContext) => (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');

warnIfNoChromium();

/**
 * Two provinces in one document, live, in real Chromium on the production build: cq-member and
 * sc-member type into the hydrogen-corridor proposal at the same time (different paragraphs, one
 * paragraph, the very same spot), both end with the same text and see each other's caret; a member of
 * a third committee outside the workspace (gz-member) can open it by no route (page, WebSocket, export).
 */

/** Paragraphs of the demo proposal (db/seed/drafts.ts), by how they begin. */
const PARA = {
  cause: '氢能是构建清洁低碳',
  findings: '经两地委员联合调研',
  rootCause: '上述问题的根本原因在于',
  closing: '以上建议，请国家发展改革委',
};

type Who = 'cq' | 'sc';
interface Person extends UserContext { name: string }

/** One text block of the editor (from ProseMirror's document, where carets are not content). */
const blockText = (page: Page, prefix: string): Promise<string | null> => page.evaluate((prefix) => {
  const editor = (document.querySelector('.ProseMirror') as unknown as { editor: any }).editor;
  let found = null as string | null;
  editor.state.doc.descendants((node: any) => {
    if (found !== null) return false;
    if (node.isTextblock && node.textContent.includes(prefix)) { found = node.textContent; return false; }
    return true;
  });
  return found;
}, prefix);

/** Puts the caret at the start or end of the paragraph that begins with `prefix`, as a click would. */
async function placeCaret(page: Page, prefix: string, where: 'start' | 'end') {
  await page.evaluate(({ prefix, where }) => {
    const editor = (document.querySelector('.ProseMirror') as unknown as { editor: any }).editor;
    let target = -1;
    editor.state.doc.descendants((node: any, pos: number) => {
      if (target >= 0) return false;
      if (node.isTextblock && node.textContent.startsWith(prefix)) {
        target = where === 'start' ? pos + 1 : pos + node.nodeSize - 1;
        return false;
      }
      return true;
    });
    if (target < 0) throw new Error(`no paragraph starting with ${prefix}`);
    editor.chain().focus().setTextSelection(target).run();
  }, { prefix, where });
}

/** Each character of `part` appears in `whole`, in order, exactly once. */
function inOrderOnce(whole: string, part: string): boolean {
  let at = -1;
  for (const ch of part) {
    if (whole.split(ch).length - 1 !== 1) return false;
    const next = whole.indexOf(ch);
    if (next <= at) return false;
    at = next;
  }
  return true;
}

describe.skipIf(!chromiumPath)('browser: co-editing the hydrogen-corridor proposal across the boundary', () => {
  let server: TestServer;
  let browser: Browser;
  let draftId: string;
  const people = {} as Record<Who, Person>;
  let gz: UserContext;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
    const db = server.database.db;
    draftId = (await asOwner(db, (trx) => trx.selectFrom('drafts').select('id')
      .where('title', '=', DEMO_DRAFT_TITLES.hydrogen).executeTakeFirstOrThrow())).id;
    for (const [who, username] of [['cq', 'cq-member'], ['sc', 'sc-member']] as const) {
      const user = await newUserContext(browser, server.url);
      await loginThroughForm(user.page, username);
      people[who] = { ...user, name: (await actorOf(db, username)).displayName };
    }
    gz = await newUserContext(browser, server.url);
    await loginThroughForm(gz.page, 'gz-member');
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  afterEach(expectNoBrowserErrors);

  /** Waits until both editors show the same text that contains every one of `expected`. */
  async function converged(expected: string[]) {
    const started = Date.now();
    let last: [string, string] = ['', ''];
    await expect.poll(async () => {
      last = [await editorText(people.cq.page), await editorText(people.sc.page)];
      return last[0] === last[1] && expected.every((s) => last[0].includes(s));
    }, { timeout: 10_000, message: `editors did not converge:\ncq: ${last[0]}\nsc: ${last[1]}` }).toBe(true);
    return Date.now() - started;
  }

  it('both open the draft live: connected, the seeded text, each other in the presence list', async () => {
    await Promise.all((['cq', 'sc'] as const).map(async (who) => {
      const { page } = people[who];
      const res = await page.goto(`/drafts/${draftId}`);
      expect(res?.status()).toBe(200);
      await waitForHydration(page);
      await page.locator('[data-testid="collab-status"][data-status="connected"]').waitFor({ timeout: 15_000 });
      await page.locator('[data-testid="draft-editor"][contenteditable="true"]').waitFor();
    }));
    for (const who of ['cq', 'sc'] as const) {
      expect(await editorText(people[who].page)).toContain(PARA.cause);
      const other = people[who === 'cq' ? 'sc' : 'cq'].name;
      await expect.poll(() => people[who].page.getByTestId('presence-list').innerText(), { timeout: 10_000 }).toContain(other);
    }
  });

  it('both type at the same time into different paragraphs and end with identical text', async () => {
    const cqText = '重庆补充：简化加氢站审批';
    const scText = '四川补充：发挥水电制氢优势';
    await placeCaret(people.cq.page, PARA.cause, 'end');
    await placeCaret(people.sc.page, PARA.closing, 'end');
    await Promise.all([
      people.cq.page.keyboard.type(cqText, { delay: 25 }),
      people.sc.page.keyboard.type(scText, { delay: 25 }),
    ]);
    const ms = await converged([cqText, scText]);
    console.log(`[coediting] different paragraphs converged ${ms} ms after the last keystroke`);
    for (const who of ['cq', 'sc'] as const) {
      expect((await blockText(people[who].page, PARA.cause))!.endsWith(cqText)).toBe(true);
      expect((await blockText(people[who].page, PARA.closing))!.endsWith(scText)).toBe(true);
    }
  });

  it('both type at the same time into one paragraph (its start and its end) and end with identical text', async () => {
    const before = (await blockText(people.cq.page, PARA.findings))!;
    const cqText = 'CQ-START ';
    const scText = '（四川：补充加氢站数据）';
    await placeCaret(people.cq.page, PARA.findings, 'start');
    await placeCaret(people.sc.page, PARA.findings, 'end');
    await Promise.all([
      people.cq.page.keyboard.type(cqText, { delay: 25 }),
      people.sc.page.keyboard.type(scText, { delay: 25 }),
    ]);
    await converged([cqText, scText]);
    for (const who of ['cq', 'sc'] as const) {
      expect(await blockText(people[who].page, PARA.findings.slice(0, 4))).toBe(cqText + before + scText);
    }
  });

  it('both type at the very same spot: nothing lost, each person\'s characters stay in their order, same text', async () => {
    const before = (await blockText(people.cq.page, PARA.rootCause))!;
    const cqText = 'abcdefghijklmnop';
    const scText = '甲乙丙丁戊己庚辛壬癸子丑寅卯';
    await placeCaret(people.cq.page, PARA.rootCause, 'end');
    await placeCaret(people.sc.page, PARA.rootCause, 'end');
    await Promise.all([
      people.cq.page.keyboard.type(cqText, { delay: 20 }),
      people.sc.page.keyboard.type(scText, { delay: 20 }),
    ]);
    await expect.poll(async () => {
      const [a, b] = await Promise.all([blockText(people.cq.page, PARA.rootCause), blockText(people.sc.page, PARA.rootCause)]);
      return a === b && a!.length === before.length + cqText.length + scText.length;
    }, { timeout: 10_000 }).toBe(true);
    const after = (await blockText(people.cq.page, PARA.rootCause))!;
    expect(after.startsWith(before)).toBe(true);
    const added = after.slice(before.length);
    console.log(`[coediting] typed at the same spot, merged as: ${added}`);
    expect(inOrderOnce(added, cqText), added).toBe(true);
    expect(inOrderOnce(added, scText), added).toBe(true);
    expect(await editorText(people.cq.page)).toBe(await editorText(people.sc.page));
  });

  it("each sees the other's caret with their name", async () => {
    // A caret shows where the other person's selection is: move both once more so it is current.
    await placeCaret(people.cq.page, PARA.cause, 'start');
    await placeCaret(people.sc.page, PARA.closing, 'start');
    for (const [who, other] of [['cq', 'sc'], ['sc', 'cq']] as const) {
      const label = people[who].page.locator('.ProseMirror .collaboration-carets__label', { hasText: people[other].name });
      await expect.poll(() => label.count(), { timeout: 10_000, message: `${who} sees ${other}'s caret` }).toBe(1);
    }
    // Never one's own caret.
    expect(await people.cq.page.locator('.collaboration-carets__label', { hasText: people.cq.name }).count()).toBe(0);
  });

  it('the server stored what both typed (plain text for search and export)', async () => {
    const db = server.database.db;
    await expect.poll(async () => (await asOwner(db, (trx) => trx.selectFrom('drafts').select('plain_text')
      .where('id', '=', draftId).executeTakeFirstOrThrow())).plain_text, { timeout: 10_000 })
      .toSatisfy((text: string) => ['重庆补充：简化加氢站审批', '四川补充：发挥水电制氢优势', 'CQ-START', '（四川：补充加氢站数据）', '卯', 'p'].every((s) => text.includes(s)));
  });

  it('a Word export right after typing has what was just typed (the route stores buffered edits first)', async () => {
    const marker = '刚刚输入的一句';
    await placeCaret(people.sc.page, PARA.closing, 'end');
    await people.sc.page.keyboard.type(marker);
    await expect.poll(() => editorText(people.cq.page)).toContain(marker);
    // With the browser's own session cookie; fetched from Node because a Secure cookie (production on
    // PostgreSQL) is not sent by Playwright's request context over plain http.
    const res = await server.request(`/drafts/${draftId}/export.docx`, { cookie: await cookieHeader(people.cq.page.context()) });
    expect(res.status).toBe(200);
    const buf = Buffer.from(await res.arrayBuffer());
    const xml = readZipEntry(buf, findZipEntry(readZipDirectory(buf)!, 'word/document.xml')!, 50 * 1024 * 1024).toString('utf8');
    expect(xml).toContain(marker);
  });

  /** Pastes `text` at the caret as the browser does (a paste event carrying the clipboard's text). */
  const paste = (page: Page, text: string) => page.evaluate((text) => {
    const clipboardData = new DataTransfer();
    clipboardData.setData('text/plain', text);
    document.querySelector('.ProseMirror')!.dispatchEvent(new ClipboardEvent('paste', { clipboardData, bubbles: true, cancelable: true }));
  }, text);
  /** `n` Chinese characters in paragraphs of a thousand, the first beginning with `mark`. */
  const passage = (mark: string, n: number) => Array.from({ length: Math.ceil(n / 1000) }, (_, i) => (i ? '' : mark) + '川渝氢走廊'.repeat(200)).join('\n');

  it('a long passage pasted from another document (20,000 characters) reaches the other side; a book (over 100,000) is refused with a message', async () => {
    const { page } = people.sc;
    await placeCaret(page, PARA.closing, 'end');
    await paste(page, passage('长段落开始', 20_000));
    await expect.poll(() => editorText(people.cq.page), { timeout: 15_000 }).toContain('长段落开始');
    const before = await editorText(page);
    await paste(page, passage('整本书开始', 150_000));
    await page.getByText('一次最多粘贴 100,000 字，请分段粘贴').waitFor({ timeout: 5_000 });
    expect(await editorText(page)).toBe(before);
    // Still connected: the next keystrokes reach the other side.
    await page.keyboard.type('粘贴之后');
    await expect.poll(() => editorText(people.cq.page), { timeout: 10_000 }).toContain('粘贴之后');
    expect(await page.locator('[data-testid="collab-status"]').getAttribute('data-status')).toBe('connected');
  });

  it('undo takes back a word typed while the other side is typing too, in one step, and nothing of theirs', async () => {
    const cq = people.cq.page;
    const sc = people.sc.page;
    await placeCaret(cq, PARA.rootCause, 'end');
    await placeCaret(sc, PARA.closing, 'end');
    const before = await editorText(cq);
    const word = '〔甲乙丙丁戊己〕';
    await Promise.all([cq.keyboard.type(word, { delay: 40 }), sc.keyboard.type('〔对方也在写〕', { delay: 25 })]);
    await expect.poll(() => editorText(sc)).toContain(word);
    await expect.poll(() => editorText(cq)).toContain('〔对方也在写〕');
    await cq.keyboard.press('Control+z');
    // Each character of the word is gone (one step), on both sides; the other side's words stay.
    const extra = (text: string) => [...word].filter((c) => text.split(c).length > before.split(c).length);
    await expect.poll(() => editorText(sc).then(extra)).toEqual(['〔', '〕']);
    expect(extra(await editorText(cq))).toEqual(['〔', '〕']);
    expect(await editorText(cq)).toContain('〔对方也在写〕');
  });

  it('a paste is an undo step of its own: undone, the words typed just before and after it stay', async () => {
    const { page } = people.cq;
    await placeCaret(page, PARA.closing, 'end');
    const before = await editorText(page);
    // Typed and pasted within the undo manager's 500 ms, which would group them into one step.
    await page.keyboard.type('粘前');
    await paste(page, '〔粘贴的一句〕');
    await page.keyboard.type('粘后');
    await expect.poll(() => editorText(people.sc.page)).toContain('粘前〔粘贴的一句〕粘后');
    await page.keyboard.press('Control+z');
    await expect.poll(() => editorText(people.sc.page)).not.toContain('粘后');
    expect(await editorText(page)).toContain('粘前〔粘贴的一句〕');
    await page.keyboard.press('Control+z');
    await expect.poll(() => editorText(people.sc.page)).not.toContain('〔粘贴的一句〕');
    expect(await editorText(page)).toContain('粘前');
    await page.keyboard.press('Control+z');
    await expect.poll(() => editorText(people.sc.page)).toBe(before);
  });

  it('an edit too large for one message (put in by a script, past the paste limit) is refused with a message, not retried forever; a reload loads the server\'s copy', async () => {
    const { page } = people.sc;
    await page.evaluate(() => {
      const editor = (document.querySelector('.ProseMirror') as unknown as { editor: any }).editor;
      editor.chain().focus('end').insertContent('<p>超大修改开始' + '川渝氢走廊'.repeat(160_000) + '</p>').run();
    });
    await page.getByTestId('collab-refused').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('collab-refused').innerText()).toContain('这次修改过大，无法同步到服务器');
    expect(await page.locator('[data-testid="collab-status"]').getAttribute('data-status')).toBe('closed');
    expect(await editorText(people.cq.page)).not.toContain('超大修改开始');
    await page.reload();
    await waitForHydration(page);
    await page.locator('[data-testid="collab-status"][data-status="connected"]').waitFor({ timeout: 15_000 });
    await page.locator('[data-testid="draft-editor"][contenteditable="true"]').waitFor();
    expect(await editorText(page)).not.toContain('超大修改开始');
    expect(await editorText(page)).toContain('粘贴之后');
  });

  it('gz-member, of a third committee outside the workspace, can open it by no route', async () => {
    const { page, context } = gz;
    // The page: the same 404 as for a draft that does not exist, without its title (Chromium logs the 404 load).
    gz.allowErrors(/Failed to load resource: the server responded with a status of 404/);
    const res = await page.goto(`/drafts/${draftId}`);
    expect(res?.status()).toBe(404);
    const text = await page.locator('body').innerText();
    expect(text).toContain('页面不存在，或您没有访问权限。');
    expect(text).not.toContain(DEMO_DRAFT_TITLES.hydrogen);
    // The collaboration WebSocket, from the browser (same origin, their session cookie sent by the browser).
    const url = `${collabUrl(server.url)}/${draftId}`;
    const inBrowser = await page.evaluate((url) => new Promise<{ code: number; messages: number }>((resolve) => {
      const ws = new WebSocket(url);
      let messages = 0;
      ws.onmessage = () => { messages++; };
      ws.onclose = (e) => resolve({ code: e.code, messages });
    }), url);
    expect([CLOSE.NOT_FOUND, CLOSE.FORBIDDEN]).toContain(inBrowser.code);
    expect(inBrowser.messages).toBe(0); // not one byte of the document
    // The same with their cookie from outside the browser.
    const cookie = await cookieHeader(context);
    expect([CLOSE.NOT_FOUND, CLOSE.FORBIDDEN]).toContain(await refusalCode(server.url, draftId, { cookie, origin: server.url }));
    // The Word export.
    const file = await server.request(`/drafts/${draftId}/export.docx`, { cookie });
    expect(file.status).toBe(404);
  });
});
