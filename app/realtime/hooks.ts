import { useEffect, useRef, useState } from 'react';
import { useFetchers, useNavigation, useRevalidator } from '@remix-run/react';
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
 * Loads the page's data again (its loaders are the one source of truth), but not over a load Remix is doing
 * (a navigation, the reload after an action, a fetcher): that load would be aborted, and a person's own change
 * comes back as a live event just then. Nor while the browser is offline: a failed load would replace the page
 * with its error ("cannot reach the server"). Either way it is held back, and done once that is over.
 * The one way to revalidate in answer to an event rather than a click (a live event, the collaboration
 * server asking to reload the rights, the network coming back): such events also arrive while offline.
 */
export function useRevalidateWhenIdle(): () => void {
  const revalidator = useRevalidator();
  const navigation = useNavigation();
  const fetchers = useFetchers();
  const state = useRef({ revalidate: revalidator.revalidate, busy: false, heldBack: false });
  state.current.revalidate = revalidator.revalidate;
  state.current.busy = navigation.state !== 'idle' || revalidator.state !== 'idle' || fetchers.some((f) => f.state !== 'idle');
  const request = useRef(() => {
    const s = state.current;
    s.heldBack = s.busy || !navigator.onLine;
    if (!s.heldBack) s.revalidate();
  }).current;
  // Remix renders again whenever a load ends.
  useEffect(() => { if (state.current.heldBack) request(); });
  useEffect(() => {
    const onOnline = () => { if (state.current.heldBack) request(); };
    window.addEventListener('online', onOnline);
    return () => window.removeEventListener('online', onOnline);
  }, [request]);
  return request;
}

/**
 * Revalidates the page's loaders when an event concerns what the page shows, debounced, and once after a
 * reconnect (events may have been missed meanwhile). Changes of access and the end of the session are the
 * shell's (`useSessionChanges`).
 */
export function useLiveRevalidation(match: (event: LiveEvent) => boolean, delayMs = 200) {
  const socket = useSocket();
  const revalidate = useRevalidateWhenIdle();
  const matches = useRef(match);
  matches.current = match;

  useEffect(() => {
    if (!socket) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let firstAt = 0;
    let lost = false;
    const fire = () => {
      timer = undefined;
      firstAt = 0;
      revalidate();
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
    socket.on('record:changed', onChange);
    socket.on('notification:changed', onNotification);
    socket.on('disconnect', onDisconnect);
    socket.on('connect', onConnect);
    return () => {
      clearTimeout(timer);
      socket.off('record:changed', onChange);
      socket.off('notification:changed', onNotification);
      socket.off('disconnect', onDisconnect);
      socket.off('connect', onConnect);
    };
  }, [socket, delayMs, revalidate]);
}

/**
 * The session ended (signed out in another tab, the account disabled, the password reset elsewhere), or what
 * it may do changed (a role, a membership): the page's data is loaded again, the shell's included (the
 * navigation follows the roles), and an ended session's loader sends the browser to the login page. The shell
 * calls it, so every signed-in page does this, live or not.
 */
export function useSessionChanges() {
  const socket = useSocket();
  const revalidate = useRevalidateWhenIdle();
  useEffect(() => {
    if (!socket) return;
    const onAccessChanged = () => { shellReload.wanted = true; revalidate(); };
    socket.on('session:ended', revalidate);
    socket.on('access:changed', onAccessChanged);
    return () => {
      socket.off('session:ended', revalidate);
      socket.off('access:changed', onAccessChanged);
    };
  }, [socket, revalidate]);
}

/** Whether the next load must load the shell too, which a live page's revalidation otherwise leaves (root's `shouldRevalidate`). */
export const shellReload = {
  wanted: false,
  /** True once after the access changed: the load that asks reloads the shell. */
  take(): boolean {
    const wanted = shellReload.wanted;
    shellReload.wanted = false;
    return wanted;
  },
};

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
