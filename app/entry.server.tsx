import { Writable } from 'node:stream';
import type { AppLoadContext, EntryContext } from '@remix-run/node';
import { isRouteErrorResponse, RemixServer } from '@remix-run/react';
import { renderToPipeableStream } from 'react-dom/server';
import { StyleProvider } from '@ant-design/cssinjs';
import { NonceContext } from './lib/nonce';
import { currentStyleSheet, styleCache, styleSheetHref } from './lib/antd-styles.server';
import { acceptsGzip, gzipAsync } from '../server/compression';

export const streamTimeout = 5_000;

/**
 * Errors Remix caught in a loader or action (the page shows its error boundary): into the log with the
 * request's id, as JSON like every other line. A request the browser gave up on is not an error.
 */
export function handleError(error: unknown, { request, context }: { request: Request; context: AppLoadContext }) {
  if (request.signal.aborted) return;
  const where = { method: request.method, path: new URL(request.url).pathname };
  // Remix's own answers to a request it cannot route (405: no action there) are the client's mistake.
  if (isRouteErrorResponse(error) && error.status < 500) context.log.warn({ status: error.status, ...where }, 'bad request');
  else context.log.error({ err: error, ...where }, 'request failed');
}

/**
 * Renders the whole page before sending it (onAllReady), so that the stylesheet linked in <head>
 * holds every antd style the page uses (app/lib/antd-styles.server.ts): no flash of unstyled
 * content, and hydration still runs.
 */
export default function handleRequest(
  request: Request,
  status: number,
  headers: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const nonce = loadContext.cspNonce;
  return new Promise<Response>((resolve, reject) => {
    let failed = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const { pipe, abort } = renderToPipeableStream(
      <NonceContext.Provider value={nonce}>
        <StyleProvider cache={styleCache} hashPriority="high">
          <RemixServer context={remixContext} url={request.url} nonce={nonce} />
        </StyleProvider>
      </NonceContext.Provider>,
      {
        nonce,
        onAllReady() {
          // Rendered: only writing and compressing remain, which a busy event loop may delay but never
          // stops. The time limit is for a render that waits forever, not for a page already made.
          clearTimeout(timer);
          const chunks: Buffer[] = [];
          const sink = new Writable({
            write(chunk, _enc, done) { chunks.push(Buffer.from(chunk)); done(); },
            final(done) {
              const html = Buffer.concat(chunks).toString('utf8')
                // React 18's Node stream writes its whole 2 KB buffer when a multi-byte character does not
                // fit at its end (react-dom-server.node writeStringChunk): the unwritten bytes arrive as NULs
                // in the middle of the text (渝\0\0黔联合). They carry nothing; HTML never needs a NUL.
                .replace(/\u0000/g, '')
                .replace('__ANTD_SSR_CSS__', styleSheetHref(currentStyleSheet()));
              headers.set('Content-Type', 'text/html; charset=utf-8');
              headers.append('Vary', 'Accept-Encoding');
              const init = { status: failed ? 500 : status, headers };
              // A page is some 70 KB of markup and a fifth of that gzipped: phones on a mobile network
              // wait for bytes, and compression runs on the thread pool, not the event loop.
              if (!acceptsGzip(request.headers.get('Accept-Encoding'))) {
                resolve(new Response(html, init));
                done();
                return;
              }
              gzipAsync(html).then((gzipped) => {
                headers.set('Content-Encoding', 'gzip');
                resolve(new Response(new Uint8Array(gzipped), init));
                done();
              }, (err: Error) => {
                reject(err);
                done();
              });
            },
          });
          pipe(sink);
        },
        onShellError(error) {
          clearTimeout(timer);
          reject(error);
        },
        onError(error) {
          failed = true;
          loadContext.log.error({ err: error, path: new URL(request.url).pathname }, 'render failed');
        },
      },
    );
    timer = setTimeout(abort, streamTimeout + 1000);
  });
}
