import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/server';
import {
  chromiumPath, expectNoBrowserErrors, launchBrowser, loginThroughForm, newUserContext, REVALIDATION_ABORTED, waitForHydration,
  warnIfNoChromium, type UserContext,
} from './support';
import { SEED, workspaceId } from '../factories/demo';

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

  beforeEach(() => { for (const u of users) u.allowErrors(REVALIDATION_ABORTED); });
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
});
