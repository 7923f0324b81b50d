import { useEffect, useRef, useState } from 'react';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { IndexeddbPersistence } from 'y-indexeddb';
import { CLOSE, collabUrl } from '../../shared/realtime/collab';
import { DOCUMENT_FIELD } from '../../shared/editor/extensions';

/**
 * useCollabDocument: one draft's live Yjs document in the browser. A y-websocket provider syncs it
 * with the collaboration server (room = draft id); y-indexeddb keeps a copy in this browser so edits
 * made offline survive a reload and merge when the connection returns. The IndexedDB name carries
 * the draft AND the user (docs/collaboration.md): one person's unsynced edits are never uploaded under another's
 * session. Everything is created in an effect (browser only) and destroyed on unmount.
 */

export type CollabStatus = 'connecting' | 'connected' | 'reconnecting' | 'offline' | 'closed';
/** Why the server refused for good (no reconnecting): shown to the user. */
export type CollabRefusal = 'unauthenticated' | 'forbidden' | 'notFound' | 'badMessage' | 'outsideSchema' | 'tooLarge';

export interface CollabSession { doc: Y.Doc; provider: WebsocketProvider }

export interface CollabState {
  session: CollabSession | null;
  status: CollabStatus;
  /** The server's copy has been received at least once on the current connection. */
  synced: boolean;
  /** The browser's stored copy has been loaded (it may hold offline edits). */
  localLoaded: boolean;
  /**
   * The document is known (synced with the server once, or loaded non-empty from this browser):
   * typing into a still-empty document would land beside the real content once it arrives.
   */
  ready: boolean;
  refusal: CollabRefusal | null;
  /**
   * Edits this browser kept (typed offline) were refused because the connection is read-only (the text
   * frozen for signing, or no longer an editor): its stored copy was dropped and the server's text loaded.
   */
  editsDiscarded: boolean;
}

// The server closes with these when retrying cannot help; everything else (RETRY after a role change,
// RATE_LIMITED, GOING_AWAY on restart, a dropped network) reconnects with backoff.
const REFUSALS: Record<number, CollabRefusal> = {
  [CLOSE.UNAUTHENTICATED]: 'unauthenticated',
  [CLOSE.FORBIDDEN]: 'forbidden',
  [CLOSE.NOT_FOUND]: 'notFound',
  // A forged or malformed message would be sent again from the stored copy: stop instead of looping.
  [CLOSE.BAD_MESSAGE]: 'badMessage',
  [CLOSE.OUTSIDE_SCHEMA]: 'outsideSchema',
  // So would an edit too large for one message (the editor refuses such a paste before it is made).
  [CLOSE.MESSAGE_TOO_BIG]: 'tooLarge',
  // Offline edits on a read-only connection: the stored copy is dropped and the page starts again once;
  // refused a second time, something keeps writing: stop as for a bad message.
  [CLOSE.EDITS_REFUSED]: 'badMessage',
};

export const localStoreName = (draftId: string, userId: string) => `draft:${draftId}:${userId}`;

/**
 * `onRetry`: the server closed with RETRY because this user's rights on the draft changed (role
 * changed, removed while still a reader): the page should reload what it knows (the role).
 */
export function useCollabDocument(draftId: string, userId: string, onRetry?: () => void): CollabState {
  const retry = useRef(onRetry);
  retry.current = onRetry;
  const [session, setSession] = useState<CollabSession | null>(null);
  const [connected, setConnected] = useState(false);
  const [everConnected, setEverConnected] = useState(false);
  const [attempts, setAttempts] = useState(0);
  const [synced, setSynced] = useState(false);
  const [localLoaded, setLocalLoaded] = useState(false);
  const [everSynced, setEverSynced] = useState(false);
  const [localHasContent, setLocalHasContent] = useState(false);
  const [online, setOnline] = useState(true);
  const [refusal, setRefusal] = useState<CollabRefusal | null>(null);
  const [editsDiscarded, setEditsDiscarded] = useState(false);
  // Bumped to start again from the server's copy once the stored one was dropped.
  const [generation, setGeneration] = useState(0);
  const discardedOnce = useRef(false);

  useEffect(() => {
    const doc = new Y.Doc();
    const persistence = new IndexeddbPersistence(localStoreName(draftId, userId), doc);
    const provider = new WebsocketProvider(collabUrl(window.location.origin), draftId, doc, {
      // Connect on the next tick: React's development double-mount would otherwise open and drop a socket.
      connect: false,
      // Tabs of one browser talk through the server, which checks each one's rights.
      disableBc: true,
      shouldReconnect: (event) => !(event.code in REFUSALS),
    });
    const connectTimer = setTimeout(() => provider.connect(), 0);
    let alive = true;
    const ifAlive = <A extends unknown[]>(fn: (...a: A) => void) => (...a: A) => { if (alive) fn(...a); };

    setSession({ doc, provider });
    setConnected(false); setEverConnected(false); setAttempts(0); setSynced(false); setLocalLoaded(false); setRefusal(null);
    setEverSynced(false); setLocalHasContent(false);
    setOnline(navigator.onLine);

    provider.on('status', ifAlive(({ status }) => {
      setConnected(status === 'connected');
      if (status === 'connected') setEverConnected(true);
      if (status === 'connecting') setAttempts((n) => n + 1);
    }));
    provider.on('sync', ifAlive((isSynced: boolean) => {
      setSynced(isSynced);
      if (isSynced) setEverSynced(true);
    }));
    provider.on('connection-close', ifAlive((event: CloseEvent | null) => {
      if (event?.code === CLOSE.RETRY) retry.current?.();
    }));
    let refused = false;
    provider.on('closed', ifAlive(({ code }) => {
      refused = true;
      // Offline edits refused by a read-only connection: drop them from this browser (else they would be sent
      // again once editing is allowed, merged without anyone noticing) and start over from the server's text.
      // Only once per page: refused again, something keeps writing, and it stops like any refusal.
      if (code === CLOSE.EDITS_REFUSED && !discardedOnce.current) {
        discardedOnce.current = true;
        provider.destroy();
        void persistence.clearData().then(ifAlive(() => { setEditsDiscarded(true); setGeneration((g) => g + 1); }));
        return;
      }
      const why = REFUSALS[code] ?? 'forbidden';
      setRefusal(why);
      // Access is gone: do not keep the draft's text in this browser. A refused edit would be sent
      // again from the stored copy after every reload: drop that copy, the server's is loaded instead.
      if (why !== 'unauthenticated') void persistence.clearData();
    }));
    persistence.whenSynced.then(ifAlive(() => {
      setLocalLoaded(true);
      setLocalHasContent(doc.getXmlFragment(DOCUMENT_FIELD).length > 0);
    }), () => undefined);

    // Back online: reconnect now rather than at the end of the current backoff.
    const onOnline = ifAlive(() => {
      setOnline(true);
      if (!refused && !provider.wsconnected && !provider.wsconnecting) provider.connect();
    });
    const onOffline = ifAlive(() => setOnline(false));
    window.addEventListener('online', onOnline);
    window.addEventListener('offline', onOffline);
    return () => {
      alive = false;
      clearTimeout(connectTimer);
      window.removeEventListener('online', onOnline);
      window.removeEventListener('offline', onOffline);
      provider.destroy();
      void persistence.destroy();
      doc.destroy();
    };
  }, [draftId, userId, generation]);

  let status: CollabStatus;
  // The browser knows first that the network is gone; the socket may take a while to notice.
  if (refusal) status = 'closed';
  else if (!online) status = 'offline';
  else if (connected) status = 'connected';
  else status = everConnected || attempts > 1 ? 'reconnecting' : 'connecting';
  return { session, status, synced: connected && synced, localLoaded, ready: everSynced || localHasContent, refusal, editsDiscarded };
}
