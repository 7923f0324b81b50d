import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { startTestServer, type TestServer } from '../support/server';
import { asOwner } from '../support/owner';
import {
  chromiumPath, expectNoBrowserErrors, launchBrowser, loginThroughForm, newUserContext, seriousA11yViolations,
  waitForHydration, setNetwork, warnIfNoChromium, type UserContext,
} from './support';
import { DEMO_INSPECTIONS, DEMO_UNIT_USER } from '../../db/seed/inspections';
import { findInspection } from '../../db/queries/inspections';
import { toInspectionRef } from '../../server/services/inspections';

warnIfNoChromium();

/**
 * Joint inspections as their users meet them: a Chongqing coordinator moves a card with the keyboard
 * alone and a Guizhou member's open board shows it without a reload; a member records a finding with
 * a photo on a 390 px phone, and another with the network cut that arrives once when it returns; the
 * responsible unit sees only its own items; and the 乌江 inspection walked end to end by a Chongqing
 * coordinator, the Guizhou member and the responsible unit (roster and itinerary, a card moved live, a
 * finding with a photo made into an item, reported, verified, the report started, both exports).
 * axe on the board, findings and the unit's pages.
 */
describe.skipIf(!chromiumPath)('browser: joint inspections', () => {
  let server: TestServer;
  let browser: Browser;
  let wujiang: string;
  const users: UserContext[] = [];
  let photoPath: string;
  /** A phone camera's photo: 4032 × 3024, 5.5 MB. */
  let cameraPath: string;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
    wujiang = (await asOwner(server.database.db, (trx) => trx.selectFrom('inspections').select('id')
      .where('title', '=', DEMO_INSPECTIONS.wujiang).executeTakeFirstOrThrow())).id;
    // A camera photo with GPS in its EXIF, as a phone would send it.
    photoPath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'insp-')), '现场.jpg');
    await sharp({ create: { width: 640, height: 480, channels: 3, background: '#3a7' } }).jpeg()
      .withExif({ IFD0: { Make: 'PhoneCam', Model: 'X1' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '29/1 19/1 32/1' } }).toFile(photoPath);
    const [w, h] = [4032, 3024];
    const pixels = crypto.randomBytes(w * h * 3);
    for (let i = 0; i < pixels.length; i++) pixels[i] = (pixels[i] >> 2) + (Math.floor(i / 3 / w) % 192);
    cameraPath = path.join(path.dirname(photoPath), 'IMG_0001.jpg');
    await sharp(pixels, { raw: { width: w, height: h, channels: 3 } }).jpeg({ quality: 90 }).toFile(cameraPath);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  afterEach(expectNoBrowserErrors);

  const column = (page: Page, status: string) => page.locator(`[data-testid="column-${status}"]`);

  it('a coordinator moves a card with the keyboard; the other region\'s open board shows it without a reload', async () => {
    const cqUser = await newUserContext(browser, server.url);
    const gzUser = await newUserContext(browser, server.url);
    users.push(cqUser, gzUser);
    const [cq, gz] = [cqUser.page, gzUser.page];
    await loginThroughForm(cq, 'cq-coordinator');
    await loginThroughForm(gz, 'gz-member');
    await Promise.all([cq.goto(`/inspections/${wujiang}`), gz.goto(`/inspections/${wujiang}`)]);
    await Promise.all([waitForHydration(cq), waitForHydration(gz)]);
    expect(await cq.getByRole('heading', { level: 1 }).innerText()).toBe(DEMO_INSPECTIONS.wujiang);
    await gz.evaluate(() => { (window as unknown as { marker: number }).marker = 42; });
    const card = '报告起草：联合视察报告初稿';
    expect(await column(gz, 'todo').getByText(card).count()).toBe(1);

    // Keyboard only: focus the card's handle, pick it up, one column right, drop.
    const handle = cq.getByRole('button', { name: `移动任务“${card}”` });
    // Each key once the screen reader has said what it did (dnd-kit's live region).
    const said = () => cq.evaluate(() => Array.from(document.querySelectorAll('[id^="DndLiveRegion"]')).map((e) => e.textContent).join(''));
    await handle.focus();
    await cq.keyboard.press('Space');
    await expect.poll(said).toContain(`任务“${card}”移到了“待办”列上方`);
    await cq.keyboard.press('ArrowRight');
    await expect.poll(said).toContain(`任务“${card}”移到了“进行中”列上方`);
    await cq.keyboard.press('Space');
    await expect.poll(said).toContain(`任务“${card}”已放到“进行中”列`);
    await expect.poll(() => column(cq, 'doing').getByText(card).count(), { timeout: 10_000 }).toBe(1);
    // Guizhou's board follows, live.
    await expect.poll(() => column(gz, 'doing').getByText(card).count(), { timeout: 10_000 }).toBe(1);
    expect(await column(gz, 'todo').getByText(card).count()).toBe(0);
    expect(await gz.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
    // Stored, at the next version.
    const row = await asOwner(server.database.db, (trx) => trx.selectFrom('inspection_tasks').select(['status', 'version']).where('title', '=', card).executeTakeFirstOrThrow());
    expect(row).toEqual({ status: 'doing', version: 2 });
    expect(await seriousA11yViolations(cq, 'inspection board')).toEqual([]);

    // With its 移到 list, by the keyboard: the focus goes with the card to its new column.
    const focusedName = () => cq.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.closest('label')?.textContent);
    await cq.getByRole('combobox', { name: `移到：${card}` }).focus();
    await cq.keyboard.press('ArrowDown');
    const active = cq.locator('.ant-select-dropdown:visible .ant-select-item-option-active');
    for (let i = 0; i < 4 && !(await active.innerText().catch(() => '')).includes('已完成'); i++) await cq.keyboard.press('ArrowDown');
    await cq.keyboard.press('Enter');
    await expect.poll(() => column(cq, 'done').getByText(card).count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(focusedName, { timeout: 5000 }).toBe(`移到：${card}`);
    // A checklist item ticked with Space shows ticked at once and keeps the focus throughout (never on <body>).
    const tick = cq.getByRole('checkbox', { name: '落实车辆和船只' });
    const ticked = await tick.isChecked();
    await tick.focus();
    await cq.evaluate(() => {
      const w = window as unknown as { focusDropped: number };
      w.focusDropped = 0;
      document.addEventListener('focusout', (e) => { if (!e.relatedTarget) w.focusDropped += 1; });
    });
    await Promise.all([cq.waitForResponse((r) => r.request().method() === 'POST'), cq.keyboard.press('Space')]);
    await expect.poll(() => tick.isChecked()).toBe(!ticked);
    await cq.waitForLoadState('networkidle');
    expect(await tick.isChecked()).toBe(!ticked);
    expect(await focusedName()).toBe('落实车辆和船只');
    expect(await cq.evaluate(() => (window as unknown as { focusDropped: number }).focusDropped)).toBe(0);
  });

  it('on a 390 px phone a member records a finding with a photo; the photo is served stripped of its EXIF', async () => {
    const user = await newUserContext(browser, server.url, { phone: true });
    users.push(user);
    const phone = user.page;
    await loginThroughForm(phone, 'cq-member');
    await phone.goto(`/inspections/${wujiang}?tab=findings`);
    await waitForHydration(phone);
    const entry = phone.getByTestId('finding-entry');
    await entry.getByLabel('问题描述').fill('白马航电枢纽下游航道淤积');
    await entry.getByLabel('地点', { exact: true }).fill('白马');
    await entry.getByText('较大').click();
    await phone.getByTestId('finding-photos').setInputFiles(photoPath);
    await phone.getByTestId('finding-submit').click();
    const item = phone.getByTestId('finding').filter({ hasText: '白马航电枢纽下游航道淤积' });
    await expect.poll(() => item.count(), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => item.locator('img').count(), { timeout: 15_000 }).toBe(1);
    const img = item.locator('img');
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(391);
    // The full photo as the browser gets it: a JPEG with no EXIF left.
    const src = (await img.getAttribute('src'))!.replace('?thumb=1', '');
    const bytes = await phone.evaluate(async (url) => Array.from(new Uint8Array(await (await fetch(url)).arrayBuffer())), src);
    const meta = await sharp(Buffer.from(bytes)).metadata();
    expect(meta.format).toBe('jpeg');
    expect(meta.exif).toBeUndefined();
    expect(await seriousA11yViolations(phone, 'findings on a phone')).toEqual([]);
  });

  it('a finding entered with the network cut, with a camera photo, is kept and arrives once when it returns', async () => {
    const user = await newUserContext(browser, server.url, { phone: true });
    users.push(user);
    user.allowErrors(/Failed to fetch|ERR_INTERNET_DISCONNECTED|net::ERR/);
    const phone = user.page;
    await loginThroughForm(phone, 'cq-member');
    await phone.goto(`/inspections/${wujiang}?tab=findings`);
    await waitForHydration(phone);
    await setNetwork(user, false);
    const entry = phone.getByTestId('finding-entry');
    await entry.getByLabel('问题描述').fill('离线记录：乌江大桥下游航标缺失');
    // Kept in this browser's storage, which holds a few MB: the photo is shrunk first.
    expect(fs.statSync(cameraPath).size).toBeGreaterThan(5 * 1024 * 1024);
    await phone.getByTestId('finding-photos').setInputFiles(cameraPath);
    await phone.getByTestId('finding-submit').click();
    await expect.poll(() => phone.getByTestId('finding-outbox').count(), { timeout: 10_000 }).toBe(1);
    await setNetwork(user, true);
    const item = phone.getByTestId('finding').filter({ hasText: '离线记录：乌江大桥下游航标缺失' });
    await expect.poll(() => item.count(), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => item.locator('img').count(), { timeout: 15_000 }).toBe(1);
    const src = (await item.locator('img').getAttribute('src'))!.replace('?thumb=1', '');
    const bytes = await phone.evaluate(async (url) => Array.from(new Uint8Array(await (await fetch(url)).arrayBuffer())), src);
    const meta = await sharp(Buffer.from(bytes)).metadata();
    expect([meta.width, meta.height]).toEqual([2560, 1920]);
    expect(await phone.getByTestId('finding-outbox').count()).toBe(0);
    const n = await asOwner(server.database.db, (trx) => trx.selectFrom('inspection_findings').select((eb) => eb.fn.countAll<number>().as('n'))
      .where('description', '=', '离线记录：乌江大桥下游航标缺失').executeTakeFirstOrThrow());
    expect(Number(n.n)).toBe(1);
  });

  it('a photo refused by the browser sends nothing; one the server refuses after the finding is recorded is retried onto that finding, not a second one', async () => {
    const user = await newUserContext(browser, server.url);
    users.push(user);
    user.allowErrors(/Failed to load resource: the server responded with a status of 400/);
    const page = user.page;
    await loginThroughForm(page, 'cq-member');
    await page.goto(`/inspections/${wujiang}?tab=findings`);
    await waitForHydration(page);
    const dir = path.dirname(photoPath);
    const count = async (description: string) => Number((await asOwner(server.database.db, (trx) => trx.selectFrom('inspection_findings')
      .select((eb) => eb.fn.countAll<number>().as('n')).where('description', '=', description).executeTakeFirstOrThrow())).n);
    const entry = page.getByTestId('finding-entry');
    const photos = page.getByTestId('finding-photos');
    const said = (text: string | RegExp) => entry.locator('.ant-form-item-explain').getByText(text);

    // Not an image, named as one: refused in the browser by the server's rule, before anything is sent.
    const fake = path.join(dir, 'fake.jpg');
    fs.writeFileSync(fake, 'hello\n');
    const first = '照片校验：码头护栏缺失';
    await entry.getByLabel('问题描述').fill(first);
    await photos.setInputFiles(fake);
    await page.getByTestId('finding-submit').click();
    const notImage = '只能上传 JPEG、PNG 或 WebP 格式的照片，该文件不是图片';
    await expect.poll(() => said(notImage).count(), { timeout: 10_000 }).toBe(1);
    expect(await count(first)).toBe(0);
    // The photo field has the focus and is described by the message.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('finding-photos');
    const describedBy = (await photos.getAttribute('aria-describedby'))!;
    expect(await page.locator(`#${describedBy}`).innerText()).toBe(notImage);
    // A real photo: one finding, with it.
    await photos.setInputFiles(photoPath);
    await page.getByTestId('finding-submit').click();
    const firstItem = page.getByTestId('finding').filter({ hasText: first });
    await expect.poll(() => firstItem.locator('img').count(), { timeout: 15_000 }).toBe(1);
    expect(await count(first)).toBe(1);

    // A JPEG's signature on broken bytes passes the browser's check; the server records the finding, then
    // cannot decode the photo. Pressing again with a good photo adds it to that finding.
    const broken = path.join(dir, 'broken.jpg');
    fs.writeFileSync(broken, Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(64, 7)]));
    const second = '照片校验：趸船系缆桩松动';
    await entry.getByLabel('问题描述').fill(second);
    await photos.setInputFiles(broken);
    await page.getByTestId('finding-submit').click();
    await expect.poll(() => said(/^问题已记录，但照片未上传：无法读取该图片/).count(), { timeout: 15_000 }).toBe(1);
    expect(await count(second)).toBe(1);
    await photos.setInputFiles(photoPath);
    await page.getByTestId('finding-submit').click();
    const secondItem = page.getByTestId('finding').filter({ hasText: second });
    await expect.poll(() => secondItem.locator('img').count(), { timeout: 15_000 }).toBe(1);
    expect(await secondItem.count()).toBe(1);
    expect(await count(second)).toBe(1);
  });

  it('a change announced as the network drops leaves the page standing; it catches up once back online', async () => {
    const user = await newUserContext(browser, server.url, { phone: true });
    users.push(user);
    user.allowErrors(/Failed to fetch|ERR_INTERNET_DISCONNECTED|net::ERR/);
    const phone = user.page;
    // The inspection page's socket.io frames: "43…" the server's answer to its watching the inspection, then
    // the event by name.
    let connected: () => void = () => undefined;
    let heard: () => void = () => undefined;
    const live = new Promise<void>((resolve) => { connected = resolve; });
    const announced = new Promise<void>((resolve) => { heard = resolve; });
    phone.on('websocket', (ws) => {
      if (!phone.url().includes('/inspections/')) return; // the home page's socket, before
      ws.on('framereceived', ({ payload }) => {
        const frame = String(payload);
        if (frame.startsWith('43')) connected();
        if (frame.includes('record:changed')) heard();
      });
    });
    await loginThroughForm(phone, 'cq-member');
    await phone.goto(`/inspections/${wujiang}?tab=findings`);
    await waitForHydration(phone);
    const loads: string[] = [];
    phone.on('request', (r) => { if (new URL(r.url()).pathname === `/inspections/${wujiang}.data`) loads.push(r.url()); });
    // The page hears of a change and revalidates 200 ms later: by then the network is gone. A revalidation
    // that failed there took the whole document to the root's error boundary (and antd's styles with it).
    const ref = toInspectionRef((await asOwner(server.database.db, (trx) => findInspection(trx, wujiang)))!);
    await live;
    await server.realtime.hub.recordChanged('inspection', wujiang, ref, 'updated');
    await announced;
    await setNetwork(user, false);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await phone.getByRole('heading', { level: 1 }).innerText()).toBe(DEMO_INSPECTIONS.wujiang);
    expect(loads).toEqual([]);
    await setNetwork(user, true);
    await expect.poll(() => loads.length, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await phone.getByRole('heading', { level: 1 }).innerText()).toBe(DEMO_INSPECTIONS.wujiang);
  });

  it('the responsible unit sees only its own items, and none of the board or findings', async () => {
    const user = await newUserContext(browser, server.url);
    users.push(user);
    const page = user.page;
    await loginThroughForm(page, DEMO_UNIT_USER);
    await page.goto('/inspections/mine');
    await waitForHydration(page);
    const units = await page.getByTestId('my-items').locator('tbody tr.ant-table-row').count();
    expect(units).toBeGreaterThan(0);
    await page.goto(`/inspections/${wujiang}`);
    await waitForHydration(page);
    expect(await page.getByTestId('inspection-sections').getByRole('link').allInnerTexts()).toEqual([expect.stringMatching(/^整改清单/)]);
    const units2 = await page.getByTestId('item-table').locator('tbody tr.ant-table-row').allInnerTexts();
    expect(units2.length).toBe(2);
    for (const r of units2) expect(r).toContain('市交通运输委');
    expect(await page.getByTestId('board').count()).toBe(0);
    expect(await seriousA11yViolations(page, 'unit items')).toEqual([]);
  });

  it('the 乌江 inspection end to end: coordinator, Guizhou member and the responsible unit', async () => {
    const cqUser = await newUserContext(browser, server.url);
    const gzUser = await newUserContext(browser, server.url);
    const unitUser = await newUserContext(browser, server.url);
    users.push(cqUser, gzUser, unitUser);
    const [cq, gz, unit] = [cqUser.page, gzUser.page, unitUser.page];
    await loginThroughForm(cq, 'cq-coordinator');
    await loginThroughForm(gz, 'gz-member');
    await loginThroughForm(unit, DEMO_UNIT_USER);
    // In Beijing time, as the people using it.
    expect(await cq.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone)).toBe('Asia/Shanghai');

    // Roster and itinerary, as the Guizhou member sees them.
    await gz.goto(`/inspections/${wujiang}?tab=plan`);
    await waitForHydration(gz);
    const roster = await gz.getByTestId('roster').innerText();
    for (const region of ['重庆', '贵州']) expect(roster).toContain(region);
    expect(await gz.getByTestId('roster').locator('.ant-list-item').count()).toBeGreaterThanOrEqual(3);
    const itinerary = await gz.getByTestId('itinerary').innerText();
    for (const place of ['武隆港', '沿河县乌江航道管理站', '思南港']) expect(itinerary).toContain(place);

    // A card moved by the coordinator with 移到 appears on the Guizhou board without a reload.
    const card = '贵州段行程对接';
    await Promise.all([cq.goto(`/inspections/${wujiang}?tab=board`), gz.goto(`/inspections/${wujiang}?tab=board`)]);
    await Promise.all([waitForHydration(cq), waitForHydration(gz)]);
    await gz.evaluate(() => { (window as unknown as { marker: number }).marker = 7; });
    expect(await column(gz, 'todo').getByText(card).count()).toBe(1);
    await cq.getByLabel(`移到：${card}`).click();
    await cq.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '移到 已完成' }).click();
    await expect.poll(() => column(gz, 'done').getByText(card).count(), { timeout: 10_000 }).toBe(1);
    expect(await gz.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(7);

    // A finding with a photo, in the field.
    const description = '乌江白马段夜航标志灯不亮';
    await cq.goto(`/inspections/${wujiang}?tab=findings`);
    await waitForHydration(cq);
    const entry = cq.getByTestId('finding-entry');
    await entry.getByLabel('问题描述').fill(description);
    await entry.getByLabel('地点', { exact: true }).fill('白马');
    await entry.getByText('较大').click();
    await cq.getByTestId('finding-photos').setInputFiles(photoPath);
    await cq.getByTestId('finding-submit').click();
    const finding = cq.getByTestId('finding').filter({ hasText: description });
    await expect.poll(() => finding.locator('img').count(), { timeout: 15_000 }).toBe(1);

    // A rectification item made from it, for 市交通运输委.
    const measure = '更换白马段夜航标志灯并建立巡检制度';
    await cq.goto(`/inspections/${wujiang}?tab=items`);
    await waitForHydration(cq);
    await cq.getByLabel('对应问题').click();
    await cq.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: description }).click();
    await cq.keyboard.press('Escape');
    await cq.getByLabel('责任单位').click();
    await cq.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '市交通运输委' }).click();
    await cq.getByLabel('整改措施').fill(measure);
    // Typed in the last field: Enter takes the day (its calendar open), the next Enter sends the form.
    await cq.getByLabel('整改期限').focus();
    await cq.keyboard.type('2099-12-31');
    let sent = 0;
    cq.on('request', (r) => { if (r.method() === 'POST') sent++; });
    await cq.keyboard.press('Enter');
    await expect.poll(() => cq.locator('.ant-picker-dropdown:visible').count()).toBe(0);
    expect(await cq.getByLabel('整改期限').inputValue()).toBe('2099-12-31');
    expect(sent).toBe(0);
    await cq.keyboard.press('Enter');
    const cqRow = cq.getByTestId('item-table').locator('tbody tr.ant-table-row', { hasText: measure });
    await expect.poll(() => cqRow.count(), { timeout: 15_000 }).toBe(1);
    expect(await cqRow.innerText()).toContain('2099-12-31');

    // The unit reports it: 整改中, then 已整改 with its evidence.
    await unit.goto(`/inspections/${wujiang}`);
    await waitForHydration(unit);
    const unitRow = unit.getByTestId('item-table').locator('tbody tr.ant-table-row', { hasText: measure });
    await expect.poll(() => unitRow.count(), { timeout: 10_000 }).toBe(1);
    await unitRow.getByRole('button', { name: '整改中' }).click();
    await expect.poll(() => unitRow.getByTestId('item-status').innerText(), { timeout: 10_000 }).toBe('整改中');
    await unitRow.getByLabel('整改进展').fill('已更换标志灯 12 盏，巡检制度印发。');
    await unitRow.getByRole('button', { name: '已整改' }).click();
    await expect.poll(() => unitRow.getByTestId('item-status').innerText(), { timeout: 10_000 }).toBe('已整改');

    // The coordinator's open page follows; they verify it.
    await expect.poll(() => cqRow.getByTestId('item-status').innerText(), { timeout: 10_000 }).toBe('已整改');
    await cqRow.getByRole('button', { name: '核验通过' }).click();
    await expect.poll(() => cqRow.getByTestId('item-status').innerText(), { timeout: 10_000 }).toBe('已核验');
    const stored = await asOwner(server.database.db, (trx) => trx.selectFrom('rectification_items').select(['status', 'progress'])
      .where('measure', '=', measure).executeTakeFirstOrThrow());
    expect(stored).toEqual({ status: 'verified', progress: '已更换标志灯 12 盏，巡检制度印发。' });

    // Both exports download for the coordinator: the rectification list and the summary.
    const fetched = (url: string) => cq.evaluate(async (u) => {
      const res = await fetch(u);
      return { status: res.status, type: res.headers.get('content-type'), bytes: (await res.arrayBuffer()).byteLength };
    }, url);
    const xlsx = await fetched(`/inspections/${wujiang}/items.xlsx`);
    expect(xlsx).toMatchObject({ status: 200, type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
    expect(xlsx.bytes).toBeGreaterThan(1000);
    const docx = await fetched(`/inspections/${wujiang}/summary.docx`);
    expect(docx).toMatchObject({ status: 200, type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' });
    expect(docx.bytes).toBeGreaterThan(1000);
    // And as the person does it: the page's links start downloads.
    const [sheet] = await Promise.all([cq.waitForEvent('download'), cq.getByTestId('items-export').click()]);
    expect(sheet.suggestedFilename()).toBe(`${DEMO_INSPECTIONS.wujiang}-整改清单.xlsx`);
    expect(await sheet.failure()).toBeNull();
    const [summary] = await Promise.all([cq.waitForEvent('download'), cq.getByTestId('summary-export').click()]);
    expect(summary.suggestedFilename()).toBe(`${DEMO_INSPECTIONS.wujiang}-视察情况汇总.docx`);
    expect(await summary.failure()).toBeNull();

    // The report draft, started from the page.
    await cq.getByTestId('start-report').click();
    await cq.waitForURL(/\/drafts\/[0-9a-f-]{36}/, { timeout: 20_000 });
    // The URL changes as the navigation starts; the draft's page follows.
    await expect.poll(() => cq.getByRole('heading', { level: 1 }).first().innerText(), { timeout: 20_000 }).toContain(`${DEMO_INSPECTIONS.wujiang}报告（初稿）`);
  }, 120_000); // three people's whole walk: about 45 s on a quiet machine
});
