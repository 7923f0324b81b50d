import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROUTES = path.join(__dirname, '..', 'routes');

const sources = new Map(fs.readdirSync(ROUTES).map((file) => [file, fs.readFileSync(path.join(ROUTES, file), 'utf8')]));

/**
 * Route modules the browser renders or submits a form to: a page (default export) or an action, except
 * resource routes, which answer a plain `fetch` or a download (app/lib/resource.server.ts).
 */
const rendered = [...sources].filter(([, source]) => /^export default /m.test(source)
  || (/^export (async )?function action\b/m.test(source) && !source.includes("from '../lib/resource.server'")));

describe('page error boundaries', () => {
  it('every page and form route catches its own errors, so none reaches the root in the browser', () => {
    expect(rendered.length).toBeGreaterThan(30);
    const without = rendered.filter(([, source]) => !source
      .includes("export { PageErrorBoundary as ErrorBoundary } from '../components/PageError';")).map(([file]) => file);
    expect(without).toEqual([]);
  });
});
