import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/server';
import { asOwner } from '../support/db';
import {
  chromiumPath, expectNoBrowserErrors, launchBrowser, loginThroughForm, newUserContext, seriousA11yViolations,
  waitForHydration, warnIfNoChromium, type UserContext,
} from './support';
import { DEMO_DRAFT_TITLES } from '../../db/seed/drafts';

warnIfNoChromium();

/**
 * The hydrogen-corridor proposal as its people take it, in Beijing-time browsers: the Chongqing lead
 * sponsor invites the Sichuan member, who accepts on a page that updates live; the text is frozen and
 * both sign the same code; submitted; the Chongqing committee's staff reviews, files and assigns it
 * to 国家发展改革委; the unit (on a phone) accepts and replies; the sponsor evaluates; the staff closes
 * it. Each step appears on the other people's open pages without a reload, is audited and notified.
 */
describe.skipIf(!chromiumPath)('browser: a joint proposal from draft to closed', () => {
  let server: TestServer;
  let browser: Browser;
  let lead: Page;
  let co: Page;
  let staff: Page;
  let unit: Page;
  const users: UserContext[] = [];
  let draftId: string;
  let proposalPath: string;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
    for (let i = 0; i < 3; i++) users.push(await newUserContext(browser, server.url));
    users.push(await newUserContext(browser, server.url, { phone: true }));
    [lead, co, staff, unit] = users.map((u) => u.page);
    await loginThroughForm(lead, 'cq-member');
    await loginThroughForm(co, 'sc-member');
    await loginThroughForm(staff, 'cq-staff');
    await loginThroughForm(unit, 'unit-ndrc');
    draftId = (await asOwner(server.database.db, (trx) => trx.selectFrom('drafts').select('id').where('title', '=', DEMO_DRAFT_TITLES.hydrogen).executeTakeFirstOrThrow())).id;
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  afterEach(expectNoBrowserErrors);

  const open = async (page: Page, path: string) => {
    await page.goto(path);
    await waitForHydration(page);
  };
  const marked = (page: Page) => page.evaluate(() => { (window as unknown as { marker: number }).marker = 7; });
  const stillMarked = async (page: Page) => expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(7);
  const stateOf = (page: Page) => page.getByTestId('proposal-state').innerText().catch(() => '');

  it('co-sponsored across the boundary: invited, accepted, frozen, signed by both with one code, submitted', async () => {
    const sponsors = `/drafts/${draftId}/sponsors`;
    await Promise.all([open(lead, `/drafts/${draftId}`), open(co, sponsors)]);
    await lead.getByTestId('open-sponsorship').click();
    await lead.getByTestId('sponsorship').waitFor();
    await marked(co);
    expect(await seriousA11yViolations(lead, 'sponsorship page')).toEqual([]);

    await lead.getByRole('combobox', { name: '委员' }).click();
    await lead.keyboard.type('刘洋');
    await lead.keyboard.press('Enter');
    // Tab leaves the choice as it is, for the next control (it used to add, then remove, the list's first person).
    await lead.keyboard.press('Tab');
    await expect.poll(() => lead.evaluate(() => document.activeElement?.textContent?.replace(/\s/g, ''))).toBe('发送邀请');
    const chosen = lead.getByTestId('sponsorship').locator('.ant-select-selection-item');
    expect((await chosen.allInnerTexts()).map((n) => n.trim())).toEqual(['刘洋（四川省政协）']);
    await lead.keyboard.press('Enter');
    // The Sichuan member's open page asks them, without a reload.
    await co.getByRole('button', { name: '同意联名' }).click({ timeout: 10_000 });
    // The answered button goes; the keyboard's focus stays in the drawer (not on the page's body).
    await expect.poll(() => co.getByRole('button', { name: '同意联名' }).count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => co.evaluate(() => !!document.activeElement?.closest('[role="dialog"]'))).toBe(true);
    await expect.poll(() => lead.getByTestId('sponsor-status').allInnerTexts(), { timeout: 10_000 }).toEqual(['已同意', '已同意']);

    await lead.getByRole('button', { name: '定稿待签署' }).click();
    await expect.poll(() => lead.getByTestId('signing-code').innerText().catch(() => ''), { timeout: 15_000 }).toMatch(/签署码 [0-9A-F]{4}-[0-9A-F]{4}/);
    const code = /签署码 ([0-9A-F]{4}-[0-9A-F]{4})/.exec(await lead.getByTestId('signing-code').innerText())![1];
    // The co-sponsor sees the same code, live, and signs it.
    await co.getByRole('button', { name: `确认签署（签署码 ${code}）` }).click({ timeout: 10_000 });
    await expect.poll(() => lead.getByTestId('signed').count(), { timeout: 10_000 }).toBe(2);
    await stillMarked(co);

    // The draft itself, under the drawer, is frozen for everyone now.
    await expect.poll(() => co.getByTestId('draft-frozen').count()).toBe(1);
    // It says so once: not also that the co-sponsor (an editor, reading while frozen) is a commenter.
    expect(await co.getByTestId('draft-read-only').count()).toBe(0);

    await lead.getByRole('button', { name: '提交提案' }).click();
    await lead.waitForURL(/\/proposals\/[0-9a-f-]{36}$/, { timeout: 15_000 });
    await lead.getByTestId('proposal-number').waitFor();
    await waitForHydration(lead);
    proposalPath = new URL(lead.url()).pathname;
    expect(await lead.locator('#proposal-title').innerText()).toBe(DEMO_DRAFT_TITLES.hydrogen);
    expect(await lead.getByTestId('proposal-number').innerText()).toMatch(/^渝政协\d{4}第\d{4}号$/);
    expect(await stateOf(lead)).toBe('已提交');
    expect(await lead.getByTestId('proposal-sponsors').innerText()).toMatch(/李明.*领衔人.*刘洋.*联名人/);
  });

  it('the receiving committee\'s staff reviews, files and assigns it; the sponsors\' open pages (and the registry) follow live', async () => {
    await Promise.all([open(staff, proposalPath), open(co, proposalPath), open(lead, '/proposals')]);
    await marked(co);
    await marked(lead);
    const number = await staff.getByTestId('proposal-number').innerText();
    const row = lead.getByTestId('proposal-registry').locator('tr', { hasText: number });
    expect(await row.innerText()).toContain('已提交');
    expect(await seriousA11yViolations(staff, 'proposal page (staff)')).toEqual([]);
    await staff.getByRole('button', { name: '开始审查', exact: true }).click();
    await expect.poll(() => stateOf(co), { timeout: 10_000 }).toBe('审查中');
    await staff.getByRole('button', { name: /^立 ?案$/ }).click();
    await expect.poll(() => stateOf(co), { timeout: 10_000 }).toBe('已立案');
    await expect.poll(() => row.innerText(), { timeout: 10_000 }).toContain('已立案');
    await stillMarked(lead);

    await staff.getByRole('combobox', { name: '主办' }).click();
    await staff.keyboard.type('国家发展改革委');
    await staff.keyboard.press('Enter');
    await staff.getByRole('button', { name: /^交 ?办$/ }).click();
    await expect.poll(() => stateOf(co), { timeout: 10_000 }).toBe('已交办');
    await stillMarked(co);
  });

  it('the unit, on a phone, finds it on its home page, accepts and replies; the sponsor evaluates; the staff closes it', async () => {
    await open(unit, '/');
    await unit.getByTestId('assignment-list').getByRole('link', { name: DEMO_DRAFT_TITLES.hydrogen }).click();
    await unit.locator('#proposal-title').waitFor();
    await waitForHydration(unit);
    expect(await seriousA11yViolations(unit, 'proposal page (unit, phone)')).toEqual([]);
    await Promise.all([open(lead, proposalPath), open(staff, proposalPath)]);
    await marked(lead);

    await unit.getByRole('button', { name: '接收办理', exact: true }).click();
    await expect.poll(() => stateOf(lead), { timeout: 10_000 }).toBe('办理中');
    // Sent empty: the keyboard goes to the first field in error, the category's first choice.
    await unit.getByRole('button', { name: /^答 ?复$/ }).click();
    await expect.poll(() => unit.evaluate(() => document.activeElement?.closest('[role=radiogroup]')?.getAttribute('aria-label'))).toBe('答复类别');
    // Each group of choices is named (a screen reader says what the choice is about).
    await unit.getByRole('radiogroup', { name: '答复类别' }).getByRole('radio', { name: 'A 类（解决采纳）' }).check();
    await unit.getByLabel('答复正文').fill('我委已将成渝地区纳入燃料电池汽车示范应用政策研究范围，将会同有关部门推进。');
    // The signed 答复函 goes with the reply; a text file is not a kind that may, and is taken off again.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reply-'));
    const letter = path.join(dir, '国家发展改革委答复函.pdf');
    fs.writeFileSync(letter, Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(200_000, 0x20), Buffer.from('\n%%EOF\n')]));
    const note = path.join(dir, '说明.txt');
    fs.writeFileSync(note, '草稿');
    await unit.getByLabel('附件', { exact: true }).setInputFiles(note);
    await unit.getByRole('button', { name: /^答 ?复$/ }).click();
    await unit.getByText('只能上传 PDF、OFD、Word').waitFor();
    await unit.getByRole('button', { name: '移除 说明.txt' }).click();
    await unit.getByLabel('附件', { exact: true }).setInputFiles(letter);
    expect(await unit.getByRole('list', { name: '已选择的文件' }).innerText()).toMatch(/国家发展改革委答复函\.pdf\s*195 KB/);
    expect(await unit.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(391);
    await unit.getByRole('button', { name: /^答 ?复$/ }).click();
    await expect.poll(() => stateOf(lead), { timeout: 10_000 }).toBe('已答复');
    await stillMarked(lead);
    // The sponsor's open page shows the letter; it downloads as sent.
    const [download] = await Promise.all([lead.waitForEvent('download'), lead.getByRole('link', { name: '国家发展改革委答复函.pdf' }).click()]);
    expect(download.suggestedFilename()).toBe('国家发展改革委答复函.pdf');
    expect(fs.readFileSync((await download.path())!).equals(fs.readFileSync(letter))).toBe(true);

    // Sent without a rating: said under the ratings, where the focus goes; nothing is sent.
    await lead.getByRole('button', { name: /^评 ?价$/ }).click();
    await expect.poll(() => lead.getByText('请对每个承办单位作出评价').count()).toBe(1);
    const rating = lead.getByRole('radiogroup', { name: /^国家发展改革委（主办）$/ });
    await expect.poll(() => rating.getByRole('radio').first().evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await stateOf(lead)).toBe('已答复');
    await rating.getByRole('radio', { name: '满意', exact: true }).check();
    await lead.getByRole('button', { name: /^评 ?价$/ }).click();
    await expect.poll(() => stateOf(staff), { timeout: 10_000 }).toBe('已评价');
    await staff.getByRole('button', { name: /^办 ?结$/ }).click();
    await expect.poll(() => stateOf(lead), { timeout: 10_000 }).toBe('已办结');
    await expect.poll(() => stateOf(unit), { timeout: 10_000 }).toBe('已办结');
    // A reload on the phone shows the same closed proposal, its reply and no step left to take.
    await unit.reload();
    await waitForHydration(unit);
    expect(await stateOf(unit)).toBe('已办结');
    expect(await unit.getByTestId('reply').count()).toBe(1);
    expect(await unit.getByRole('button', { name: /^答 ?复$/ }).count()).toBe(0);

    // Every step is on the timeline, audited for Chongqing, and told to the people concerned.
    const entries = await lead.getByTestId('timeline-entry').allInnerTexts();
    expect(entries.map((e) => e.split(' · ')[1])).toEqual(['提交提案', '开始审查提案', '提案立案', '交办提案', '接收办理', '答复提案', '评价办理', '提案办结']);
    const id = proposalPath.split('/').pop()!;
    const audit = await asOwner(server.database.db, (trx) => trx.selectFrom('audit_log').select('action').where('target_id', '=', id).execute());
    expect(audit.map((a) => a.action)).toEqual(['proposal.submit', 'proposal.review', 'proposal.file', 'proposal.assign', 'proposal.accept',
      'proposal.reply', 'proposal.evaluate', 'proposal.close']);
    const told = await asOwner(server.database.db, (trx) => trx.selectFrom('notifications as n').innerJoin('users as u', 'u.id', 'n.user_id')
      .select(['u.username', 'n.kind']).where('n.record_id', '=', id).execute());
    const kinds = (u: string) => told.filter((n) => n.username === u).map((n) => n.kind);
    expect(kinds('unit-ndrc')).toEqual(expect.arrayContaining(['assignment', 'status']));
    expect(kinds('cq-member')).toEqual(expect.arrayContaining(['status', 'reply']));
    expect(kinds('sc-member')).toEqual(expect.arrayContaining(['status', 'reply']));
    expect(kinds('cq-staff')).toEqual(expect.arrayContaining(['status']));
    // The sponsor's list names the answer as a proposal's, not as a comment's reply.
    await open(lead, '/notifications');
    const answered = lead.getByRole('row').filter({ hasText: '已答复，请评价' }).first();
    expect(await answered.innerText()).toContain('提案答复');
  });

  it('the registry\'s pager leads past its first thousand rows (Chongqing 2024: 1551 proposals) and counts a single page', async () => {
    await open(staff, '/proposals?year=2024&page=50');
    const pager = staff.locator('.ant-pagination');
    expect(await pager.innerText()).toContain('共 1551 件');
    await pager.getByRole('listitem', { name: '下一页' }).click();
    await staff.waitForURL(/page=51/);
    await expect.poll(() => staff.getByTestId('proposal-link').count()).toBe(20);
    expect(await pager.getByRole('listitem', { name: '78' }).count()).toBe(1);
    // A result that fits on one page still says how many it holds.
    await open(staff, '/proposals?key=1');
    const rows = await staff.getByTestId('proposal-link').count();
    expect(rows).toBeGreaterThan(0);
    expect(rows).toBeLessThan(20);
    expect(await staff.locator('.ant-pagination').innerText()).toContain(`共 ${rows} 件`);
  });
});
