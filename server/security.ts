import crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { RequestHandler, Response } from 'express';
import helmet, { strictTransportSecurity } from 'helmet';
import type { Config } from './config';
import { requestHost } from './auth/origin';
import { translate } from '../shared/i18n';
import { DOCX_UPLOAD_MAX_BYTES } from '../shared/validation/drafts';
import { PHOTO_UPLOAD_MAX_BYTES } from '../shared/domain/inspection';
import { REPLY_UPLOAD_MAX_BYTES } from '../shared/domain/proposal';

/** The nonce of this response's Content-Security-Policy (set by `securityHeaders`). */
export function cspNonce(res: Response): string {
  return res.locals.cspNonce as string;
}

/**
 * Helmet's headers plus a per-response nonce for the CSP (README, "Security"; docs/decisions/015). Scripts run
 * only from our origin or with the nonce (Remix's inline scripts get it through the load context).
 * `<style>` elements need it too: antd's, Tiptap's and ours get it (app/lib/nonce.ts); style
 * *attributes* cannot carry a nonce, and React, antd, ProseMirror and the collaboration carets write
 * them, hence `style-src-attr 'unsafe-inline'`. Development drops the nonces for Vite's HMR, which
 * injects scripts and styles of its own.
 */
export function securityHeaders(config: Pick<Config, 'env' | 'trustProxy'>): RequestHandler[] {
  const dev = config.env === 'development';
  const nonce = (_req: IncomingMessage, res: unknown) => `'nonce-${(res as Response).locals.cspNonce}'`;
  const inline = dev ? ["'unsafe-inline'"] : [nonce];
  // 'self' covers same-origin ws:/wss: in CSP 3, but older engines need them named (socket.io, /collab/).
  const sockets = (req: IncomingMessage) => {
    const host = requestHost(req, config);
    return `ws://${host} wss://${host}`;
  };
  const headers = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", ...inline],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'", ...inline],
        styleSrcAttr: ["'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'", sockets],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
      },
    },
    // Sent below, and only where it means something.
    strictTransportSecurity: false,
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'same-origin' },
  });
  const hsts = strictTransportSecurity({ maxAge: 365 * 24 * 60 * 60, includeSubDomains: false });
  return [
    (_req, res, next) => {
      res.locals.cspNonce = crypto.randomBytes(16).toString('base64');
      next();
    },
    headers,
    // HSTS over https in production only; req.secure reads X-Forwarded-Proto only with TRUST_PROXY
    // (Express's 'trust proxy'). Over plain http a browser ignores it anyway, and a local demo stays usable.
    (req, res, next) => (config.env === 'production' && req.secure ? hsts(req, res, next) : next()),
  ];
}

/** Normal forms and Remix data requests are small; the routes that carry a file have their own cap. */
const BODY_MAX_BYTES = 1024 * 1024;
const UPLOAD_CAPS: Array<[RegExp, number]> = [
  [/^\/drafts\/import(\.data)?$/, DOCX_UPLOAD_MAX_BYTES],
  // A phone's camera photo is several MB.
  [/^\/inspections\/[^/]+\/findings\/[^/]+\/photos$/, PHOTO_UPLOAD_MAX_BYTES],
  // A unit's reply or opinion with its files (答复函, annexes), posted to the proposal's page.
  [/^\/proposals\/[^/]+(\.data)?$/, REPLY_UPLOAD_MAX_BYTES],
];
const bodyCap = (path: string) => UPLOAD_CAPS.find(([route]) => route.test(path))?.[1] ?? BODY_MAX_BYTES;

class BodyTooLarge extends Error {}

/**
 * Caps request bodies before Remix reads them (Remix's request.formData()/json() would read any size
 * into memory). A declared Content-Length over the cap is answered 413 at once, unread; a body without
 * one (chunked) is counted as Remix reads it and cut off at the cap.
 */
export function bodyLimit(): RequestHandler {
  return (req, res, next) => {
    const limit = bodyCap(req.path);
    const declared = req.headers['content-length'];
    if (declared !== undefined) {
      if (Number(declared) > limit) tooLarge(res, limit);
      else next(); // Node's parser never delivers more than Content-Length
      return;
    }
    if (req.headers['transfer-encoding'] === undefined) return next(); // no body
    let seen = 0;
    const count = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen <= limit) return;
      req.off('data', count);
      tooLarge(res, limit);
      // Errors the stream Remix reads (a plain end would hand it a truncated form) and stops reading.
      req.destroy(new BodyTooLarge(`request body over ${limit} bytes`));
    };
    // Paused, a 'data' listener does not start the flow: Remix resumes it when it reads, and both see every chunk.
    req.pause();
    req.on('data', count);
    next();
  };
}

function tooLarge(res: Response, limit: number) {
  res.locals.bodyTooLarge = true;
  if (res.headersSent) return;
  const mb = `${Math.round(limit / 1024 / 1024)} MB`;
  // Connection: close: Node then closes the socket instead of reading the rest of the body to reuse it.
  res.status(413).set('Connection', 'close').type('text/plain; charset=utf-8')
    .send(`${translate('zh-CN', 'error.tooLarge', { limit: mb })}\n${translate('en', 'error.tooLarge', { limit: mb })}\n`);
}
