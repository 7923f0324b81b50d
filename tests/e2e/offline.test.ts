import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page, WebSocketRoute } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/server';
import { asOwner } from '../support/owner';
import { DEMO_DRAFT_TITLES } from '../../db/seed/drafts';
import {
  chromiumPath, editorText, expectNoBrowserErrors, launchBrowser, loginThroughForm, newUserContext, waitForHydration, setNetwork, warnIfNoChromium,
  type UserContext,
} from './support';

warnIfNoChromium();

/**
 * Editing without a connection, in real Chromium: cq-member loses the network, keeps typing into the
 * hydrogen-corridor proposal, reloads the page while the collaboration server is still out of reach
 * (the text comes back from this browser's IndexedDB copy), and when the connection returns the edit
 * reaches sc-member and the server. The collaboration WebSocket of cq-member's browser runs through a
 * Playwright route, so the test decides when it is cut. Then the text is frozen for signing while
 * sc-member is offline: their page comes back by itself, read-only, when the network does, and says that what
 * they typed offline was not saved (and drops it from the browser).
 */
describe.skipIf(!chromiumPath)('browser: editing offline', () => {
  let server: TestServer;
  let browser: Browser;
  let draftId: string;
  let cq: UserContext;
  let sc: UserContext;
  let cut = false;
  const live: WebSocketRoute[] = [];

  const status = (page: Page) => page.getByTestId('collab-status').getAttribute('data-status');
  const connected = (page: Page) => page.locator('[data-testid="collab-status"][data-status="connected"]').waitFor({ timeout: 15_000 });
  const openDraft = async (page: Page, editable = true) => {
    await page.goto(`/drafts/${draftId}`);
    await waitForHydration(page);
    await page.locator(`[data-testid="draft-editor"][contenteditable="${editable}"]`).waitFor({ timeout: 15_000 });
  };

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
    draftId = (await asOwner(server.database.db, (trx) => trx.selectFrom('drafts').select('id')
      .where('title', '=', DEMO_DRAFT_TITLES.hydrogen).executeTakeFirstOrThrow())).id;
    cq = await newUserContext(browser, server.url);
    sc = await newUserContext(browser, server.url);
    // While `cut`, every attempt to reach the collaboration server fails at once, as with no network.
    await cq.context.routeWebSocket(/\/collab\//, (ws) => {
      if (cut) return ws.close({ code: 4000, reason: 'test: network cut' });
      ws.connectToServer();
      live.push(ws);
    });
    await loginThroughForm(cq.page, 'cq-member');
    await loginThroughForm(sc.page, 'sc-member');
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  afterEach(expectNoBrowserErrors);

  it('keeps typing while offline, keeps the edit across a reload, and delivers it when the connection returns', async () => {
    await Promise.all([cq.page, sc.page].map(async (page) => { await openDraft(page); await connected(page); }));
    const offlineText = '离线时补充：建议设立川渝氢能联合实验室';

    // The network goes: the browser says so, and the live socket drops.
    cut = true;
    await setNetwork(cq, false);
    for (const ws of live.splice(0)) await ws.close({ code: 4000, reason: 'test: network cut' });
    await expect.poll(() => status(cq.page), { timeout: 5000 }).toBe('offline');
    await expect(cq.page.getByTestId('collab-status').innerText()).resolves.toContain('离线');

    await cq.page.locator('[data-testid="draft-editor"]').click();
    await cq.page.keyboard.press('Control+End');
    await cq.page.keyboard.press('Enter');
    await cq.page.keyboard.type(offlineText, { delay: 10 });
    expect(await editorText(cq.page)).toContain(offlineText);

    // The page comes back over HTTP, the collaboration server is still out of reach: the text is this browser's copy.
    await setNetwork(cq, true);
    await cq.page.waitForTimeout(500); // y-indexeddb writes its copy after the transaction
    await openDraft(cq.page);
    await expect.poll(() => editorText(cq.page), { timeout: 5000 }).toContain(offlineText);
    expect(await status(cq.page)).not.toBe('connected');
    expect(await editorText(sc.page)).not.toContain(offlineText);

    // The connection returns: the edit merges into everyone's document and the stored one.
    cut = false;
    await connected(cq.page);
    await expect.poll(() => editorText(sc.page), { timeout: 10_000 }).toContain(offlineText);
    expect(await editorText(cq.page)).toBe(await editorText(sc.page));
    await expect.poll(async () => (await asOwner(server.database.db, (trx) => trx.selectFrom('drafts').select('plain_text')
      .where('id', '=', draftId).executeTakeFirstOrThrow())).plain_text, { timeout: 15_000 }).toContain(offlineText);
  });

  it('frozen for signing while a co-author is offline: their page waits, and once back shows the frozen text, not an error', async () => {
    await Promise.all([openDraft(sc.page), cq.page.goto(`/drafts/${draftId}/sponsors`).then(() => waitForHydration(cq.page))]);
    await connected(sc.page);

    // sc-member's network goes (their open WebSocket outlives Chromium's offline mode) and they keep typing.
    await setNetwork(sc, false);
    await sc.page.locator('[data-testid="draft-editor"]').click();
    await sc.page.keyboard.press('Control+End');
    const offlineText = '离线补充：加氢站布局';
    await sc.page.keyboard.type(offlineText, { delay: 10 });
    expect(await editorText(sc.page)).toContain(offlineText);

    // The lead sponsor freezes the text: the collaboration server asks sc-member's page to reload its rights.
    await cq.page.getByRole('button', { name: '定稿待签署' }).click();
    await expect.poll(() => cq.page.getByTestId('signing-code').innerText().catch(() => ''), { timeout: 15_000 }).toMatch(/签署码/);
    // Offline, that reload is held back: the page keeps what it shows instead of an error.
    await sc.page.waitForTimeout(2000);
    expect(await sc.page.getByRole('heading', { name: '无法连接服务器' }).count()).toBe(0);

    // Back online: the page loads again by itself, frozen and read-only.
    await setNetwork(sc, true);
    await sc.page.getByTestId('draft-frozen').waitFor({ timeout: 10_000 });
    await sc.page.locator('[data-testid="draft-editor"][contenteditable="false"]').waitFor({ timeout: 10_000 });
    expect(await sc.page.getByRole('heading', { name: '无法连接服务器' }).count()).toBe(0);

    // What was typed offline is refused by the frozen text: said so, and gone from this browser, so that it
    // cannot merge unnoticed once editing reopens.
    await expect.poll(() => sc.page.getByTestId('collab-edits-discarded').innerText().catch(() => ''), { timeout: 10_000 })
      .toContain('您最近的修改未能保存：正文已定稿待签署');
    await expect.poll(() => editorText(sc.page), { timeout: 10_000 }).not.toContain(offlineText);
    await openDraft(sc.page, false);
    await connected(sc.page);
    expect(await editorText(sc.page)).not.toContain(offlineText);
    expect(await sc.page.getByTestId('collab-edits-discarded').count()).toBe(0);
    expect((await asOwner(server.database.db, (trx) => trx.selectFrom('drafts').select('plain_text')
      .where('id', '=', draftId).executeTakeFirstOrThrow())).plain_text).not.toContain(offlineText);
  });
});
