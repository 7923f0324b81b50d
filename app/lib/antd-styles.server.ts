import crypto from 'node:crypto';
import zlib from 'node:zlib';
import { createCache, extractStyle } from '@ant-design/cssinjs';

/**
 * antd's styles for server-rendered pages (docs/decisions/019). One cssinjs cache serves every render
 * of the process, so antd computes a component's styles once, not once per request (it was a third
 * of a page's server time). The server runs no effects, so entries are never dropped: the cache only
 * grows, up to every antd style the pages use.
 *
 * What the cache holds is served as one stylesheet under a content hash, cached by browsers for good,
 * instead of some 300 KB inlined into every page. Its text ends with cssinjs's map of the styles it
 * holds, so the browser's antd does not inject them again, and injects any style a page needs that
 * the sheet lacks (a style first rendered after the sheet was made, or by another process).
 */
export const styleCache = createCache();

export interface StyleSheet { hash: string; css: string; gzip: Buffer }

/** The last sheets made, by hash: a page already sent may still ask for its sheet. */
const sheets = new Map<string, StyleSheet>();
const SHEETS_KEPT = 20;
let current: { entries: number; sheet: StyleSheet } | null = null;

export const styleSheetHref = (sheet: StyleSheet) => `/antd-css/${sheet.hash}.css`;

/** The sheet of every style rendered so far; made again only when a render added styles. */
export function currentStyleSheet(): StyleSheet {
  const entries = styleCache.cache.size;
  if (current?.entries === entries) return current.sheet;
  const css = extractStyle(styleCache, true);
  const hash = crypto.createHash('sha256').update(css).digest('hex').slice(0, 16);
  const sheet = sheets.get(hash) ?? { hash, css, gzip: zlib.gzipSync(css) };
  sheets.delete(hash);
  sheets.set(hash, sheet);
  for (const old of sheets.keys()) {
    if (sheets.size <= SHEETS_KEPT) break;
    sheets.delete(old);
  }
  current = { entries, sheet };
  return sheet;
}

/**
 * A sheet by hash. Null when this process never made it (several processes behind a load balancer,
 * or a restart): the caller then serves the current sheet, uncached, and the browser's antd injects
 * whatever that one lacks.
 */
export function styleSheetByHash(hash: string): StyleSheet | null {
  return sheets.get(hash) ?? null;
}
