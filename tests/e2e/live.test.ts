import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/server';
import {
  chromiumPath, expectNoBrowserErrors, launchBrowser, loginThroughForm, newUserContext, waitForHydration,
  warnIfNoChromium, type UserContext,
} from './support';
import { actorOf, SEED, workspaceId } from '../factories/demo';

warnIfNoChromium();

/**
 * Two windows, two provinces: a notice posted in one appears in the other without a reload
 * (socket.io event → loader revalidation), and a region-private one never does.
 */
describe.skipIf(!chromiumPath)('browser: live pages across the boundary', () => {
  let server: TestServer;
  let browser: Browser;
  let cq: Page;
  let sc: Page;
  const users: UserContext[] = [];
  let chuanyu: string;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
    chuanyu = await workspaceId(server.database.db, SEED.workspaces.chuanyu);
    users.push(await newUserContext(browser, server.url), await newUserContext(browser, server.url));
    [cq, sc] = users.map((u) => u.page);
    await loginThroughForm(cq, 'cq-coordinator');
    await loginThroughForm(sc, 'sc-member');
    await cq.goto(`/workspaces/${chuanyu}`);
    await waitForHydration(cq);
    await waitForHydration(sc);
    // Survives only if sc's page is never reloaded.
    await sc.evaluate(() => { (window as unknown as { marker: number }).marker = 42; });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  afterEach(expectNoBrowserErrors);

  async function post(title: string, visibility: '川渝联合' | '本省市') {
    await cq.getByLabel('标题').fill(title);
    await cq.getByRole('radio', { name: new RegExp(visibility) }).check();
    await cq.getByRole('button', { name: '发 布' }).or(cq.getByRole('button', { name: '发布' })).click();
    await expect.poll(() => cq.locator('main').last().innerText(), { timeout: 10_000 }).toContain(title);
  }

  it('a joint notice posted in Chongqing appears on a Sichuan home page without a reload', async () => {
    const title = `联合视察材料准备安排 ${Date.now()}`;
    const started = Date.now();
    await post(title, '川渝联合');
    await expect.poll(() => sc.locator('main').last().innerText(), { timeout: 10_000 }).toContain(title);
    console.log(`joint notice visible in the other window after ${Date.now() - started} ms (including posting)`);
    expect(await sc.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
  });

  it("one's own change does not abort the reload that follows it, even on a slow connection", async () => {
    // The change comes back to the author's page as a live event while Remix is still loading the page's data
    // after the action; a second load then would abort the first (Remix logs the abort as an error).
    const aborted: string[] = [];
    cq.on('requestfailed', (r) => { if (r.url().includes('.data')) aborted.push(`${r.method()} ${r.url()}: ${r.failure()?.errorText}`); });
    await cq.route(/\.data(\?|$)/, async (route) => {
      if (route.request().method() === 'GET') await new Promise((r) => setTimeout(r, 800));
      await route.continue().catch(() => undefined);
    });
    try {
      const title = `慢速网络下的联合通知 ${Date.now()}`;
      await post(title, '川渝联合');
      await cq.waitForTimeout(2000);
      expect(aborted).toEqual([]);
    } finally {
      await cq.unrouteAll({ behavior: 'ignoreErrors' });
      cq.removeAllListeners('requestfailed');
    }
  });

  it('leaving a page while it is loading a live change, on a slow connection, is not an error', async () => {
    // A second tab of the same person posts; the first, on a slow line, is reading the change it heard of
    // when the person moves on. Remix aborts that load; the page must not report it as an error.
    const other = await cq.context().newPage();
    await other.goto(`/workspaces/${chuanyu}`);
    await waitForHydration(other);
    await cq.goto(`/workspaces/${chuanyu}`);
    await waitForHydration(cq);
    // Once the shell has fetched the navigation's code in the background, the slow line carries only the load.
    await cq.waitForLoadState('networkidle');
    const line = await cq.context().newCDPSession(cq);
    await line.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: 2000, uploadThroughput: -1 });
    try {
      const reading = cq.waitForResponse((r) => r.url().includes('.data') && r.request().method() === 'GET', { timeout: 20_000 });
      await other.getByLabel('标题').fill(`第二个标签页发布的通知 ${Date.now()}`);
      await other.getByRole('radio', { name: /川渝联合/ }).check();
      await other.getByRole('button', { name: /^发\s*布$/ }).click();
      await reading;
      await cq.getByRole('navigation').first().getByRole('link', { name: '协商日程', exact: true }).click();
      await line.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
      await cq.waitForURL(/\/calendar/);
      await waitForHydration(cq);
    } finally {
      await line.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
      await line.detach();
      await other.close();
    }
    await cq.goto(`/workspaces/${chuanyu}`);
    await waitForHydration(cq);
  });

  it('shows who is online in the workspace, by region', async () => {
    await sc.goto(`/workspaces/${chuanyu}`);
    await waitForHydration(sc);
    await expect.poll(() => cq.getByTestId('presence').innerText().catch(() => ''), { timeout: 10_000 }).toContain('刘洋');
  });

  it('a Chongqing-private notice never reaches the Sichuan window', async () => {
    await sc.goto('/');
    await waitForHydration(sc);
    const title = `重庆内部安排 ${Date.now()}`;
    await post(title, '本省市');
    const joint = `随后的联合通知 ${Date.now()}`;
    await post(joint, '川渝联合');
    // Once the later joint notice has arrived, the private one would have arrived too.
    await expect.poll(() => sc.locator('main').last().innerText(), { timeout: 10_000 }).toContain(joint);
    expect(await sc.locator('main').last().innerText()).not.toContain(title);
  });

  it("a role given and taken back shows in the person's navigation at once, without a reload", async () => {
    const admin = await newUserContext(browser, server.url);
    users.push(admin);
    await loginThroughForm(admin.page, 'cq-admin');
    const { id } = await actorOf(server.database.db, 'cq-coordinator');
    await cq.goto('/search');
    await waitForHydration(cq);
    await cq.evaluate(() => { (window as unknown as { marker: number }).marker = 7; });
    const adminLink = cq.getByRole('navigation').first().getByRole('link', { name: '管理', exact: true });
    expect(await adminLink.count()).toBe(0);

    await admin.page.goto(`/admin/users/${id}`);
    await waitForHydration(admin.page);
    const setAdmin = async (on: boolean) => {
      await admin.page.getByRole('checkbox', { name: '系统管理员' }).setChecked(on);
      // Saved, and the form shown again from what was saved (it is keyed by the roles).
      await Promise.all([
        admin.page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes(id) && r.ok()),
        admin.page.waitForResponse((r) => r.request().method() === 'GET' && r.url().includes(`${id}.data`) && r.ok()),
        admin.page.getByRole('button', { name: /^保\s*存$/ }).click(),
      ]);
    };
    await setAdmin(true);
    await expect.poll(() => adminLink.count(), { timeout: 10_000 }).toBe(1);
    await setAdmin(false);
    await expect.poll(() => adminLink.count(), { timeout: 10_000 }).toBe(0);
    expect(await cq.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(7);
  });
});
