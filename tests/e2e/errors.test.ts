import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { DEMO_PASSWORD, startTestServer, type TestServer } from '../support/server';
import { asOwner } from '../support/owner';
import { SEED, workspaceId } from '../factories/demo';
import {
  chromiumPath, expectNoBrowserErrors, launchBrowser, loginThroughForm, newUserContext, seriousA11yViolations, waitForHydration,
  setNetwork, warnIfNoChromium, type UserContext,
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
 * Forms sent offline keep what was typed; a session ended in another tab ends this one's page too.
 */
describe.skipIf(!chromiumPath)('browser: pages that cannot be shown, and the network gone', () => {
  let server: TestServer;
  let browser: Browser;
  let unit: UserContext;
  let phone: UserContext;
  let coordinator: UserContext;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
    unit = await newUserContext(browser, server.url);
    phone = await newUserContext(browser, server.url, { phone: true });
    coordinator = await newUserContext(browser, server.url);
    await loginThroughForm(unit.page, 'unit-ndrc');
    await loginThroughForm(phone.page, 'sc-member');
    await loginThroughForm(coordinator.page, 'cq-coordinator');
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
    // Reloaded, the server answers the same, with its status; back goes to the registry.
    expect((await page.reload())?.status()).toBe(404);
    await waitForHydration(page);
    expect(await mainText(page)).toContain('页面不存在，或您没有访问权限。 (404)');
    await page.goBack();
    await expect.poll(() => mainText(page)).toContain('成渝氢走廊');

    // An address no page has, the same way; then the navigation still works.
    await follow(page, '/proposals/no/such/page');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('找不到页面');
    await page.getByRole('navigation').getByRole('link', { name: '提案办理' }).first().click();
    await page.waitForURL((url) => url.pathname === '/proposals');
    await expect.poll(() => mainText(page)).toContain('成渝氢走廊');
  });

  it('on a phone, the network gone while moving between pages: says so (with "retry"), and loads the page by itself once back', async () => {
    const page = phone.page;
    await page.goto('/proposals');
    await waitForHydration(page);
    // The calendar was never opened in this tab: its code comes with the navigation's, fetched while idle.
    await expect.poll(() => page.evaluate(() => performance.getEntriesByType('resource').some((e) => /\/calendar\._index-[\w-]+\.js$/.test(e.name))),
      { timeout: 10_000 }).toBe(true);

    await setNetwork(phone, false);
    await follow(page, '/calendar');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('无法连接服务器');
    expect(await mainText(page)).toContain('已保存的内容不受影响');
    await expect(page.getByTestId('current-user').count()).resolves.toBeGreaterThan(0);
    expect(await seriousA11yViolations(page, 'offline navigation')).toEqual([]);

    await expect(page.getByRole('button', { name: RETRY }).count()).resolves.toBe(1);

    // The browser's "online" is enough: nobody has to press 重试.
    await setNetwork(phone, true);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText(), { timeout: 10_000 }).toBe('协商日程');

    /** From a list, a record's page never opened in this tab, its code fetched while idle: offline, then back online. */
    const openOffline = async (list: string, link: string, code: RegExp, opened: () => Promise<unknown>) => {
      await follow(page, list);
      await page.getByTestId(link).first().waitFor();
      await expect.poll(() => page.evaluate((source) => performance.getEntriesByType('resource').some((e) => new RegExp(source).test(e.name)), code.source),
        { timeout: 10_000 }).toBe(true);
      await setNetwork(phone, false);
      await page.getByTestId(link).first().click();
      await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('无法连接服务器');
      await setNetwork(phone, true);
      await opened();
    };
    // A proposal's page, from the registry: the same.
    await openOffline('/proposals', 'proposal-link', /\/proposals\._proposalId-[\w-]+\.js$/,
      () => expect.poll(() => page.locator('#proposal-title').count()).toBe(1));
    // A draft's page: its code (the editor) was only fetched, not run, and comes from the browser's cache.
    await openOffline('/drafts', 'draft-link', /\/drafts\._draftId-[\w-]+\.js$/,
      () => page.locator('[data-testid="collab-status"][data-status="connected"]').waitFor({ timeout: 15_000 }));
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

  it('a notice written with the network gone stays in the form, says why, and is published once back', async () => {
    const page = coordinator.page;
    await page.goto(`/workspaces/${await workspaceId(server.database.db, SEED.workspaces.chuanyu)}`);
    await waitForHydration(page);
    const title = '离线时起草：成渝氢走廊联合调研分工';
    await page.getByLabel('标题').fill(title);
    await page.getByLabel('正文').fill('请两地提案委员会于下周前报送调研提纲。');
    const publish = page.getByRole('button', { name: /^发\s*布$/ });

    await setNetwork(coordinator, false);
    await publish.click();
    await expect.poll(() => page.locator('.ant-message').innerText()).toContain('网络已断开，内容尚未提交');
    expect(await page.getByLabel('标题').inputValue()).toBe(title);
    expect(await page.getByLabel('正文').inputValue()).toContain('调研提纲');

    await setNetwork(coordinator, true);
    await publish.click();
    await expect.poll(() => mainText(page)).toContain(title);
    await expect.poll(() => page.getByLabel('标题').inputValue(), { timeout: 5000 }).toBe('');
  });

  it('the last resort: an error that still reaches the root reloads the page instead of hanging it', async () => {
    // A Remix fetcher in the root's context (as the header's bell was) whose request gets no answer: its
    // error goes to the root's boundary, which re-creates the document.
    const page = coordinator.page;
    await page.goto('/proposals');
    await waitForHydration(page);
    coordinator.allowErrors(/ERR_CONNECTION_REFUSED/);
    await page.route(/\.data(\?|$)/, (route) => route.abort('connectionrefused'));
    await page.evaluate(() => {
      const w = window as unknown as { marker: number; __remixRouter: { fetch(key: string, routeId: string, href: string): void } };
      w.marker = 1;
      w.__remixRouter.fetch('probe', 'root', '/proposals');
    });
    // Reloaded (the marker is gone), shown whole by the server, hydrated again.
    await expect.poll(() => page.evaluate(() => (window as unknown as { marker?: number }).marker ?? 'reloaded').catch(() => 'loading'),
      { timeout: 10_000 }).toBe('reloaded');
    await page.unroute(/\.data(\?|$)/);
    await waitForHydration(page);
    await expect.poll(() => mainText(page)).toContain('成渝氢走廊');
    await expect(page.getByTestId('current-user').count()).resolves.toBe(1);
  });

  it('signing out in one tab takes the other tab of the same person to the login page, without the old header', async () => {
    const member = await newUserContext(browser, server.url);
    await loginThroughForm(member.page, 'sc-member2');
    const [one, two] = [member.page, await member.context.newPage()];
    for (const page of [one, two]) {
      await page.goto('/proposals');
      await waitForHydration(page);
    }
    await expect(two.getByTestId('current-user').innerText()).resolves.toContain('孙丽娟');

    await one.getByRole('button', { name: /退出登录/ }).click();
    await one.waitForURL((url) => url.pathname === '/login');
    // The other tab hears that the session ended; its page's data now sends it to the login page.
    await two.waitForURL((url) => url.pathname === '/login', { timeout: 10_000 });
    await two.locator('#username').waitFor();
    expect(await two.getByTestId('current-user').count()).toBe(0);
    expect(await two.locator('body').innerText()).not.toContain('孙丽娟');
  });

  it('signing in with the network gone keeps the name typed and says why; back online it signs in', async () => {
    const visitor = await newUserContext(browser, server.url, { phone: true });
    const page = visitor.page;
    await page.goto('/login');
    await waitForHydration(page);
    await page.locator('#username').fill('gz-member');
    await page.locator('#password').fill(DEMO_PASSWORD);
    await setNetwork(visitor, false);
    await page.locator('form button[type="submit"]').click();
    await expect.poll(() => page.locator('.ant-message').innerText()).toContain('网络已断开');
    expect(await page.locator('#username').inputValue()).toBe('gz-member');
    await setNetwork(visitor, true);
    await Promise.all([page.waitForURL((url) => url.pathname === '/'), page.locator('form button[type="submit"]').click()]);
    await page.getByTestId('current-user').waitFor({ state: 'attached' });
  });
});
