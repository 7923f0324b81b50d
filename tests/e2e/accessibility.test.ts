import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { DEMO_PASSWORD, startTestServer, type TestServer } from '../support/server';
import { actorOf, SEED, workspaceId } from '../factories/demo';
import { DEMO_INSPECTIONS } from '../../db/seed/inspections';
import { DEMO_PROPOSALS } from '../../db/seed/proposals';
import { asOwner } from '../support/owner';
import {
  antdSheetHref, chromiumPath, expectNoBrowserErrors, launchBrowser, loginThroughForm, newUserContext, seriousA11yViolations,
  waitForHydration, warnIfNoChromium,
} from './support';

warnIfNoChromium();

describe.skipIf(!chromiumPath)('browser: accessible, keyboard usable, styled from the first byte', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  afterEach(expectNoBrowserErrors);

  it('has no serious or critical axe-core violations on /login, / and a workspace page', async () => {
    const { context, page } = await newUserContext(browser, server.url);
    const found: string[] = [];

    await page.goto('/login');
    await waitForHydration(page);
    found.push(...(await seriousA11yViolations(page, '/login')));

    await loginThroughForm(page, 'cq-member');
    found.push(...(await seriousA11yViolations(page, '/')));

    const href = await page.getByRole('link', { name: '川渝两省市政协合作平台' }).first().getAttribute('href');
    expect(href).toMatch(/^\/workspaces\/[0-9a-f-]{36}$/);
    const res = await page.goto(href!);
    expect(res?.status()).toBe(200);
    await waitForHydration(page);
    found.push(...(await seriousA11yViolations(page, href!)));

    await context.close();
    expect(found).toEqual([]);
  });

  it('on a 390 px phone, tables wider than the screen (the dashboard\'s figures, the notifications) pass axe and scroll from the keyboard', async () => {
    const { context, page } = await newUserContext(browser, server.url, { phone: true });
    await loginThroughForm(page, 'sc-member');
    const found: string[] = [];
    for (const path of ['/proposals/dashboard', '/notifications']) {
      await page.goto(path);
      await waitForHydration(page);
      await expect.poll(() => page.locator('[data-scroll-stop="true"]').count(), { message: path }).toBeGreaterThan(0);
      found.push(...(await seriousA11yViolations(page, `${path} (phone)`)));
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    }
    // A table of figures is a named tab stop, named after its card where there are several; the arrow keys scroll it.
    await page.goto('/proposals/dashboard');
    await waitForHydration(page);
    const names = await page.locator('[data-scroll-stop="true"]').evaluateAll((boxes) => boxes.map((b) => b.getAttribute('aria-label')));
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(name).toMatch(/^(答复类别|对承办单位的评价|办理进度|承办单位|涉及地区|重点提案办理进度) · 表格（可左右滚动）$/);
    expect(new Set(names).size).toBe(names.length);
    const box = page.getByRole('region', { name: '表格（可左右滚动）' }).first();
    await box.focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => box.evaluate((el) => el.scrollLeft)).toBeGreaterThan(0);
    await context.close();
    expect(found).toEqual([]);
  });

  it('the first Tab on a page reaches "跳到正文", and Enter takes the keyboard past the header to the page', async () => {
    const { context, page } = await newUserContext(browser, server.url);
    await loginThroughForm(page, 'sc-member');
    await page.goto('/workspaces');
    await waitForHydration(page);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('跳到正文');
    const ring = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineColor);
    expect(ring).toBe('rgb(29, 78, 216)'); // blue, not the red of errors
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    await context.close();
  });

  it('every Tab stop does something: the navigation is its links, the calendar\'s view switch one stop moved by the arrows', async () => {
    const { context, page } = await newUserContext(browser, server.url);
    await loginThroughForm(page, 'cq-member');
    await page.goto('/calendar');
    await waitForHydration(page);
    const focused = () => page.evaluate(() => {
      const e = document.activeElement!;
      return e.closest('label')?.textContent?.trim() || e.getAttribute('aria-label') || e.textContent?.trim().slice(0, 20) || e.tagName;
    });
    const stops: string[] = [];
    for (let i = 0; i < 18 && !stops.includes('上一页'); i++) {
      await page.keyboard.press('Tab');
      stops.push(await focused());
    }
    // Skip link, the title, then straight to the first link of the navigation; the switch (月) is one stop.
    expect(stops.slice(0, 4)).toEqual(['跳到正文', '川渝政协协同履职平台', '工作台', '协作空间']);
    expect(stops.slice(-3)).toEqual(['订阅日历', '月', '上一页']);
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('ArrowRight');
    await page.waitForURL(/view=week/);
    expect(await focused()).toBe('周');
    await context.close();
  });

  it('a button an action disables keeps the keyboard on the page: 全部标为已读 by Enter leaves the focus in the content', async () => {
    const { context, page } = await newUserContext(browser, server.url);
    await loginThroughForm(page, 'cq-staff');
    await page.goto('/notifications');
    await waitForHydration(page);
    const markAll = page.getByTestId('mark-all-read');
    await expect(markAll.isEnabled()).resolves.toBe(true);
    await markAll.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('unread-summary').innerText()).toBe('0 条未读');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('main');
    await context.close();
  });

  it('a form sent with a mistake puts the keyboard on the first field in error, which names its message', async () => {
    const { context, page } = await newUserContext(browser, server.url);
    await loginThroughForm(page, 'cq-coordinator');
    await page.goto(`/workspaces/${await workspaceId(server.database.db, SEED.workspaces.chuanyu)}`);
    await waitForHydration(page);
    await page.getByLabel('正文').fill('请各位委员于周五前提交调研材料。');
    await page.getByRole('button', { name: /^发\s*布$/ }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.id)).toMatch(/title$/);
    // The message comes in with antd's motion, a moment after the focus.
    await expect.poll(() => page.evaluate(() => (document.activeElement?.getAttribute('aria-describedby') ?? '')
      .split(/\s+/).map((id) => document.getElementById(id)?.textContent ?? '').join(' '))).toContain('此项为必填项');
    expect(await page.getByLabel('正文').inputValue()).toBe('请各位委员于周五前提交调研材料。');

    // A longer form: the first field in error on screen, whatever the schema's order; a date names its message.
    const { id } = await asOwner(server.database.db, (trx) => trx.selectFrom('inspections').select('id')
      .where('title', '=', DEMO_INSPECTIONS.wujiang).executeTakeFirstOrThrow());
    await page.goto(`/inspections/${id}?tab=items`);
    await waitForHydration(page);
    await page.getByRole('button', { name: /新建整改事项/ }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('findingIds');
    const deadline = page.locator('input#deadline');
    expect(await deadline.getAttribute('aria-invalid')).toBe('true');
    await expect.poll(() => page.evaluate(() => (document.getElementById('deadline')?.getAttribute('aria-describedby') ?? '')
      .split(/\s+/).map((i) => document.getElementById(i)?.textContent ?? '').join(' '))).toContain('此项为必填项');
    await context.close();
  });

  it('on a phone, links drawn as buttons, check boxes listed one under another and a date\'s clear are 24 px to tap', async () => {
    const { context, page } = await newUserContext(browser, server.url, { phone: true });
    await loginThroughForm(page, 'cq-coordinator');
    const boxes = (selector: string) => page.locator(selector).evaluateAll((els) => els.map((el) => {
      const r = el.getBoundingClientRect();
      return { text: el.textContent ?? '', width: r.width, height: r.height, top: r.top };
    }));
    await page.goto('/inspections');
    await waitForHydration(page);
    const [mine] = await boxes('main a[href="/inspections/mine"]');
    expect(mine.height).toBeGreaterThanOrEqual(24);
    await page.getByRole('link', { name: DEMO_INSPECTIONS.wujiang }).first().click();
    await page.waitForURL(/\/inspections\/[0-9a-f-]{36}/);
    await page.evaluate(() => { (window as unknown as { marker: number }).marker = 3; });
    for (const tab of await boxes('[data-testid=inspection-sections] a')) expect(tab.height, tab.text).toBeGreaterThanOrEqual(24);
    // A checklist's rows: each box's row at least 24 px, so that neighbours' targets do not overlap.
    await page.locator('main .ant-checkbox-wrapper').first().waitFor();
    const checklist = await boxes('main .ant-checkbox-wrapper');
    expect(checklist.length).toBeGreaterThan(2);
    for (const row of checklist) expect(row.height, row.text).toBeGreaterThanOrEqual(24);
    // The section links move within the page, as links do.
    await page.getByRole('link', { name: /问题线索/ }).click();
    await page.waitForURL(/tab=findings/);
    await expect.poll(() => page.locator('[data-testid=inspection-sections] [aria-current=page]').innerText()).toMatch(/问题线索/);
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(3);

    await page.goto('/inspections');
    await waitForHydration(page);
    await page.getByRole('button', { name: /新建视察/ }).click();
    const day = page.getByRole('dialog').locator('.ant-picker').first();
    await day.click();
    await day.locator('.ant-picker-clear').waitFor();
    const [clear] = await boxes('[role=dialog] .ant-picker-focused .ant-picker-clear');
    expect([clear.width, clear.height]).toEqual([24, 24]);
    expect(await seriousA11yViolations(page, 'new inspection, a date open')).toEqual([]);
    await context.close();
  });

  it('a proposal\'s step taken from the keyboard leaves the focus on the next steps, one Tab from the next button', async () => {
    const { context, page } = await newUserContext(browser, server.url);
    await loginThroughForm(page, 'cq-staff');
    const { id } = await asOwner(server.database.db, (trx) => trx.selectFrom('proposals').select('id')
      .where('title', '=', DEMO_PROPOSALS.jointSubmitted).executeTakeFirstOrThrow());
    await page.goto(`/proposals/${id}`);
    await waitForHydration(page);
    await page.getByRole('button', { name: '开始审查' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: /^立\s*案$/ }).first().waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-labelledby'))).toBe('next-steps');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => !!document.activeElement?.closest('[aria-labelledby="next-steps"]'))).toBe(true);
    await context.close();
  });

  it('a time picker\'s open columns are named tab stops (axe passes with the popup open)', async () => {
    const { context, page } = await newUserContext(browser, server.url);
    await loginThroughForm(page, 'cq-coordinator');
    await page.goto('/calendar');
    await waitForHydration(page);
    await page.getByRole('button', { name: /新建日程/ }).first().click();
    const times = page.getByRole('dialog').locator('.ant-picker input');
    await times.first().waitFor();
    const values = await times.evaluateAll((els) => els.map((el) => (el as HTMLInputElement).value));
    await times.nth(values.findIndex((v) => /^\d\d:\d\d$/.test(v))).click();
    await page.locator('.ant-picker-time-panel-column').first().waitFor();
    expect(await page.locator('.ant-picker-time-panel-column').evaluateAll((cs) => cs.map((c) => `${c.getAttribute('aria-label')}:${(c as HTMLElement).tabIndex}`)))
      .toEqual(['时:0', '分:0']);
    expect(await seriousA11yViolations(page, 'new event, a time open')).toEqual([]);
    await context.close();
  });

  it('a confirmation is answered from the keyboard: Enter opens it on its confirm button, Esc returns to the button, Enter confirms', async () => {
    const { context, page } = await newUserContext(browser, server.url);
    await loginThroughForm(page, 'cq-admin');
    const member = await actorOf(server.database.db, 'cq-member2');
    await page.goto(`/admin/users/${member.id}`);
    await waitForHydration(page);
    const focused = () => page.evaluate(() => document.activeElement?.textContent?.replace(/\s/g, ''));
    // A low window, the button at its bottom, the page scrolled: the page must not jump.
    await page.setViewportSize({ width: 1280, height: 420 });
    const disable = page.getByRole('button', { name: /停用账号/ });
    await disable.focus();
    await disable.evaluate((el) => el.scrollIntoView({ block: 'end' }));
    const scrolled = await page.evaluate(() => window.scrollY);
    expect(scrolled).toBeGreaterThan(0);
    await page.keyboard.press('Enter');
    // The bubble is at the end of the page, out of Tab's reach from the button: the focus is taken there,
    // with the bubble in sight beside the button.
    await expect.poll(focused).toBe('确定');
    expect(await page.evaluate(() => window.scrollY)).toBe(scrolled);
    const box = await page.evaluate(() => { const r = document.activeElement!.getBoundingClientRect(); return { top: r.top, bottom: r.bottom }; });
    expect(box.top).toBeGreaterThanOrEqual(0);
    expect(box.bottom).toBeLessThanOrEqual(420);
    // Tab goes round the bubble's two buttons; it does not leave the page.
    await page.keyboard.press('Tab');
    await expect.poll(focused).toBe('取消');
    await page.keyboard.press('Shift+Tab');
    await expect.poll(focused).toBe('确定');
    await page.keyboard.press('Escape');
    await expect.poll(focused).toBe('停用账号');
    await expect.poll(() => page.locator('.ant-popconfirm:visible').count()).toBe(0);
    await page.keyboard.press('Enter');
    await expect.poll(focused).toBe('确定');
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: /启用账号/ }).waitFor();
    // The button that opened it is gone: the keyboard stays in the page's content.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('main');
    await context.close();
  });

  it('dates are picked with the calendar in Chinese (weeks from Monday) and kept as the day typed', async () => {
    const { context, page } = await newUserContext(browser, server.url);
    await loginThroughForm(page, 'cq-admin');
    await page.goto('/admin/audit');
    await waitForHydration(page);
    const from = page.locator('#filter-from');
    await from.click();
    expect(await page.locator('.ant-picker-content thead th').first().innerText()).toBe('一');
    await from.fill('2025-01-02');
    // A filter applies as soon as it is chosen.
    await from.press('Enter');
    await page.waitForURL(/from=2025-01-02/);
    await page.reload();
    await waitForHydration(page);
    expect(await page.locator('#filter-from').inputValue()).toBe('2025-01-02');
    await context.close();
  });

  it('every list filters the same way: a labelled search bar, a choice applies at once, 清除筛选 removes them all, a bad value is named', async () => {
    const { context, page, allowErrors } = await newUserContext(browser, server.url);
    allowErrors(/Failed to load resource: the server responded with a status of 400/);
    await loginThroughForm(page, 'cq-admin');
    for (const [path, name] of [
      ['/drafts', '筛选草稿'], ['/notifications', '筛选通知'], ['/search', '搜索条件'], ['/admin/users', '筛选用户'], ['/admin/audit', '筛选审计日志'],
    ] as const) {
      await page.goto(path);
      await waitForHydration(page);
      expect(await page.getByRole('search', { name }).count(), path).toBe(1);
      expect(await page.locator('[data-testid="clear-filters"]').count(), path).toBe(0);
    }

    // A role on the user list (a choice): applied at once, then cleared with the text filter.
    await page.goto('/admin/users');
    await waitForHydration(page);
    await page.locator('#filter-q').fill('周');
    await page.locator('#filter-q').press('Enter');
    await page.waitForURL(/q=%E5%91%A8/);
    await page.locator('#filter-role').click();
    await page.locator('.ant-select-item-option', { hasText: '系统管理员' }).click();
    await page.waitForURL(/role=admin/);
    await expect.poll(() => page.locator('tbody tr.ant-table-row').count()).toBe(1);
    await page.locator('[data-testid="clear-filters"]').click();
    await page.waitForURL((url) => url.search === '');
    await expect.poll(() => page.locator('#filter-q').inputValue()).toBe('');
    expect(await page.locator('tbody tr.ant-table-row').count()).toBeGreaterThan(1);

    // A value that is not one: a 400, the field named, and clearing puts the list back.
    const res = await page.goto('/admin/users?orgId=zzz&role=nobody');
    expect(res?.status()).toBe(400);
    await waitForHydration(page);
    expect(await page.locator('[data-testid="filter-error"]').innerText()).toContain('筛选条件无效');
    expect(await page.locator('.ant-form-item-has-error').count()).toBe(2);
    await page.locator('[data-testid="clear-filters"]').click();
    await page.waitForURL((url) => url.search === '');
    await expect.poll(() => page.locator('tbody tr.ant-table-row').count()).toBeGreaterThan(1);

    // The calendar's view and day are not filters, but a bad one is said too (the month is shown).
    expect((await page.goto('/calendar?view=bogus&date=2025-13-45'))?.status()).toBe(400);
    await waitForHydration(page);
    expect(await page.getByTestId('calendar-bad-place').innerText()).toContain('地址中的日期或视图无效');
    expect(await seriousA11yViolations(page, '/calendar with a bad address')).toEqual([]);
    await context.close();
  });

  it('logs in with the keyboard only: Tab to each field, type, Tab to the button, Enter', async () => {
    const { context, page } = await newUserContext(browser, server.url);
    await page.goto('/login');
    await waitForHydration(page);
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());

    const focusedId = () => page.evaluate(() => document.activeElement?.id ?? '');
    const focusedIsSubmit = () =>
      page.evaluate(() => (document.activeElement as HTMLButtonElement | null)?.type === 'submit');
    const tabUntil = async (done: () => Promise<boolean>, max = 6) => {
      for (let i = 0; i < max; i++) {
        await page.keyboard.press('Tab');
        if (await done()) return;
      }
      throw new Error(`not reached with ${max} Tab presses; focus is on #${await focusedId()}`);
    };

    await tabUntil(async () => (await focusedId()) === 'username');
    await page.keyboard.type('sc-member');
    await tabUntil(async () => (await focusedId()) === 'password', 1); // the very next stop
    await page.keyboard.type(DEMO_PASSWORD);
    await tabUntil(focusedIsSubmit, 3);
    await Promise.all([page.waitForURL((url) => url.pathname === '/'), page.keyboard.press('Enter')]);
    await expect.poll(() => page.locator('[data-testid="current-user"]').innerText()).toContain('刘洋');

    // Enter inside a field submits too (a plain form, no click handler needed).
    const second = await newUserContext(browser, server.url);
    await second.page.goto('/login');
    await waitForHydration(second.page);
    await second.page.locator('#username').focus();
    await second.page.keyboard.type('cq-member');
    await second.page.keyboard.press('Tab');
    await second.page.keyboard.type(DEMO_PASSWORD);
    await Promise.all([second.page.waitForURL((url) => url.pathname === '/'), second.page.keyboard.press('Enter')]);
    await expect.poll(() => second.page.locator('[data-testid="current-user"]').innerText()).toContain('李明');

    await Promise.all([context.close(), second.context.close()]);
  });

  it('links the antd styles of the server-rendered page as one cached stylesheet (no flash of unstyled content)', async () => {
    const cookie = await server.login('cq-member');
    for (const [path, init] of [['/login', {}], ['/', { cookie }]] as const) {
      const res = await server.request(path, init);
      expect(res.status, path).toBe(200);
      const href = antdSheetHref(await res.text());
      expect(href, path).toMatch(/^\/antd-css\/[0-9a-f]{16}\.css$/);
      const sheet = await server.request(href);
      expect(sheet.status, path).toBe(200);
      expect(sheet.headers.get('content-type')).toMatch(/^text\/css/);
      expect(sheet.headers.get('cache-control')).toContain('immutable');
      const css = await sheet.text();
      expect(css.length, path).toBeGreaterThan(1000);
      expect(css, path).toMatch(/\.ant-(btn|card|layout|input)/);
      // cssinjs's map of what the sheet holds, so the browser does not inject the same styles again.
      expect(css, path).toContain('data-ant-cssinjs-cache-path');
    }
    // A sheet this process never made (another process's, before a restart): the current one, not cached.
    const other = await server.request('/antd-css/0123456789abcdef.css');
    expect(other.status).toBe(200);
    expect(other.headers.get('cache-control')).toBe('no-cache');
    expect((await server.request('/antd-css/not-a-sheet.css')).status).toBe(404);
  });
});
