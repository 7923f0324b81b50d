import { useEffect, useRef, useState } from 'react';
import { useRevalidator } from '@remix-run/react';
import type { LiveEvent, PresenceEntry, RecordChange, RecordKind } from '../../shared/realtime/events';
import { getSocket, type AppSocket } from './socket.client';

/**
 * The tab's socket once mounted (null during server rendering and the first client render).
 * Mounting after a logout and login connects it again: the server closed it when the session ended.
 */
export function useSocket(): AppSocket | null {
  const [socket, setSocket] = useState<AppSocket | null>(null);
  useEffect(() => {
    const s = getSocket();
    if (!s.active) s.connect();
    setSocket(s);
  }, []);
  return socket;
}

/** A burst of events revalidates once; a steady stream still revalidates at least this often. */
const MAX_WAIT_MS = 1000;

/**
 * Revalidates the page's loaders (the one source of truth) when an event concerns what the page
 * shows, debounced; also when the user's access changed, and once after a reconnect (events may have
 * been missed meanwhile). The end of the session is the shell's (`useSessionEnd`).
 * Not while the browser is offline: then once it is back.
 */
export function useLiveRevalidation(match: (event: LiveEvent) => boolean, delayMs = 200) {
  const socket = useSocket();
  const revalidator = useRevalidator();
  const revalidate = useRef(revalidator.revalidate);
  revalidate.current = revalidator.revalidate;
  const matches = useRef(match);
  matches.current = match;

  useEffect(() => {
    if (!socket) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let firstAt = 0;
    let lost = false;
    let heldBack = false;
    const fire = () => {
      timer = undefined;
      firstAt = 0;
      // Offline, the loaders cannot answer: a failed revalidation would replace what the page shows with
      // its error ("cannot reach the server"). Held back until the browser is online again.
      if (!navigator.onLine) { heldBack = true; return; }
      revalidate.current();
    };
    const schedule = () => {
      const now = Date.now();
      if (!firstAt) firstAt = now;
      clearTimeout(timer);
      timer = setTimeout(fire, Math.min(delayMs, Math.max(0, firstAt + MAX_WAIT_MS - now)));
    };
    const onChange = (change: RecordChange) => { if (matches.current({ type: 'record:changed', ...change })) schedule(); };
    const onNotification = (e: { unread: number }) => { if (matches.current({ type: 'notification:changed', ...e })) schedule(); };
    const onDisconnect = () => { lost = true; };
    const onConnect = () => { if (lost) { lost = false; schedule(); } };
    // A short cut may not drop the socket (no reconnect follows): the browser's own signal then.
    const onOnline = () => { if (heldBack) { heldBack = false; schedule(); } };
    window.addEventListener('online', onOnline);
    socket.on('record:changed', onChange);
    socket.on('notification:changed', onNotification);
    socket.on('access:changed', schedule);
    socket.on('disconnect', onDisconnect);
    socket.on('connect', onConnect);
    return () => {
      clearTimeout(timer);
      socket.off('record:changed', onChange);
      socket.off('notification:changed', onNotification);
      socket.off('access:changed', schedule);
      socket.off('disconnect', onDisconnect);
      socket.off('connect', onConnect);
      window.removeEventListener('online', onOnline);
    };
  }, [socket, delayMs]);
}

/**
 * The session ended (signed out in another tab, the account disabled, the password reset elsewhere):
 * the page's data is loaded again, and its loader sends the browser to the login page. The shell calls
 * it, so every signed-in page does this, live or not.
 */
export function useSessionEnd() {
  const socket = useSocket();
  const revalidator = useRevalidator();
  const revalidate = useRef(revalidator.revalidate);
  revalidate.current = revalidator.revalidate;
  useEffect(() => {
    if (!socket) return;
    const onEnded = () => revalidate.current();
    socket.on('session:ended', onEnded);
    return () => { socket.off('session:ended', onEnded); };
  }, [socket]);
}

/** Who is online in a workspace now (empty until known, or if the user is not a member). */
export function usePresence(workspaceId: string | undefined): PresenceEntry[] {
  const socket = useSocket();
  const [online, setOnline] = useState<PresenceEntry[]>([]);
  useEffect(() => {
    if (!socket || !workspaceId) return;
    let live = true;
    const load = () => socket.emit('presence:get', { workspaceId }, (r) => { if (live) setOnline(r.ok ? r.online : []); });
    const onChange = (s: { workspaceId: string; online: PresenceEntry[] }) => { if (s.workspaceId === workspaceId) setOnline(s.online); };
    socket.on('presence:changed', onChange);
    socket.on('connect', load);
    socket.on('access:changed', load);
    if (socket.connected) load();
    return () => {
      live = false;
      socket.off('presence:changed', onChange);
      socket.off('connect', load);
      socket.off('access:changed', load);
    };
  }, [socket, workspaceId]);
  return online;
}

/**
 * Follows one record while the page shows it (record-level events reach its watchers), again after
 * each reconnect. Refusal (unknown, or not readable) leaves the page as it is: its loader decides.
 */
export function useWatchRecord(kind: RecordKind, id: string | undefined) {
  const socket = useSocket();
  useEffect(() => {
    if (!socket || !id) return;
    const watch = () => socket.emit('record:watch', { kind, id }, () => undefined);
    socket.on('connect', watch);
    if (socket.connected) watch();
    return () => {
      socket.off('connect', watch);
      if (socket.connected) socket.emit('record:unwatch', { kind, id });
    };
  }, [socket, kind, id]);
}
