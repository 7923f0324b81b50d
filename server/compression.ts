import { promisify } from 'node:util';
import zlib from 'node:zlib';

/** Whether a client's Accept-Encoding takes gzip (every browser and calendar app does). */
export const acceptsGzip = (acceptEncoding: string | null | undefined) => /\bgzip\b/.test(acceptEncoding ?? '');

/** gzip on libuv's thread pool, off the event loop. */
export const gzipAsync = promisify(zlib.gzip);
