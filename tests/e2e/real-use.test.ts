import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/server';
import { asOwner } from '../support/owner';
import { DEMO_DRAFT_TITLES } from '../../db/seed/drafts';
import { findZipEntry, readZipDirectory, readZipEntry } from '../../server/word/zip';
import {
  chromiumPath, editorText, expectNoBrowserErrors, launchBrowser, loginThroughForm, newUserContext, waitForHydration, warnIfNoChromium,
} from './support';

warnIfNoChromium();

/**
 * Co-drafting as two members really use it, in Chromium on the production build, on the seeded
 * hydrogen-corridor proposal: they click into existing blocks (a paragraph, a heading, a table cell,
 * a list item) and type, both at once; they delete and undo; they reload again and again while the
 * other types; one opens a second tab; and for a while (SOAK_MS, 3 minutes by default) both type at
 * human speed at random places with a reload every 30 s. Nothing typed may be lost, nobody may be
 * locked out, and a fresh reader, the stored text and the Word export agree with both editors.
 */

const SOAK_MS = Number(process.env.SOAK_MS ?? 180_000);

interface Person { context: BrowserContext; page: Page }

const cookieHeader = async (context: BrowserContext) => (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');

/**
 * The editor's blocks a person might click into, by position (typing never adds blocks here, while
 * markers typed anywhere would break a match on their text): see db/seed/drafts.ts.
 */
function block(page: Page, kind: 'first' | 'heading' | 'cell' | 'listItem' | 'last'): Locator {
  const editor = page.locator('.ProseMirror');
  switch (kind) {
    case 'first': return editor.locator(':scope > p').first(); // 起草说明：… (starts bold)
    case 'heading': return editor.locator(':scope > h2').first(); // 案由
    case 'cell': return editor.locator('td p').first(); // 川渝分别出台…
    case 'listItem': return editor.locator('li p').nth(1); // 统筹布局跨省加氢基础设施…
    case 'last': return editor.locator(':scope > p').last(); // 以上建议，请国家发展改革委…
  }
}

/** Opens the draft as a person does: the full page, hydrated, connected and editable. */
async function openDraft(page: Page, draftId: string) {
  await page.goto(`/drafts/${draftId}`);
  await waitForHydration(page);
  await ready(page);
}

async function ready(page: Page) {
  await page.locator('[data-testid="draft-editor"][contenteditable="true"]').waitFor({ timeout: 20_000 });
  await page.locator('[data-testid="collab-status"][data-status="connected"]').waitFor({ timeout: 20_000 });
}

/** A click into the block, the End (or Home) key, then typing (as a person: one key at a time). */
async function typeInBlock(page: Page, target: Locator, text: string, { delay = 30, key = 'End' }: { delay?: number; key?: 'End' | 'Home' } = {}) {
  await target.click();
  await page.keyboard.press(key);
  await page.keyboard.type(text, { delay });
}

/** How long until `page` shows every one of `texts` (ms), failing after `timeout`. */
async function seenWithin(page: Page, texts: string[], timeout: number): Promise<number> {
  const started = Date.now();
  let last = '';
  try {
    await expect.poll(async () => { last = await editorText(page); return texts.every((s) => last.includes(s)); }, { timeout, interval: 20 }).toBe(true);
  } catch {
    throw new Error(`${texts.filter((s) => !last.includes(s)).join(' ')} not seen within ${timeout} ms in: ${last}`);
  }
  return Date.now() - started;
}

/**
 * What is wrong with `text` as the seeded text plus every typed marker ('' when nothing): the seeded
 * text must still be there in order, and every character typed must be there exactly once, nothing
 * more. Characters, not whole markers: two people typing at one spot at once interleave their
 * keystrokes, and a click may land inside an earlier marker.
 */
function unaccounted(text: string, seeded: string, markers: string[]): string {
  const counts = new Map<string, number>();
  const add = (str: string, by: number) => { for (const ch of str) counts.set(ch, (counts.get(ch) ?? 0) + by); };
  add(text, 1);
  add(seeded, -1);
  for (const m of markers) add(m, -1);
  const off = [...counts].filter(([, n]) => n !== 0).map(([ch, n]) => `${ch}${n > 0 ? '+' : ''}${n}`);
  if (off.length > 0) return `characters lost (-) or added (+): ${off.join(' ')}`;
  return inOrder(text, seeded) ? '' : 'the seeded text is no longer there in order';
}

/** Whether every character of `part` is in `whole`, in the same order. */
function inOrder(whole: string, part: string): boolean {
  let at = 0;
  for (const ch of part) {
    at = whole.indexOf(ch, at);
    if (at < 0) return false;
    at++;
  }
  return true;
}

const refusedAlert = (page: Page) => page.getByTestId('collab-refused').count();

describe.skipIf(!chromiumPath)('browser: co-drafting under real use', () => {
  let server: TestServer;
  let browser: Browser;
  let draftId: string;
  let cq: Person;
  let sc: Person;
  /** Every marker typed in this file, so the end state can be checked against the log of what was typed. */
  const typed: string[] = [];
  /** The text as seeded, before anyone typed. */
  let seeded = '';

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
    draftId = (await asOwner(server.database.db, (trx) => trx.selectFrom('drafts').select('id')
      .where('title', '=', DEMO_DRAFT_TITLES.hydrogen).executeTakeFirstOrThrow())).id;
    const person = async (username: string): Promise<Person> => {
      const { context, page } = await newUserContext(browser, server.url);
      await loginThroughForm(page, username);
      return { context, page };
    };
    [cq, sc] = await Promise.all([person('cq-member'), person('sc-member')]);
    await Promise.all([openDraft(cq.page, draftId), openDraft(sc.page, draftId)]);
    seeded = await editorText(cq.page);
  });

  afterEach(expectNoBrowserErrors);
  // After every test the text is the seeded text plus every marker typed, nothing lost or doubled.
  afterEach(async () => {
    expect(unaccounted(await editorText(cq.page), seeded, typed)).toBe('');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('both click into existing blocks and type at the same time: each sees the other within 1 s', async () => {
    const kinds = ['first', 'heading', 'cell', 'listItem', 'last'] as const;
    const latencies: number[] = [];
    for (let i = 0; i < kinds.length; i++) {
      const cqMark = `【渝${i}】`;
      const scMark = `【川${i}】`;
      typed.push(cqMark, scMark);
      // cq types into one block while sc types into another (in the last round the same one, at its
      // start: two people typing at one spot at once may interleave their characters).
      const same = i === kinds.length - 1;
      await Promise.all([
        typeInBlock(cq.page, block(cq.page, kinds[i]), cqMark),
        typeInBlock(sc.page, block(sc.page, same ? kinds[i] : kinds[(i + 2) % kinds.length]), scMark, { key: same ? 'Home' : 'End' }),
      ]);
      latencies.push(await seenWithin(sc.page, [cqMark], 1000), await seenWithin(cq.page, [scMark], 1000));
    }
    console.log(`[real-use] typed text seen by the other side after ${latencies.join(', ')} ms`);
    expect(await editorText(cq.page)).toBe(await editorText(sc.page));
  });

  it('delete and undo in the middle of existing text reach the other side', async () => {
    // A word typed elsewhere just before (within the undo manager's 500 ms): undo must not take it back.
    const elsewhere = '〔渝前〕';
    typed.push(elsewhere);
    await typeInBlock(cq.page, block(cq.page, 'last'), elsewhere, { delay: 10 });
    const before = await editorText(cq.page);
    const target = block(cq.page, 'cell');
    await target.click();
    await cq.page.keyboard.press('End');
    for (let i = 0; i < 3; i++) await cq.page.keyboard.press('ArrowLeft');
    await cq.page.keyboard.type('删除我', { delay: 30 });
    await seenWithin(sc.page, ['删除我'], 2000);
    // A pause, as a person makes: the undo manager groups what is typed within 500 ms into one step.
    await cq.page.waitForTimeout(700);
    for (let i = 0; i < 3; i++) await cq.page.keyboard.press('Backspace');
    await expect.poll(() => editorText(sc.page), { timeout: 2000 }).not.toContain('删除我');
    await cq.page.waitForTimeout(700);
    await cq.page.keyboard.press('Control+z');
    await seenWithin(sc.page, ['删除我'], 2000);
    await cq.page.keyboard.press('Control+z');
    // Undo took back what was typed here and nothing else (not the marker cq typed just before, elsewhere).
    await expect.poll(() => editorText(sc.page), { timeout: 2000 }).toBe(before);
    expect(await editorText(cq.page)).toBe(before);
  });

  it('each reloads ten times while the other types: never locked out, nothing lost', async () => {
    for (const [reloader, typist, side] of [[sc, cq, '渝'], [cq, sc, '川']] as const) {
      for (let i = 0; i < 10; i++) {
        const mark = `〔${side}载${i}〕`;
        const own = `〔${side === '渝' ? '川' : '渝'}后${i}〕`;
        typed.push(mark, own);
        await Promise.all([
          typeInBlock(typist.page, block(typist.page, i % 2 ? 'last' : 'first'), mark, { delay: 60 }),
          (async () => { await reloader.page.reload(); await waitForHydration(reloader.page); await ready(reloader.page); })(),
        ]);
        expect(await refusedAlert(reloader.page)).toBe(0);
        await typeInBlock(reloader.page, block(reloader.page, 'heading'), own);
        await seenWithin(typist.page, [own], 2000);
        await seenWithin(reloader.page, [mark], 2000);
      }
    }
    await expect.poll(async () => (await editorText(cq.page)) === (await editorText(sc.page)), { timeout: 5000 }).toBe(true);
  }, 300_000);

  it('two tabs of the same member (sharing the browser\'s stored copy) and the other member converge', async () => {
    const second = await cq.context.newPage();
    await openDraft(second, draftId);
    const marks = ['〔渝甲页〕', '〔渝乙页〕', '〔川页〕'];
    typed.push(...marks);
    await Promise.all([
      typeInBlock(cq.page, block(cq.page, 'first'), marks[0]),
      typeInBlock(second, block(second, 'listItem'), marks[1]),
      typeInBlock(sc.page, block(sc.page, 'cell'), marks[2]),
    ]);
    for (const page of [cq.page, second, sc.page]) await seenWithin(page, marks, 2000);
    await second.reload();
    await waitForHydration(second);
    await ready(second);
    await seenWithin(second, marks, 2000);
    await second.close();
  });

  it('on a 390 px phone, a member taps into existing text and types while the other region types on a desktop', async () => {
    const phone = await newUserContext(browser, server.url, { phone: true });
    await loginThroughForm(phone.page, 'cq-member');
    await openDraft(phone.page, draftId);
    const marks = ['〔渝手机〕', '〔川桌面〕'];
    typed.push(...marks);
    const paragraph = block(phone.page, 'last');
    await paragraph.scrollIntoViewIfNeeded();
    await paragraph.tap();
    await phone.page.keyboard.press('End');
    await Promise.all([
      phone.page.keyboard.type(marks[0], { delay: 60 }),
      typeInBlock(sc.page, block(sc.page, 'heading'), marks[1]),
    ]);
    await seenWithin(sc.page, [marks[0]], 2000);
    await seenWithin(phone.page, [marks[1]], 2000);
    // A reload on the phone: not locked out, the text still there.
    await phone.page.reload();
    await waitForHydration(phone.page);
    await ready(phone.page);
    expect(await refusedAlert(phone.page)).toBe(0);
    await seenWithin(phone.page, marks, 2000);
    await phone.context.close();
  });

  it(`a soak: both type at human speed at random places for ${SOAK_MS / 1000} s with a reload every 30 s; everyone ends identical`, async () => {
    const ends = Date.now() + SOAK_MS;
    const kinds = ['first', 'heading', 'cell', 'listItem', 'last'] as const;
    const typist = async (p: Person, side: string) => {
      let reloadedAt = Date.now();
      for (let n = 0; Date.now() < ends; n++) {
        if (Date.now() - reloadedAt > 30_000) {
          await p.page.reload();
          await waitForHydration(p.page);
          await ready(p.page);
          expect(await refusedAlert(p.page)).toBe(0);
          reloadedAt = Date.now();
        }
        const target = block(p.page, kinds[Math.floor(Math.random() * kinds.length)]);
        const box = await target.boundingBox();
        if (!box) continue;
        // A click somewhere along the block's first line, then a word.
        await target.click({ position: { x: Math.max(2, Math.random() * Math.min(box.width - 4, 600)), y: 8 } });
        const mark = `〔${side}${n}〕`;
        typed.push(mark);
        await p.page.keyboard.type(mark, { delay: 80 + Math.random() * 80 });
        await p.page.waitForTimeout(200 + Math.random() * 400);
      }
    };
    await Promise.all([typist(cq, '渝s'), typist(sc, '川s')]);
    let texts = ['', ''];
    try {
      await expect.poll(async () => {
        texts = [await editorText(cq.page), await editorText(sc.page)];
        return texts[0] === texts[1] && unaccounted(texts[0], seeded, typed) === '';
      }, { timeout: 15_000 }).toBe(true);
    } catch {
      const broken = typed.filter((m) => !texts[0].includes(m));
      throw new Error(`the editors ${texts[0] === texts[1] ? 'agree' : 'differ'}; cq: ${unaccounted(texts[0], seeded, typed)}; ` +
        `sc: ${unaccounted(texts[1], seeded, typed)}; markers not found whole: ${broken.join(' ')}\ncq: ${texts[0]}\nsc: ${texts[1]}`);
    }
  }, SOAK_MS + 120_000);

  it('a fresh reader, the stored text and the Word export hold every marker typed above', async () => {
    const final = await editorText(cq.page);
    expect(unaccounted(final, seeded, typed)).toBe('');
    // A member of a third role who never opened the draft in this browser.
    const reader = await newUserContext(browser, server.url);
    await loginThroughForm(reader.page, 'sc-coordinator');
    await reader.page.goto(`/drafts/${draftId}`);
    await waitForHydration(reader.page);
    await expect.poll(() => editorText(reader.page), { timeout: 10_000 }).toBe(final);
    // Stored plain text (search) once the draft rests, and the Word export.
    await expect.poll(async () => (await asOwner(server.database.db, (trx) => trx.selectFrom('drafts').select('plain_text')
      .where('id', '=', draftId).executeTakeFirstOrThrow())).plain_text.replace(/\n/g, ''), { timeout: 15_000 })
      .toBe(final);
    const res = await server.request(`/drafts/${draftId}/export.docx`, { cookie: await cookieHeader(cq.context) });
    expect(res.status).toBe(200);
    const buf = Buffer.from(await res.arrayBuffer());
    const xml = readZipEntry(buf, findZipEntry(readZipDirectory(buf)!, 'word/document.xml')!, 50 * 1024 * 1024).toString('utf8');
    const docText = [...xml.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('');
    expect(inOrder(docText, final)).toBe(true);
  });
});
