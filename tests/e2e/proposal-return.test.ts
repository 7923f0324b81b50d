import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/server';
import { asOwner } from '../support/db';
import {
  chromiumPath, expectNoBrowserErrors, launchBrowser, loginThroughForm, newUserContext, seriousA11yViolations,
  waitForHydration, warnIfNoChromium, type UserContext,
} from './support';

warnIfNoChromium();

/**
 * 退回交办 with a co-unit, in Beijing-time browsers: the Chongqing staff assigns a filed proposal to 市发展改革委
 * (主办) and 国家发展改革委 (会办); neither unit's timeline names the other; the lead unit, on a phone, returns
 * it; the staff's open page shows it filed again, and the co-unit's open page loses the proposal at once.
 */
describe.skipIf(!chromiumPath)('browser: a lead unit returns an assignment with a co-unit', () => {
  let server: TestServer;
  let browser: Browser;
  let staff: Page;
  let leadUnit: UserContext;
  let coUnit: UserContext;
  let path: string;
  const title = '关于加快璧山区充电桩建设的建议';

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
    const staffUser = await newUserContext(browser, server.url);
    leadUnit = await newUserContext(browser, server.url, { phone: true });
    coUnit = await newUserContext(browser, server.url);
    staff = staffUser.page;
    await loginThroughForm(staff, 'cq-staff');
    await loginThroughForm(leadUnit.page, 'unit-cqfgw');
    await loginThroughForm(coUnit.page, 'unit-ndrc');
    const id = await asOwner(server.database.db, async (trx) => {
      const committee = await trx.selectFrom('orgs').select('id').where('name', '=', '重庆市政协').executeTakeFirstOrThrow();
      const sponsor = await trx.selectFrom('users').select('id').where('username', '=', 'cq-member2').executeTakeFirstOrThrow();
      const p = await trx.insertInto('proposals').values({
        owner_org_id: committee.id, owner_region: 'chongqing', workspace_id: null, visibility: 'region', regions: ['chongqing'],
        author_id: sponsor.id, year: 2026, sequence: 9104, number: '渝政协2026第9104号', title, state: 'filed',
      }).returning('id').executeTakeFirstOrThrow();
      await trx.insertInto('proposal_sponsors').values({ proposal_id: p.id, user_id: sponsor.id, region: 'chongqing', role: 'lead' }).execute();
      return p.id;
    });
    path = `/proposals/${id}`;
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  afterEach(expectNoBrowserErrors);

  const open = async (page: Page, to: string) => {
    await page.goto(to);
    await waitForHydration(page);
  };
  const stateOf = (page: Page) => page.getByTestId('proposal-state').first().innerText().catch(() => '');
  const assignEntries = (page: Page) => page.getByTestId('timeline-entry').filter({ hasText: '交办提案' }).allInnerTexts();
  const choose = async (field: string, unit: string) => {
    await staff.getByRole('combobox', { name: field, exact: true }).click();
    await staff.keyboard.type(unit);
    await staff.keyboard.press('Enter');
    await staff.keyboard.press('Escape');
  };

  it('assigned to a lead and a co-unit: each unit\'s timeline names only itself', async () => {
    await open(staff, path);
    await choose('主办', '市发展改革委');
    await choose('会办', '国家发展改革委');
    await staff.getByRole('button', { name: /^交 ?办$/ }).click();
    await expect.poll(() => stateOf(staff), { timeout: 10_000 }).toBe('已交办');
    expect((await assignEntries(staff)).join('\n')).toMatch(/市发展改革委[\s\S]*国家发展改革委/);

    await Promise.all([open(leadUnit.page, path), open(coUnit.page, path)]);
    const lead = await assignEntries(leadUnit.page);
    expect(lead).toHaveLength(1);
    expect(lead[0]).toContain('市发展改革委 · 主办');
    expect(lead[0]).not.toContain('国家发展改革委');
    const co = await assignEntries(coUnit.page);
    expect(co).toHaveLength(1);
    expect(co[0]).toContain('国家发展改革委 · 会办');
    expect(co[0]).not.toContain('市发展改革委');
    expect(await seriousA11yViolations(leadUnit.page, 'proposal page (lead unit, phone)')).toEqual([]);
  });

  it('the lead unit returns it from a phone: the staff sees it filed again, and the co-unit loses it too', async () => {
    await leadUnit.page.getByLabel('理由').fill('属国家部委事权，建议改由国家发展改革委主办。');
    expect(await leadUnit.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(391);
    // The co-unit's page, loaded again below, is refused (404): Chromium logs that document load.
    coUnit.allowErrors(/Failed to load resource: the server responded with a status of 404/);
    await leadUnit.page.getByRole('button', { name: '退回交办' }).click();

    await expect.poll(() => stateOf(staff), { timeout: 10_000 }).toBe('已立案');
    // The returning unit is taken to its home page, which lists what is still its own.
    await leadUnit.page.waitForURL((u) => u.pathname === '/', { timeout: 10_000 });
    await waitForHydration(leadUnit.page);
    expect(await leadUnit.page.locator('#main').innerText()).not.toContain(title);
    // The co-unit's open page is told once and reloads its data: the proposal is gone from it, without a reload,
    // and after one; it is not in the co-unit's registry either.
    await expect.poll(() => coUnit.page.getByRole('heading', { name: '找不到页面' }).count(), { timeout: 10_000 }).toBe(1);
    expect(await coUnit.page.locator('#main').innerText()).not.toContain(title);
    await coUnit.page.reload();
    await waitForHydration(coUnit.page);
    expect(await coUnit.page.getByRole('heading', { name: '找不到页面' }).count()).toBe(1);
    await open(coUnit.page, '/proposals');
    expect(await coUnit.page.getByTestId('proposal-registry').innerText()).not.toContain(title);

    // Filed again, it may be assigned afresh.
    await staff.reload();
    await waitForHydration(staff);
    expect(await staff.getByRole('button', { name: /^交 ?办$/ }).count()).toBe(1);
  });
});
