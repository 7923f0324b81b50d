import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { sql } from 'kysely';
import { saveVersion } from '../../server/services/versions';
import { startTestServer, type TestServer } from '../support/server';
import { asOwner } from '../support/owner';
import { actorOf, SEED, workspaceId } from '../factories/demo';
import {
  chromiumPath, expectNoBrowserErrors, launchBrowser, loginThroughForm, newUserContext, seriousA11yViolations, waitForHydration,
  warnIfNoChromium,
} from './support';

warnIfNoChromium();

/**
 * Every page of the app, loaded in full (server-rendered, then hydrated) by people of each kind, in
 * Beijing time and in New York time: not one console error, page error or hydration mismatch. The
 * server renders in its own zone whatever the browser's is, so a date formatted without a fixed zone
 * (or anything else that differs between the two) shows up here. In Beijing time each person also
 * goes through every page on a 390 px phone: no page wider than the screen, and the navigation,
 * search, bell and logout within reach. axe-core checks every page in Chinese and in English.
 */

/** 2025-01-02 00:30 in Beijing, still 2025-01-01 in UTC and New York: every record's date differs by zone. */
const NEAR_MIDNIGHT = new Date('2025-01-01T16:30:00Z');

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
/** A page's route: its path with the ids replaced, so that each route is loaded once per person. */
const routeOf = (path: string) => new URL(path, 'http://x').pathname.replace(UUID, ':id');
/** Links that are not pages: form endpoints and file downloads. */
const NOT_A_PAGE = /^\/(logout|lang)$|\.(docx|ics|xlsx)$|\/photos\/:id$/;

const EVERYONE = ['/', '/workspaces', '/workspaces/:id', '/notices/:id', '/notifications', '/search', '/users/:id', '/calendar', '/proposals', '/proposals/dashboard'];
const DRAFTERS = ['/drafts', '/drafts/new', '/drafts/import', '/drafts/:id', '/drafts/:id/versions', '/drafts/:id/versions/:id'];
const ADMIN = ['/admin/users', '/admin/users/new', '/admin/users/:id', '/admin/orgs', '/admin/workspaces', '/admin/workspaces/:id', '/admin/audit'];

/** The routes each person must reach (they may reach more): a missing one means a page was not checked. */
const MUST_REACH: Record<string, string[]> = {
  'cq-member': [...EVERYONE, ...DRAFTERS, '/drafts/:id/settings', '/events/:id', '/proposals/:id'],
  'sc-member': [...EVERYONE, ...DRAFTERS, '/drafts/:id/settings', '/events/:id', '/proposals/:id'],
  'gz-member': [...EVERYONE, '/drafts', '/drafts/new', '/drafts/import'],
  'unit-ndrc': ['/', '/workspaces', '/notifications', '/search', '/users/:id', '/calendar', '/proposals', '/proposals/dashboard', '/proposals/:id'],
  'cq-admin': [...EVERYONE.filter((r) => r !== '/notices/:id'), '/drafts', ...ADMIN, '/proposals/:id'],
};
// The list and "my tasks" for everyone; an inspection for those who take part in one.
for (const [username, routes] of Object.entries(MUST_REACH)) {
  routes.push('/inspections', '/inspections/mine', ...(['cq-member', 'sc-member', 'gz-member'].includes(username) ? ['/inspections/:id'] : []));
}

/** Where the crawl starts: the home page, and pages no link leads to (the search box is a form). */
const START = ['/', '/search?q=氢走廊'];

/**
 * Each person in each zone (cq-member, who reaches the most pages, reads New York's in English), and
 * each on a phone in Beijing time. axe runs where the page differs: Beijing (Chinese, desktop and phone) and English.
 */
const CASES = [
  ...['Asia/Shanghai', 'America/New_York'].flatMap((timezoneId) => Object.keys(MUST_REACH).map((username) =>
    ({ username, timezoneId, locale: username === 'cq-member' && timezoneId !== 'Asia/Shanghai' ? 'en' : 'zh-CN', phone: false }))),
  ...Object.keys(MUST_REACH).map((username) => ({ username, timezoneId: 'Asia/Shanghai', locale: 'zh-CN', phone: true })),
].map((c) => ({ ...c, axe: c.timezoneId === 'Asia/Shanghai' || c.locale === 'en' }));

/**
 * What a phone user must be able to reach on every page: the header's parts, on screen, without zooming
 * out. The navigation is behind the menu button (its drawer is opened in a test of its own).
 */
async function phoneProblems(page: Page, path: string): Promise<string[]> {
  const found: string[] = [];
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  if (width > 391) found.push(`${path}: the page is ${width} px wide on a 390 px screen`);
  for (const [what, selector] of [
    ['menu button', '[data-testid="nav-menu-button"]'], ['search', '[data-testid="header-search"]'],
    ['bell', '[data-testid="notification-bell"]'], ['logout', 'form[action="/logout"] button'],
  ] as const) {
    const box = await page.locator(selector).first().boundingBox();
    if (!box || box.width === 0 || box.x < 0 || box.x + box.width > 391) found.push(`${path}: the ${what} is not on screen (${JSON.stringify(box)})`);
  }
  return found;
}

/**
 * Waits until a page has done what it does after hydration (the bell loads its count). Leaving earlier
 * aborts those requests, and the browser logs that as an error.
 */
function settling(page: Page): () => Promise<void> {
  const inFlight = new Set<unknown>();
  page.on('request', (r) => inFlight.add(r));
  page.on('requestfinished', (r) => inFlight.delete(r));
  page.on('requestfailed', (r) => inFlight.delete(r));
  return async () => {
    await page.locator('[data-testid="notification-bell"]:not([data-unread=""])').waitFor();
    await expect.poll(() => inFlight.size, { timeout: 10_000, interval: 20 }).toBe(0);
  };
}

describe.skipIf(!chromiumPath)('browser: every page hydrates without an error, in any time zone', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
    const db = server.database.db;
    // A saved version of each draft, so that versions lists and version pages show a time.
    const drafts = await asOwner(db, (trx) => trx.selectFrom('drafts').innerJoin('users', 'users.id', 'drafts.author_id')
      .select(['drafts.id', 'users.username']).execute());
    for (const d of drafts) await saveVersion(db, await actorOf(db, d.username), d.id, { name: '征求意见稿' });
    // A notification for each member, so that their notification lists show a time.
    const sender = await actorOf(db, 'cq-coordinator');
    const invitation = async (username: string, workspace: string) => {
      const [to, id] = await Promise.all([actorOf(db, username), workspaceId(db, workspace)]);
      return { user_id: to.id, region: to.region, kind: 'invitation' as const, record_kind: 'workspace', record_id: id, workspace_id: id, text: workspace, actor_id: sender.id };
    };
    const notes = await Promise.all([
      invitation('cq-member', SEED.workspaces.chuanyu), invitation('sc-member', SEED.workspaces.chuanyu), invitation('gz-member', SEED.workspaces.wujiang),
    ]);
    await asOwner(db, async (trx) => {
      await trx.insertInto('notifications').values(notes).execute();
      // Every dated record at the one instant whose date differs between the zones.
      // (created_at is never changed by the app, so its column type allows no update: plain SQL.)
      for (const table of ['notices', 'drafts', 'draft_versions', 'notifications', 'workspaces']) {
        await sql`UPDATE ${sql.table(table)} SET created_at = ${NEAR_MIDNIGHT}`.execute(trx);
      }
      await trx.updateTable('notices').set({ updated_at: NEAR_MIDNIGHT }).execute();
      await trx.updateTable('drafts').set({ updated_at: NEAR_MIDNIGHT }).execute();
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  afterEach(expectNoBrowserErrors);

  /**
   * Loads each page in full, then every page it links to, once per route; returns the routes loaded.
   * Each must answer 200: a link shown to someone leads to a page they may see.
   */
  async function loadEveryPage(page: Page, errors: string[], username: string, check: (path: string) => Promise<void>): Promise<string[]> {
    // Also their own profile, and a draft of their own first (its settings are linked for its author only).
    const me = await actorOf(server.database.db, username);
    const mine = await asOwner(server.database.db, (trx) => trx.selectFrom('drafts').select('id')
      .where('author_id', '=', me.id).orderBy('title').executeTakeFirst());
    const queue = [...START, `/users/${me.id}`, ...(mine ? [`/drafts/${mine.id}`] : [])];
    const loaded = new Set<string>();
    const settled = settling(page);
    while (queue.length > 0) {
      const path = queue.shift()!;
      const route = routeOf(path);
      if (loaded.has(route) || NOT_A_PAGE.test(route)) continue;
      loaded.add(route);
      await settled();
      const res = await page.goto(path);
      expect(res?.status(), path).toBe(200);
      // Stop at the first page with errors (they are listed after the test): a page that fails to
      // hydrate may never settle.
      const stopOnErrors = () => { if (errors.length > 0) throw new Error(`browser errors on ${path}`); };
      await waitForHydration(page);
      stopOnErrors();
      await settled();
      stopOnErrors();
      await check(path);
      const links = await page.$$eval('a[href]:not([download])', (as) => as.map((a) => (a as HTMLAnchorElement).href));
      for (const href of links) {
        const url = new URL(href);
        if (url.origin === server.url) queue.push(url.pathname + url.search);
      }
    }
    return [...loaded];
  }

  it('on a 390 px phone the navigation opens from the menu button, by keyboard too, and takes you there', async () => {
    const { context, page } = await newUserContext(browser, server.url, { phone: true });
    const settled = settling(page);
    try {
      await loginThroughForm(page, 'cq-admin');
      await settled();
      // The desktop menu gives way to the button; nothing of the navigation is focusable off screen.
      expect(await page.locator('header nav.app-nav').isVisible()).toBe(false);
      const button = page.getByRole('button', { name: '菜单' });
      expect(await button.getAttribute('aria-expanded')).toBe('false');
      await button.focus();
      await page.keyboard.press('Enter');
      const drawer = page.getByRole('dialog', { name: '菜单' });
      await drawer.waitFor();
      expect(await button.getAttribute('aria-expanded')).toBe('true');
      const links = drawer.getByRole('navigation', { name: '主导航' }).getByRole('link');
      expect(await links.allInnerTexts()).toEqual(['工作台', '协作空间', '草稿', '提案办理', '联合视察', '协商日程', '管理']);
      expect(await seriousA11yViolations(page, 'cq-admin phone menu')).toEqual([]);
      await page.keyboard.press('Escape');
      await drawer.waitFor({ state: 'hidden' });

      await button.click();
      await drawer.getByRole('link', { name: '协作空间' }).click();
      await page.waitForURL((url) => url.pathname === '/workspaces');
      await drawer.waitFor({ state: 'hidden' });
      await settled();
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('协作空间');
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(391);
    } finally {
      await context.close();
    }
  });

  it('the home page shows each role what it has to do: the administrator their region, the handling unit its assignments', async () => {
    const admin = await newUserContext(browser, server.url);
    const unit = await newUserContext(browser, server.url);
    try {
      const page = admin.page;
      await loginThroughForm(page, 'cq-admin');
      await settling(page)();
      const overview = page.getByTestId('region-overview');
      expect(await overview.getByRole('heading', { level: 2 }).innerText()).toBe('本省市管理概览');
      // The demo's Chongqing handling units and their liaisons come with the proposals and inspections (db/seed).
      expect(await page.getByTestId('overview-users').innerText()).toContain('8 名在用，0 名已停用');
      expect(await page.getByTestId('overview-orgs').innerText()).toContain('4 个委员会，12 个承办单位');
      for (const [testId, href] of [['overview-users', '/admin/users'], ['overview-orgs', '/admin/orgs'], ['overview-workspaces', '/admin/workspaces']]) {
        expect(await page.getByTestId(testId).getByRole('link').getAttribute('href'), testId).toBe(href);
      }
      // The logins of this file are audited: the latest entries are listed, and the whole log is linked.
      expect(await page.getByTestId('audit-entry').count()).toBeGreaterThan(0);
      expect(await page.getByTestId('audit-entry').first().innerText()).toContain('登录');
      expect(await page.getByTestId('recent-audit').getByRole('link', { name: /查看全部/ }).getAttribute('href')).toBe('/admin/audit');

      await loginThroughForm(unit.page, 'unit-ndrc');
      await settling(unit.page)();
      const assigned = unit.page.getByTestId('assigned');
      expect(await assigned.getByRole('heading', { level: 2 }).innerText()).toBe('交办给本单位的事项');
      expect(await assigned.innerText()).toContain('目前没有交办给本单位的事项');
      expect(await assigned.getByRole('link', { name: '前往通知中心' }).getAttribute('href')).toBe('/notifications');
      expect(await unit.page.getByTestId('region-overview').count()).toBe(0);
      expect(await unit.page.locator('#my-workspaces').count()).toBe(0);
      expect(await unit.page.getByTestId('current-user').innerText()).toContain('国家部委');
    } finally {
      await Promise.all([admin.context.close(), unit.context.close()]);
    }
  });

  for (const { username, timezoneId, locale, phone, axe } of CASES) {
    it(`${username}, ${timezoneId}, ${locale}${phone ? ', 390 px phone' : ''}: every page they reach`, async () => {
      const { context, page, errors } = await newUserContext(browser, server.url, { timezoneId, phone });
      const problems: string[] = [];
      try {
        if (locale !== 'zh-CN') await context.addCookies([{ name: 'lang', value: locale, url: server.url }]);
        await loginThroughForm(page, username);
        const routes = await loadEveryPage(page, errors, username, async (path) => {
          if (phone) problems.push(...await phoneProblems(page, path));
          if (axe) problems.push(...await seriousA11yViolations(page, `${username} ${locale} ${path}`));
        });
        console.log(`[pages] ${username} ${timezoneId} ${locale}${phone ? ' phone' : ''}: ${routes.length} routes: ${routes.join(' ')}`);
        expect(routes).toEqual(expect.arrayContaining(MUST_REACH[username]));
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    }, 240_000);
  }
});
