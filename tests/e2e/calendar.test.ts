import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/server';
import {
  chromiumPath, expectNoBrowserErrors, launchBrowser, loginThroughForm, newUserContext, seriousA11yViolations,
  waitForHydration, warnIfNoChromium, type UserContext,
} from './support';
import { addDays, beijingDay, mondayOf } from '../../shared/domain/calendar';
import { DEMO_EVENTS } from '../../db/seed/calendar';
import { DEMO_INSPECTIONS } from '../../db/seed/inspections';
import { asOwner } from '../support/db';
import { actorOf } from '../factories/demo';
import { getEvent, updateEvent } from '../../server/services/calendar';
import { eventEditSchema } from '../../shared/validation/calendar';

warnIfNoChromium();

/**
 * The shared calendar as its users meet it: a Chongqing coordinator creates a joint event in week
 * view and invites a Sichuan member, whose calendar (in a browser set to New York time) shows it
 * without a reload at the same Beijing time; the member opens it and answers; a private event of
 * the other region never appears; axe on the calendar and event pages.
 */
describe.skipIf(!chromiumPath)('browser: the shared calendar across regions and time zones', () => {
  let server: TestServer;
  let browser: Browser;
  let cq: Page;
  let sc: Page;
  const users: UserContext[] = [];
  const nextMonday = addDays(mondayOf(beijingDay(Date.now())), 7);
  const week = `/calendar?view=week&date=${nextMonday}`;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
    users.push(await newUserContext(browser, server.url), await newUserContext(browser, server.url, { timezoneId: 'America/New_York' }));
    [cq, sc] = users.map((u) => u.page);
    await loginThroughForm(cq, 'cq-coordinator');
    await loginThroughForm(sc, 'sc-member');
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  afterEach(expectNoBrowserErrors);

  it('an event created in week view in Chongqing appears live in Sichuan, at the same Beijing time in another zone', async () => {
    await Promise.all([cq.goto(week), sc.goto(week)]);
    await Promise.all([waitForHydration(cq), waitForHydration(sc)]);
    // Survives only if sc's page is never reloaded.
    await sc.evaluate(() => { (window as unknown as { marker: number }).marker = 42; });
    const wednesday = addDays(nextMonday, 2);
    const title = `川渝联名提案会商 ${Date.now()}`;

    await cq.getByRole('button', { name: `在 ${wednesday} 新建日程` }).click();
    const drawer = cq.getByRole('dialog');
    await drawer.getByRole('combobox', { name: '协作空间', exact: true }).click();
    await cq.keyboard.type('川渝两省市');
    await cq.keyboard.press('Enter');
    await drawer.getByLabel('标题').fill(title);
    await drawer.getByRole('radio', { name: /川渝联合/ }).check();
    // The whole Sichuan committee of the workspace at once (刘洋 among them).
    await drawer.getByRole('combobox', { name: '按单位邀请' }).click();
    await cq.keyboard.type('四川省政协');
    await cq.keyboard.press('Enter');
    await expect.poll(() => drawer.locator('.ant-select-selection-item', { hasText: '刘洋' }).count()).toBe(1);
    // Typing elsewhere closes the list (Escape would close the drawer).
    await drawer.getByLabel('地点').fill('重庆市政协机关会议中心');
    // An option list still open would take the click meant for the button.
    await expect.poll(() => cq.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)').count()).toBe(0);
    await drawer.getByRole('button', { name: /创建日程/ }).click();
    await expect.poll(async () => (await cq.getByRole('dialog').count()) === 0 ? 'closed'
      : `open: ${(await drawer.locator('.ant-form-item-explain-error').allInnerTexts()).join('; ')}`, { timeout: 20_000 }).toBe('closed');

    // The form's default time, 09:00–10:00 Beijing, in both windows.
    const chip = (page: Page) => page.locator(`[data-day="${wednesday}"] [data-testid="calendar-event"]`, { hasText: title });
    await expect.poll(() => chip(cq).innerText().catch(() => ''), { timeout: 10_000 }).toContain('09:00');
    await expect.poll(() => chip(sc).innerText().catch(() => ''), { timeout: 10_000 }).toContain('09:00');
    expect(await sc.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
    // The address is the week's own again, not the form's (`?index`).
    await expect.poll(() => new URL(cq.url()).search).toBe(new URL(week, server.url).search);

    // The Sichuan member opens it: same text as in Beijing, and answers.
    await chip(sc).click();
    await sc.waitForURL(/\/events\//);
    await waitForHydration(sc);
    const when = await sc.getByTestId('event-when').innerText();
    expect(when).toMatch(/09:00 – 10:00$/);
    await sc.locator('label.ant-radio-button-wrapper', { hasText: '参加' }).click(); // antd hides the input under its button
    await sc.getByRole('button', { name: /提交回复/ }).click();
    await expect.poll(() => sc.getByTestId('my-answer-tag').innerText(), { timeout: 10_000 }).toBe('参加');

    // The organiser's page of the event shows the answer (live, from the other region).
    await cq.goto(sc.url().replace(server.url, ''));
    await waitForHydration(cq);
    expect(await cq.getByTestId('event-when').innerText()).toBe(when);
    await expect.poll(() => cq.getByTestId('answer-summary').innerText(), { timeout: 10_000 }).toContain('参加 1');
    expect(await cq.getByTestId('committee-summary').innerText()).toMatch(/四川省政协：参加 1 · 请假 0 · 待定 0 · 待回复 3/);
    expect(await seriousA11yViolations(cq, 'event page, organiser')).toEqual([]);
    expect(await seriousA11yViolations(sc, 'event page, invitee')).toEqual([]);
  });

  it('each region sees its own private meetings and never the other\'s, in every view', async () => {
    const thursday = addDays(mondayOf(beijingDay(Date.now())), 3);
    for (const view of ['week', 'month', 'agenda']) {
      const url = `/calendar?view=${view}&date=${view === 'agenda' ? mondayOf(beijingDay(Date.now())) : thursday}`;
      await Promise.all([cq.goto(url), sc.goto(url)]);
      await Promise.all([waitForHydration(cq), waitForHydration(sc)]);
      const [cqText, scText] = await Promise.all([cq.locator('main').innerText(), sc.locator('main').innerText()]);
      expect(cqText).toContain(DEMO_EVENTS.cqPrivate.slice(0, 4));
      expect(scText).not.toContain(DEMO_EVENTS.cqPrivate.slice(0, 6));
      expect(cqText).not.toContain(DEMO_EVENTS.scPrivate.slice(0, 6));
      expect(await seriousA11yViolations(sc, `calendar ${view}`)).toEqual([]);
    }
  });

  it('an inspection\'s itinerary stops are on the calendar of its roster and open the inspection\'s itinerary', async () => {
    const day = addDays(mondayOf(beijingDay(Date.now())), 15);
    await cq.goto(`/calendar?view=week&date=${day}`);
    await waitForHydration(cq);
    const stop = cq.locator(`[data-day="${day}"] [data-testid="calendar-event"]`, { hasText: '武隆港' });
    expect(await stop.innerText()).toMatch(new RegExp(`09:00\\s+视察行程：${DEMO_INSPECTIONS.wujiang}`));
    await stop.click();
    await cq.waitForURL(/\/inspections\/[0-9a-f-]+\?tab=plan$/);
    await waitForHydration(cq);
    await expect.poll(() => cq.locator('main').innerText()).toContain('武隆港');
    // Not on the calendar of a Sichuan member who is not in that inspection.
    await sc.goto(`/calendar?view=week&date=${day}`);
    await waitForHydration(sc);
    expect(await sc.locator('main').innerText()).not.toContain('视察行程');
  });

  it('the 川渝八市政协 consultation names both organising committees, and 重庆市政协\'s coordinator may edit it', async () => {
    const day = addDays(mondayOf(beijingDay(Date.now())), 2);
    await cq.goto(`/calendar?view=week&date=${day}`);
    await waitForHydration(cq);
    await cq.locator(`[data-day="${day}"] [data-testid="calendar-event"]`, { hasText: DEMO_EVENTS.bashu.slice(0, 8) }).click();
    await cq.waitForURL(/\/events\//);
    await waitForHydration(cq);
    expect(await cq.getByTestId('event-organisers').innerText()).toMatch(/四川省政协.*、重庆市政协/s);
    // The edit form is there for the co-organiser, both committees chosen in it.
    const form = await cq.locator('section[aria-labelledby="edit-event"]').innerText();
    expect(form).toContain('主办单位');
    expect(form).toMatch(/四川省政协[\s\S]*重庆市政协/);
    expect(await seriousA11yViolations(cq, 'event page, co-organiser')).toEqual([]);
  });

  it('the keyboard alone opens a day\'s form and the subscription link', async () => {
    await cq.goto(week);
    await waitForHydration(cq);
    await cq.getByRole('button', { name: `在 ${nextMonday} 新建日程` }).focus();
    await cq.keyboard.press('Enter');
    await expect.poll(() => cq.getByRole('dialog').count()).toBe(1);
    // A start day typed and confirmed with Enter: the end day follows it, and the form is not sent.
    const drawer = cq.getByRole('dialog');
    const thursday = addDays(nextMonday, 3);
    await drawer.getByLabel('开始日期').focus();
    await cq.keyboard.press('Control+a');
    await cq.keyboard.type(thursday);
    await cq.keyboard.press('Enter');
    await expect.poll(() => drawer.getByLabel('结束日期').inputValue()).toBe(thursday);
    expect(await drawer.getByLabel('开始日期').inputValue()).toBe(thursday);
    // A day emptied with the keyboard stays empty (the picker used to keep the last day, unseen, and send it).
    await drawer.getByLabel('开始日期').focus();
    await cq.keyboard.press('Control+a');
    await cq.keyboard.press('Backspace');
    await cq.keyboard.press('Tab');
    await expect.poll(() => drawer.getByLabel('开始日期').inputValue()).toBe('');
    await drawer.getByRole('button', { name: '创建日程' }).click();
    const inError = () => drawer.locator('.ant-form-item-has-error label').allInnerTexts();
    await expect.poll(inError).toEqual(['标题', '开始日期']);
    expect(await cq.getByRole('dialog').count()).toBe(1);
    await drawer.getByLabel('开始日期').focus();
    await cq.keyboard.type(thursday);
    await cq.keyboard.press('Enter');
    await expect.poll(() => drawer.getByLabel('开始日期').inputValue()).toBe(thursday);
    await expect.poll(inError).toEqual(['标题']);
    // The afternoon instead of 09:00–10:00: the end keeps the hour's length.
    await drawer.getByLabel('开始时间').focus();
    await cq.keyboard.press('Control+a');
    await cq.keyboard.type('14:30');
    await cq.keyboard.press('Enter');
    await expect.poll(() => drawer.getByLabel('结束时间').inputValue()).toBe('15:30');
    expect(await inError()).toEqual(['标题']);
    // Esc closes the day's calendar if open, then the form.
    for (let i = 0; i < 3 && await cq.getByRole('dialog').count() > 0; i++) {
      await cq.keyboard.press('Escape');
      await cq.waitForTimeout(300);
    }
    await expect.poll(() => cq.getByRole('dialog').count()).toBe(0);
    const focused = () => cq.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.getAttribute('data-testid'));
    await expect.poll(focused).toBe(`在 ${nextMonday} 新建日程`);
    // 新建日程 closed with Esc while it is still opening: the focus is back on the button, not on <body>.
    await cq.getByTestId('new-event').focus();
    await cq.keyboard.press('Enter');
    await cq.getByRole('dialog').waitFor();
    await cq.keyboard.press('Escape');
    await expect.poll(() => cq.getByRole('dialog').count()).toBe(0);
    await expect.poll(focused).toBe('new-event');
    await cq.getByRole('button', { name: /订阅日历/ }).focus();
    await cq.keyboard.press('Enter');
    await cq.getByTestId('feed-create').focus();
    await cq.keyboard.press('Enter');
    await expect.poll(() => cq.getByTestId('feed-url').innerText().catch(() => ''), { timeout: 10_000 }).toMatch(/\/calendar\/[A-Za-z0-9_-]{43}\.ics$/);
    const url = await cq.getByTestId('feed-url').innerText();
    const feed = await fetch(url);
    expect(feed.status).toBe(200);
    expect(await feed.text()).toContain(DEMO_EVENTS.cqWeekly);
  });
  it('on a 390 px phone: an existing event opened from the week, answered 请假 with a reason, kept across a reload', async () => {
    const phone = await newUserContext(browser, server.url, { phone: true });
    users.push(phone);
    const page = phone.page;
    await loginThroughForm(page, 'cq-member');
    await page.goto(week);
    await waitForHydration(page);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.locator('[data-testid="calendar-event"]', { hasText: DEMO_EVENTS.corridor }).click();
    await page.waitForURL(/\/events\//);
    await waitForHydration(page);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.locator('label.ant-radio-button-wrapper', { hasText: '请假' }).click();
    await page.getByLabel('请假事由').fill('当天在北京参加全国政协调研');
    await page.getByRole('button', { name: /提交回复/ }).click();
    await expect.poll(() => page.getByTestId('my-answer-tag').innerText(), { timeout: 10_000 }).toBe('请假');
    await page.reload();
    await waitForHydration(page);
    expect(await page.getByTestId('my-answer-tag').innerText()).toBe('请假');
    expect(await page.getByLabel('请假事由').inputValue()).toBe('当天在北京参加全国政协调研');
    expect(await seriousA11yViolations(page, 'event page on a phone')).toEqual([]);
  });

  it('on a 390 px phone, a Sichuan member subscribes; their calendar app sees a Chongqing change at its next poll, and nothing private', async () => {
    const phone = await newUserContext(browser, server.url, { phone: true });
    users.push(phone);
    const page = phone.page;
    await loginThroughForm(page, 'sc-member');
    await page.goto('/calendar');
    await waitForHydration(page);
    await page.getByRole('button', { name: /订阅日历/ }).click();
    await page.getByTestId('feed-create').click();
    await expect.poll(() => page.getByTestId('feed-url').innerText().catch(() => ''), { timeout: 10_000 }).toMatch(/\/calendar\/[A-Za-z0-9_-]{43}\.ics$/);
    const url = await page.getByTestId('feed-url').innerText();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    // The same link after a reload: it is the user's, not the page's.
    await page.reload();
    await waitForHydration(page);
    await page.getByRole('button', { name: /订阅日历/ }).click();
    expect(await page.getByTestId('feed-url').innerText()).toBe(url);
    expect(await seriousA11yViolations(page, 'calendar on a phone, subscription open')).toEqual([]);

    // A calendar app: no session, polls with the ETag it kept.
    const app = phone.page.context().request;
    const first = await app.get(url, { headers: { Cookie: '' } });
    expect(first.status()).toBe(200);
    const text = await first.text();
    expect(text).toContain(DEMO_EVENTS.corridor);
    expect(text).toContain(DEMO_EVENTS.scPrivate);
    expect(text).not.toContain(DEMO_EVENTS.cqPrivate);
    const etag = first.headers().etag;
    expect((await app.get(url, { headers: { 'If-None-Match': etag } })).status()).toBe(304);

    // The Chongqing coordinator moves the joint consultation to another hall (last in this file: it
    // leaves the event with no invitees).
    const db = server.database.db;
    const coordinator = await actorOf(db, 'cq-coordinator');
    const id = (await asOwner(db, (trx) => trx.selectFrom('events').select('id').where('title', '=', DEMO_EVENTS.corridor).executeTakeFirstOrThrow())).id;
    const { event } = await getEvent(db, coordinator, id);
    await updateEvent(db, coordinator, id, eventEditSchema.parse({
      kind: event.kind, title: event.title, place: '重庆国际博览中心', startDay: beijingDay(event.startsAt), startTime: '14:30',
      endTime: '17:00', repeat: 'none', invitees: [],
    }));
    const next = await app.get(url, { headers: { 'If-None-Match': etag } });
    expect(next.status()).toBe(200);
    expect(await next.text()).toContain('重庆国际博览中心');
  });
});
