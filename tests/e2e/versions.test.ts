import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import * as Y from 'yjs';
import { startTestServer, type TestServer } from '../support/server';
import { asOwner } from '../support/db';
import { SEED } from '../factories/demo';
import { createDraft, openClient, sleep, type CollabClient } from '../support/collab';
import {
  chromiumPath, expectNoBrowserErrors, launchBrowser, loginThroughForm, newUserContext, seriousA11yViolations,
  waitForHydration, warnIfNoChromium, type UserContext,
} from './support';

warnIfNoChromium();

/**
 * Versions in real Chromium: cq-member saves a named version, edits (deletes and types), compares
 * the version with the current text and sees the insertion and the deletion highlighted with their
 * author; viewing the diff and colouring by author change NOTHING in the live document (a second
 * client — a plain y-websocket client — sees the same state vector before and after: not one
 * write); then a restore brings the old text back in both browser windows and in that client.
 */
describe.skipIf(!chromiumPath)('browser: versions, diff and attribution on a live draft', () => {
  let server: TestServer;
  let browser: Browser;
  let cq: Page;
  let sc: Page;
  const users: UserContext[] = [];
  let watcher: CollabClient;
  let draftId: string;
  let cqId: string;
  const ORIGINAL = ['案由：成渝氢走廊建设', '建议：统筹布局加氢站网络'];

  const editor = (page: Page) => page.locator('[data-testid="draft-editor"]');
  /** The editor's text without the other people's carets (their name labels sit inside the text). */
  const textIn = (page: Page) => page.evaluate(() => {
    const copy = document.querySelector('[data-testid="draft-editor"]')!.cloneNode(true) as HTMLElement;
    copy.querySelectorAll('.collaboration-carets__caret').forEach((c) => c.remove());
    return [...copy.querySelectorAll('p')].map((p) => p.textContent).join('\n');
  });
  const open = async (page: Page) => {
    await page.goto(`/drafts/${draftId}`);
    await waitForHydration(page);
    await page.locator('[data-testid="collab-status"][data-status="connected"]').waitFor({ timeout: 20_000 });
    await editor(page).getByText(ORIGINAL[0]).waitFor();
  };
  /** The live document as a second, independent client holds it: its text and its state vector. */
  const liveState = () => ({ text: watcher.text(), sv: Buffer.from(Y.encodeStateVector(watcher.doc)).toString('base64') });

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
    const db = server.database.db;
    draftId = await createDraft(db, {
      workspace: SEED.workspaces.chuanyu, author: 'cq-member', visibility: 'joint', text: ORIGINAL,
      collaborators: { 'sc-member': 'editor', 'cq-leader': 'viewer' },
    });
    cqId = (await asOwner(db, (trx) => trx.selectFrom('users').select('id').where('username', '=', 'cq-member').executeTakeFirstOrThrow())).id;
    watcher = openClient(server.url, draftId, { cookie: await server.login('cq-leader') });
    users.push(await newUserContext(browser, server.url), await newUserContext(browser, server.url));
    [cq, sc] = users.map((u) => u.page);
    await loginThroughForm(cq, 'cq-member');
    await loginThroughForm(sc, 'sc-member');
    await Promise.all([open(cq), open(sc), watcher.synced]);
  });

  afterAll(async () => {
    watcher?.destroy();
    await browser?.close();
    await server?.stop();
  });

  afterEach(expectNoBrowserErrors);

  it('an editor saves a named version from the versions drawer', async () => {
    await cq.getByTestId('open-versions').click();
    await cq.getByTestId('version-name').fill('征求意见稿');
    await cq.getByTestId('save-version').click();
    await cq.getByTestId('versions-table').getByText('征求意见稿').waitFor();
    expect(await cq.getByTestId('versions-table').innerText()).toContain('李明');
    expect(await seriousA11yViolations(cq, 'versions drawer')).toEqual([]);
    // The keyboard: Tab from the drawer's last control goes round to its first, not out of the page.
    await cq.evaluate(() => {
      const stops = [...document.querySelectorAll<HTMLElement>('[role="dialog"] :is(a[href], button, input, textarea, [tabindex]:not([tabindex="-1"]))')]
        .filter((el) => !el.matches(':disabled') && el.getClientRects().length > 0);
      stops[stops.length - 1].focus();
    });
    await cq.keyboard.press('Tab');
    expect(await cq.evaluate(() => !!document.activeElement?.closest('[role="dialog"]'))).toBe(true);
    // Esc closes it, and the focus is back on 历史版本.
    await cq.keyboard.press('Escape');
    await cq.waitForURL((url) => url.pathname === `/drafts/${draftId}`);
    await expect.poll(() => cq.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.outerHTML.slice(0, 120))).toBe('open-versions');
  });

  it('after typing, comparing with the current text highlights the insertion and the deletion with their author; the live document is untouched', async () => {
    // Delete the last two characters of the second paragraph ("网络"), type at the end of the first.
    await editor(cq).locator('p', { hasText: ORIGINAL[1] }).click();
    await cq.keyboard.press('End');
    await cq.keyboard.press('Backspace');
    await cq.keyboard.press('Backspace');
    await editor(cq).locator('p', { hasText: ORIGINAL[0] }).click();
    await cq.keyboard.press('End');
    await cq.keyboard.type('【新增】氢能示范');
    await expect.poll(() => textIn(sc)).toContain('成渝氢走廊建设【新增】氢能示范');
    await expect.poll(() => watcher.text()).toBe('案由：成渝氢走廊建设【新增】氢能示范\n建议：统筹布局加氢站');
    await sleep(500); // let every write settle before taking the "before" picture
    const before = liveState();
    const scBefore = await textIn(sc);

    await cq.getByTestId('open-versions').click();
    await cq.getByTestId('compare-current').first().click();
    const view = cq.getByTestId('version-view');
    const inserted = view.locator('ins.ychange--added');
    await inserted.first().waitFor({ timeout: 15_000 });
    expect((await inserted.allInnerTexts()).join('')).toBe('【新增】氢能示范');
    expect(await inserted.first().getAttribute('title')).toContain('李明');
    expect((await view.locator('del.ychange--removed').allInnerTexts()).join('')).toBe('网络');
    expect(await view.locator('del.ychange--removed').first().getAttribute('title')).toMatch(/删除者未记录/);
    expect(await cq.getByTestId('diff-stats').innerText()).toBe('新增 8 字，删除 2 字');
    expect(await cq.getByTestId('diff-authors').innerText()).toContain('李明');
    expect(await seriousA11yViolations(cq, 'version diff')).toEqual([]);

    // Compare two versions, then view one alone, then leave: the drawer's editor unrenders each time.
    await cq.getByTestId('version-compare').click();
    await cq.locator('.ant-select-item-option', { hasText: '不对比' }).click();
    await expect.poll(() => view.locator('ins, del').count()).toBe(0);
    await view.getByText(ORIGINAL[1]).waitFor();
    await cq.locator('.ant-drawer-close').click();
    await cq.waitForURL((url) => url.pathname === `/drafts/${draftId}`);

    await sleep(1000);
    expect(liveState()).toEqual(before);
    expect(await textIn(sc)).toBe(scBefore);
    expect(await textIn(cq)).toBe(scBefore);
  });

  it('colouring by author marks who wrote what without writing to the live document', async () => {
    const before = liveState();
    await cq.getByTestId('attribution-toggle').click();
    const mine = editor(cq).locator(`.draft-attribution[data-author="${cqId}"]`);
    await expect.poll(() => mine.allInnerTexts().then((t) => t.join('')), { timeout: 15_000 }).toBe('【新增】氢能示范');
    expect(await mine.first().getAttribute('title')).toContain('李明');
    const legend = cq.getByTestId('attribution-legend');
    expect(await legend.innerText()).toContain('李明');
    expect(await legend.innerText()).toContain('作者未记录');
    expect(await seriousA11yViolations(cq, 'attribution on')).toEqual([]);
    // sc-member types while cq-member's colours are on: the new words get sc-member's colour.
    await editor(sc).locator('p', { hasText: ORIGINAL[1].slice(0, 8) }).click();
    await sc.keyboard.press('End');
    await sc.keyboard.type('和输氢管道');
    await expect.poll(() => editor(cq).locator('.draft-attribution', { hasText: '和输氢管道' }).getAttribute('title'), { timeout: 15_000 })
      .toContain('刘洋');
    await cq.getByTestId('attribution-toggle').click();
    await expect.poll(() => editor(cq).locator('.draft-attribution').count()).toBe(0);
    await sleep(800);
    // Only sc-member's typing changed the document: the same text on every side, nothing else written.
    const after = liveState();
    expect(after.text).toBe(before.text.replace('加氢站', '加氢站和输氢管道'));
    expect(await textIn(cq)).toBe(await textIn(sc));
  });

  it('restoring the version brings its text back live in both windows and in the other client', async () => {
    await cq.getByTestId('open-versions').click();
    await cq.getByTestId('restore-version').first().click();
    await cq.getByTestId('restore-confirm').click();
    await cq.getByText('已恢复到所选版本').waitFor();
    for (const page of [cq, sc]) {
      await expect.poll(() => textIn(page), { timeout: 10_000 }).toBe(ORIGINAL.join('\n'));
    }
    await expect.poll(() => watcher.text()).toBe(ORIGINAL.join('\n'));
    const versions = await asOwner(server.database.db, (trx) => trx.selectFrom('draft_versions').select('name').where('draft_id', '=', draftId).execute());
    expect(versions.map((v) => v.name)).toEqual(['征求意见稿']);
  });
});
