import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/server';
import {
  chromiumPath, expectNoBrowserErrors, launchBrowser, loginThroughForm, newUserContext, waitForHydration,
  warnIfNoChromium, type UserContext,
} from './support';

warnIfNoChromium();

const JOINT = '关于联合开展成渝氢走廊提案调研的通知';
const CQ_PRIVATE = '重庆方联名提案征集安排（重庆内部）';
const SC_PRIVATE = '四川方联名提案签署安排（四川内部）';

/** The page's own content (the innermost main landmark; the shell may wrap it in another). */
const mainText = (page: Page) => page.locator('main').last().innerText();

/** Two people from the two provinces, side by side in one browser, each in their own context. */
describe.skipIf(!chromiumPath)('browser: two provinces, one platform', () => {
  let server: TestServer;
  let browser: Browser;
  const users: Record<'cq' | 'sc', UserContext> = {} as never;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
    for (const [key, username] of [['cq', 'cq-member'], ['sc', 'sc-member']] as const) {
      users[key] = await newUserContext(browser, server.url);
      await loginThroughForm(users[key].page, username);
    }
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  afterEach(expectNoBrowserErrors);

  it('shows each person their own name and committee, and only what their province may see', async () => {
    const cq = users.cq.page;
    const sc = users.sc.page;
    await expect.poll(() => cq.locator('[data-testid="current-user"]').innerText()).toMatch(/李明[\s\S]*重庆市政协/);
    await expect.poll(() => sc.locator('[data-testid="current-user"]').innerText()).toMatch(/刘洋[\s\S]*四川省政协/);

    const cqText = await mainText(cq);
    const scText = await mainText(sc);
    for (const text of [cqText, scText]) {
      expect(text).toContain(JOINT);
      expect(text).toContain('川渝两省市政协合作平台');
    }
    expect(cqText).toContain(CQ_PRIVATE);
    expect(cqText).not.toContain(SC_PRIVATE);
    expect(scText).toContain(SC_PRIVATE);
    expect(scText).not.toContain(CQ_PRIVATE);
    expect(scText).not.toContain('重庆市政协提案委员会工作区');
  });

  it("answers 404 when sc-member opens the Chongqing-private notice's address directly", async () => {
    const cq = users.cq.page;
    const href = await cq.getByRole('link', { name: CQ_PRIVATE }).getAttribute('href');
    expect(href).toMatch(/^\/notices\/[0-9a-f-]{36}$/);

    // The owner's side can open it: the 404 below is the boundary, not a missing page.
    const own = await cq.goto(href!);
    expect(own?.status()).toBe(200);
    await expect.poll(() => mainText(cq)).toContain(CQ_PRIVATE);

    const sc = users.sc.page;
    // The 404 document load is logged by Chromium; nothing else may be.
    users.sc.allowErrors(/Failed to load resource: the server responded with a status of 404/);
    const other = await sc.goto(href!);
    expect(other?.status()).toBe(404);
    const body = await sc.locator('body').innerText();
    expect(body).toContain('页面不存在');
    expect(body).not.toContain(CQ_PRIVATE);
    expect(body).not.toContain('重庆市政协委员联名提案意见征集');
  });

  it('is hydrated: the language switch runs client-side, to English and back', async () => {
    const page = users.sc.page;
    // Leaving the previous test's page may abort its bell's count request in flight (harmless).
    await page.goto('/');
    await waitForHydration(page);
    // A marker on window survives client-side navigation only: a full page load would wipe it.
    await page.evaluate(() => { (window as any).__e2eNoReload = true; });

    await page.getByRole('button', { name: /English|切换语言/ }).click();
    await expect.poll(() => page.locator('nav').innerText()).toContain('Workspaces');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await expect.poll(() => page.locator('main h1').last().innerText()).toBe('Home');

    await page.getByRole('button', { name: /中文|Switch language/ }).click();
    await expect.poll(() => page.locator('nav').innerText()).toContain('协作空间');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    expect(await page.evaluate(() => (window as any).__e2eNoReload)).toBe(true);
  });
});
