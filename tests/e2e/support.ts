import fs from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { expect } from 'vitest';
import { DEMO_PASSWORD } from '../support/server';

// The browser tests drive the production build in this process: React and antd pick their production
// code paths from NODE_ENV at run time (vitest sets 'test'), else the server HTML carries antd's dev-only
// class names while the browser bundle uses the production ones.
process.env.NODE_ENV = 'production';

/** Debian's Chromium (apt-get install chromium); CHROMIUM_PATH overrides. */
const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];

export const chromiumPath: string | undefined = CANDIDATES.find((p): p is string => !!p && fs.existsSync(p));

/** Call at module top level: prints why the browser tests are skipped (vitest shows it). */
export function warnIfNoChromium(): void {
  if (!chromiumPath) {
    console.warn(
      `[e2e] Skipping browser tests: no Chromium found (looked at ${CANDIDATES.filter(Boolean).join(', ')}). ` +
        'Install it with `apt-get install -y --no-install-recommends chromium fonts-noto-cjk fonts-liberation` or set CHROMIUM_PATH.',
    );
  }
}

const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** One browser per test file; Playwright gives it a fresh temporary user data dir. Users get a context each. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: FLAGS });
}

/**
 * The browsers' time zone: every user is in Beijing time, so that is the default; E2E_TIMEZONE runs the
 * whole suite in another zone (e.g. America/New_York), which must render exactly the same pages.
 */
export const DEFAULT_TIMEZONE = process.env.E2E_TIMEZONE || 'Asia/Shanghai';

export interface UserContext {
  context: BrowserContext;
  page: Page;
  /** The console errors, page errors and hydration warnings of this context (the first ones of each test). */
  errors: string[];
  /** Errors this test causes on purpose, matched narrowly; the allowance ends with the current test. */
  allowErrors(...patterns: RegExp[]): void;
}

interface Watched {
  label: string;
  errors: string[];
  /** How many of `errors` earlier tests already checked. */
  checked: number;
  /** Errors of this test past the limit, counted only. */
  dropped: number;
  allowed: RegExp[];
}

/** Every context made in this test file. */
const watched: Watched[] = [];

/**
 * A page whose hydration fails can end in an endless render loop (hundreds of errors a second, the tab hung):
 * a test keeps its first errors, then the page is closed.
 */
const KEPT_PER_TEST = 50;

/**
 * A new, isolated context (own cookies and storage) for one user, in Beijing time unless told otherwise.
 * It records every console error, page error and React hydration warning of all its pages:
 * `afterEach(expectNoBrowserErrors)` fails the test that saw one.
 */
export async function newUserContext(
  browser: Browser, baseURL: string, options: { timezoneId?: string; phone?: boolean } = {},
): Promise<UserContext> {
  const timezoneId = options.timezoneId ?? DEFAULT_TIMEZONE;
  // A phone: 390 px wide, touch, as members use it in the field.
  const screen = options.phone
    ? { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 3 }
    : { viewport: { width: 1280, height: 900 } };
  const context = await browser.newContext({ baseURL, locale: 'zh-CN', timezoneId, ...screen });
  const where = (page: Page | null) => (page ? ` [${page.url()}]` : '');
  const entry: Watched = { label: `context ${watched.length + 1} (${timezoneId})`, errors: [], checked: 0, dropped: 0, allowed: [] };
  watched.push(entry);
  const record = (error: string, page: Page | null) => {
    if (entry.errors.length - entry.checked < KEPT_PER_TEST) {
      entry.errors.push(error);
    } else if (entry.dropped++ === 0) {
      // A hung page blocks every later call on it until Chromium gives up on it, minutes later: close it
      // now, so that the test fails at once (its next step finds the page closed).
      page?.close().catch(() => undefined);
    }
  };
  context.on('weberror', (e) => record(`pageerror: ${e.error().message}${where(e.page())}`, e.page()));
  context.on('console', (msg) => {
    // React reports a hydration mismatch as an error in production, and as a warning in some development paths.
    if (msg.type() === 'error' || (msg.type() === 'warning' && /hydrat/i.test(msg.text()))) {
      const { url, lineNumber } = msg.location();
      record(`console.${msg.type()}: ${msg.text()}${url ? ` (from ${url}:${lineNumber})` : ''}${where(msg.page())}`, msg.page());
    }
  });
  const page = await context.newPage();
  return { context, page, errors: entry.errors, allowErrors: (...patterns) => entry.allowed.push(...patterns) };
}

/**
 * Fails with every browser error seen since the last call (in any context made by `newUserContext`),
 * except those the test allowed. Use as `afterEach(expectNoBrowserErrors)` in every browser test file.
 */
export function expectNoBrowserErrors(): void {
  const unexpected: string[] = [];
  for (const entry of watched) {
    const fresh = entry.errors.slice(entry.checked);
    entry.checked = entry.errors.length;
    unexpected.push(...fresh.filter((e) => !entry.allowed.some((p) => p.test(e))).map((e) => `${entry.label}: ${e}`));
    if (entry.dropped > 0) unexpected.push(`${entry.label}: and ${entry.dropped} more`);
    entry.dropped = 0;
    entry.allowed = [];
  }
  if (unexpected.length > 0) throw new Error(`browser errors:\n  ${unexpected.join('\n  ')}`);
}

/**
 * Cuts (or restores) the network of a user's browser and waits until the page's requests really fail (or
 * get through). Chromium applies the emulated state a moment after Playwright's call returns: on a busy
 * machine the page's next request could still reach the server (CI once saw a page load "offline").
 * Offline, Chromium logs every failed request, the probe's too: allowed for the test.
 */
export async function setNetwork(user: UserContext, online: boolean): Promise<void> {
  if (!online) user.allowErrors(/net::ERR_INTERNET_DISCONNECTED/);
  await user.context.setOffline(!online);
  await expect.poll(() => user.page.evaluate(() => fetch('/healthz', { cache: 'no-store' }).then(() => true, () => false)),
    { timeout: 10_000 }).toBe(online);
}

/** The editor's text as a reader sees it: other people's carets (their name labels) removed. */
export const editorText = (page: Page) => page.evaluate(() => {
  const root = document.querySelector('.ProseMirror');
  if (!root) return '';
  const copy = root.cloneNode(true) as HTMLElement;
  copy.querySelectorAll('.collaboration-carets__caret, .collaboration-carets__label').forEach((n) => n.remove());
  return (copy.textContent ?? '').replace(/\u2060/g, '');
});

/**
 * Resolves once React has hydrated the document (the root fiber is no longer dehydrated).
 * Interacting earlier would hit the server-rendered HTML only (a native form post, a full reload).
 */
export async function waitForHydration(page: Page, timeout = 20_000): Promise<void> {
  await page.waitForFunction(() => {
    const doc = document as unknown as Record<string, any>;
    const key = Object.keys(doc).find((k) => k.startsWith('__reactContainer$'));
    const root = key ? doc[key]?.stateNode : undefined;
    return !!root && root.current?.memoizedState?.isDehydrated === false;
  }, undefined, { timeout });
}

/** Logs in through the real login form, as a person would, and waits for the home page. */
export async function loginThroughForm(page: Page, username: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto('/login');
  await waitForHydration(page);
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(password);
  await Promise.all([
    page.waitForURL((url) => url.pathname === '/'),
    page.locator('form button[type="submit"]').click(),
  ]);
  await page.locator('[data-testid="current-user"]').waitFor();
  await waitForHydration(page);
}

/** Runs axe-core on the current page; prints every violation, returns the serious and critical ones. */
export async function seriousA11yViolations(page: Page, label: string): Promise<string[]> {
  // Also WCAG 2.2's target size (24 px, or room around it), which axe leaves off by default: phones.
  const result = await new AxeBuilder({ page }).options({ rules: { 'target-size': { enabled: true } } }).analyze();
  const lines = result.violations.map((v) => {
    const targets = v.nodes.slice(0, 5).map((n) => n.target.join(' ')).join(' | ');
    // For contrast failures, the distinct colour pairs say what to fix.
    const pairs = [...new Set(v.nodes.flatMap((n) => n.any.map((c) => c.data as Record<string, unknown> | null)
      .filter((d) => d?.fgColor).map((d) => `${d!.fgColor} on ${d!.bgColor} = ${d!.contrastRatio}:1`)))];
    return `${v.impact ?? 'unknown'} ${v.id}: ${v.help} (${v.nodes.length} node(s): ${targets})` +
      (pairs.length ? `\n      colours: ${pairs.join('; ')}` : '');
  });
  if (lines.length > 0) console.warn(`[axe] ${label}:\n  ${lines.join('\n  ')}`);
  return result.violations.flatMap((v, i) =>
    v.impact === 'serious' || v.impact === 'critical' ? [`${label}: ${lines[i]}`] : []);
}

/** The address of the antd stylesheet a server-rendered page links (`<link id="antd-ssr">`). */
export function antdSheetHref(html: string): string {
  return /<link id="antd-ssr"[^>]*href="([^"]*)"/.exec(html)?.[1] ?? '';
}
