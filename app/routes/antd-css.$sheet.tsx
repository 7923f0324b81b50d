import type { LoaderFunctionArgs } from '@remix-run/node';
import { currentStyleSheet, styleSheetByHash } from '../lib/antd-styles.server';
import { acceptsGzip } from '../../server/compression';

/**
 * GET /antd-css/<hash>.css: antd's styles for server-rendered pages (app/lib/antd-styles.server.ts).
 * Public, the same for everyone; a known hash never changes, so browsers keep it for good.
 */
export function loader({ request, params }: LoaderFunctionArgs) {
  const hash = /^([0-9a-f]{16})\.css$/.exec(params.sheet ?? '')?.[1];
  if (!hash) throw new Response('not found', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  const known = styleSheetByHash(hash);
  const sheet = known ?? currentStyleSheet();
  const headers: Record<string, string> = {
    'Content-Type': 'text/css; charset=utf-8',
    'Cache-Control': known ? 'public, max-age=31536000, immutable' : 'no-cache',
    Vary: 'Accept-Encoding',
  };
  if (acceptsGzip(request.headers.get('Accept-Encoding'))) {
    return new Response(new Uint8Array(sheet.gzip), { headers: { ...headers, 'Content-Encoding': 'gzip', 'Content-Length': String(sheet.gzip.length) } });
  }
  return new Response(sheet.css, { headers });
}
