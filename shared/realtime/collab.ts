/**
 * The collaboration WebSocket (y-websocket wire protocol): where it lives and how it refuses.
 * The browser's y-websocket client connects to `${COLLAB_PATH}${draftId}`.
 */
export const COLLAB_PATH = '/collab/';

export const collabUrl = (origin: string) => origin.replace(/^http/, 'ws') + COLLAB_PATH.replace(/\/$/, '');

/** Close codes (4000–4999 are the application's). The client stops reconnecting on all but RETRY. */
export const CLOSE = {
  /** No valid session: sign in again. */
  UNAUTHENTICATED: 4401,
  /** Signed in, but may not open this draft (or lost access while it was open). */
  FORBIDDEN: 4403,
  /** No such draft (or not visible: never say which). */
  NOT_FOUND: 4404,
  /** A malformed, oversized or forged message: this connection only. */
  BAD_MESSAGE: 4400,
  /** An edit that does not fit the document's schema: refused, nothing of it stored or forwarded. */
  OUTSIDE_SCHEMA: 4422,
  /** Too many messages per second. */
  RATE_LIMITED: 4429,
  /**
   * A read-only connection (text frozen for signing, or no longer an editor) sent edits the document lacks,
   * made while offline: they are not saved, and the client drops its stored copy (so they cannot arrive
   * later, when editing is allowed again), says so, and connects again with the server's text.
   */
  EDITS_REFUSED: 4423,
  /** Access changed (e.g. role downgraded): reconnect to get the new rights. */
  RETRY: 4409,
  /** The server is shutting down: reconnect later. */
  GOING_AWAY: 1001,
  /** A message larger than the server reads (WebSocket's own code, sent by the ws library). */
  MESSAGE_TOO_BIG: 1009,
} as const;

export type CloseCode = (typeof CLOSE)[keyof typeof CLOSE];
