import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/server';
import { asOwner } from '../support/owner';
import {
  chromiumPath, expectNoBrowserErrors, launchBrowser, loginThroughForm, newUserContext, seriousA11yViolations, waitForHydration,
  warnIfNoChromium, type UserContext,
} from './support';

warnIfNoChromium();

/** The page's own content (the innermost main landmark; the shell wraps it in another). */
const mainText = (page: Page) => page.locator('main').last().innerText();
/** antd spaces out a two-character Chinese label: "重 试". */
const RETRY = /^重\s*试$/;

/** What a `<Link>` does when clicked: a client-side navigation, no document load. */
const follow = (page: Page, to: string) => page.evaluate((path) => (window as unknown as {
  __remixRouter: { navigate(p: string): Promise<void> };
}).__remixRouter.navigate(path), to);

/**
 * A page that cannot be shown, met inside the app rather than by loading its address: a record one may
 * not read, an address no page has, the network gone while moving between pages, the server failing a
 * revalidation. Each shows its error inside the shell (header, navigation still there), offers what can
 * be done, and recovers; before, each re-created the whole document and the tab hung in a render loop
 * (antd's styles found no <head>: "Cannot set properties of null (setting '__cssinjs_instance__')").
 */
describe.skipIf(!chromiumPath)('browser: pages that cannot be shown', () => {
  let server: TestServer;
  let browser: Browser;
  let unit: UserContext;
  let phone: UserContext;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
    unit = await newUserContext(browser, server.url);
    phone = await newUserContext(browser, server.url, { phone: true });
    await loginThroughForm(unit.page, 'unit-ndrc');
    await loginThroughForm(phone.page, 'sc-member');
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  afterEach(expectNoBrowserErrors);

  it('a handling unit following a link to a proposal not assigned to it gets 404 in the shell, then goes on', async () => {
    const page = unit.page;
    const other = await asOwner(server.database.db, (trx) => trx.selectFrom('proposals').select(['id', 'title'])
      .where('number', 'like', '渝政协2024%').executeTakeFirstOrThrow());
    await page.goto('/proposals');
    await waitForHydration(page);
    unit.allowErrors(/Failed to load resource: the server responded with a status of 404/);

    await follow(page, `/proposals/${other.id}`);
    await expect.poll(() => mainText(page)).toContain('页面不存在，或您没有访问权限。 (404)');
    expect(await page.locator('body').innerText()).not.toContain(other.title);
    await expect(page.getByTestId('current-user').innerText()).resolves.toContain('国家发展改革委');
    expect(await seriousA11yViolations(page, 'client-side 404')).toEqual([]);

    // An address no page has, the same way; then the navigation still works.
    await follow(page, '/proposals/no/such/page');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('找不到页面');
    await page.getByRole('navigation').getByRole('link', { name: '提案办理' }).first().click();
    await page.waitForURL((url) => url.pathname === '/proposals');
    await expect.poll(() => mainText(page)).toContain('成渝氢走廊');
  });

  it('on a phone, the network gone while moving between pages: says so, and "retry" loads the page once back', async () => {
    const page = phone.page;
    // The calendar's code is in the browser already (a page never opened would need its script from the server).
    await page.goto('/calendar');
    await waitForHydration(page);
    await page.goto('/proposals');
    await waitForHydration(page);
    phone.allowErrors(/net::ERR_INTERNET_DISCONNECTED/);

    await phone.context.setOffline(true);
    await follow(page, '/calendar');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('无法连接服务器');
    expect(await mainText(page)).toContain('已保存的内容不受影响');
    await expect(page.getByTestId('current-user').count()).resolves.toBeGreaterThan(0);
    expect(await seriousA11yViolations(page, 'offline navigation')).toEqual([]);

    await phone.context.setOffline(false);
    await page.getByRole('button', { name: RETRY }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('协商日程');
  });

  it('a revalidation the server fails (502 from a proxy while it restarts) keeps the shell, and "retry" restores the page', async () => {
    const page = unit.page;
    await page.goto('/proposals');
    await waitForHydration(page);
    // Chromium logs the 502s; Remix logs the body it could not decode.
    unit.allowErrors(/status of 502/, /^console\.error: SyntaxError/);
    await page.route(/\.data(\?|$)|\/notifications\/unread/, (route) => route.fulfill({ status: 502, body: 'Bad Gateway' }));
    await page.evaluate(() => (window as unknown as { __remixRouter: { revalidate(): Promise<void> } }).__remixRouter.revalidate());
    await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('出错了');

    await page.unroute(/\.data(\?|$)|\/notifications\/unread/);
    await page.getByRole('button', { name: RETRY }).click();
    await expect.poll(() => mainText(page)).toContain('成渝氢走廊');
  });
});
