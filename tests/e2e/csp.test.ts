import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/server';
import {
  chromiumPath, expectNoBrowserErrors, launchBrowser, loginThroughForm, newUserContext, waitForHydration, warnIfNoChromium,
} from './support';

warnIfNoChromium();

/**
 * The Content-Security-Policy in Chromium (README, "Security"; docs/decisions/015): the app's own scripts and styles run
 * (every page of pages.test.ts loads without a console error), the styles antd's helpers create from
 * script get the page's nonce, and markup injected into the page neither styles it nor runs script.
 */
describe.skipIf(!chromiumPath)('browser: the Content-Security-Policy', () => {
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
  });
  afterAll(async () => { await browser?.close(); await server?.stop(); });
  afterEach(expectNoBrowserErrors);

  it('refuses injected markup, lets styles created from script through', async () => {
    const { page, errors, allowErrors } = await newUserContext(browser, server.url);
    await loginThroughForm(page, 'cq-member');
    await waitForHydration(page);

    // A <style> created from script (as antd's scroll lock does) carries the nonce and applies.
    const scripted = await page.evaluate(() => {
      const style = document.createElement('style');
      style.textContent = 'body { --csp-probe: scripted; }';
      document.head.appendChild(style);
      return getComputedStyle(document.body).getPropertyValue('--csp-probe').trim();
    });
    expect(scripted).toBe('scripted');

    // Markup injected as HTML: its <style> and its event handler are refused, and the browser says so.
    allowErrors(/Content Security Policy/);
    const refused = await page.evaluate(() => new Promise<string[]>((resolve) => {
      const seen: string[] = [];
      document.addEventListener('securitypolicyviolation', (e) => seen.push(e.effectiveDirective));
      const div = document.createElement('div');
      div.innerHTML = '<style>body { --csp-injected: yes; }</style><img src="data:," onload="window.__injected = true">';
      document.body.appendChild(div);
      setTimeout(() => resolve(seen), 500);
    }));
    expect(refused.sort()).toEqual(['script-src-attr', 'style-src-elem']);
    expect(await page.evaluate(() => getComputedStyle(document.body).getPropertyValue('--csp-injected'))).toBe('');
    expect(await page.evaluate(() => (window as { __injected?: boolean }).__injected)).toBeUndefined();
    expect(errors.filter((e) => /Content Security Policy/.test(e)).length).toBeGreaterThan(0);
  });
});
