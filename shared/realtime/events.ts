/**
 * The one typed map of socket.io events between the server and the browser (issue 3).
 * Events say only what changed (kind, id, workspace, action), never record text: loaders stay the
 * one source of truth and a page revalidates when an event concerns what it shows.
 */
import { z } from 'zod';

/** The socket.io path on the app's own HTTP server (websocket transport only: no sticky sessions). */
export const REALTIME_PATH = '/socket.io/';

/**
 * Kinds of shared record an event may name; a new kind adds itself here and a watch authorizer on
 * the server (docs/recipe.md). `event` is a calendar event (协商日程).
 */
export const RECORD_KINDS = ['notice', 'workspace', 'draft', 'event', 'proposal'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

export const CHANGE_ACTIONS = ['created', 'updated', 'deleted', 'visibility', 'members'] as const;
export type ChangeAction = (typeof CHANGE_ACTIONS)[number];

/** "Something about this record changed": enough to decide whether to revalidate, nothing more. */
export interface RecordChange {
  kind: RecordKind;
  id: string;
  /** Null for a record outside any workspace (a proposal received without one). */
  workspaceId: string | null;
  action: ChangeAction;
}

/** Someone online in a workspace now (names and regions are visible across regions, docs/domain.md). */
export interface PresenceEntry {
  userId: string;
  displayName: string;
  region: string;
}

export interface PresenceSnapshot {
  workspaceId: string;
  online: PresenceEntry[];
}

/** Why a handshake or a request was refused; `not-found` covers forbidden too (no existence hints). */
export type RefusalCode = 'unauthorized' | 'origin-not-allowed' | 'invalid' | 'not-found' | 'too-many' | 'unavailable';

export type Ack<T extends object = object> = ({ ok: true } & T) | { ok: false; error: RefusalCode };

export interface ServerToClientEvents {
  /** A record the recipient may read changed; sent to exactly the rooms that may read it. */
  'record:changed': (change: RecordChange) => void;
  /** Who is online in a workspace the recipient belongs to (full list, deduplicated by user). */
  'presence:changed': (snapshot: PresenceSnapshot) => void;
  /** The recipient's own memberships or roles changed: revalidate what is shown. */
  'access:changed': () => void;
  /** The session behind this socket ended (logout, disabled, password reset); the socket closes next. */
  'session:ended': () => void;
  /** The recipient's notifications changed (for the bell); carries the unread count only. */
  'notification:changed': (e: { unread: number }) => void;
}

export const recordTargetSchema = z.object({
  kind: z.enum(RECORD_KINDS),
  id: z.string().uuid(),
}).strict();
export type RecordTarget = z.infer<typeof recordTargetSchema>;

export const workspaceTargetSchema = z.object({ workspaceId: z.string().uuid() }).strict();

export interface ClientToServerEvents {
  /** Ask to follow one record; the server joins the room only if the policy lets the user read it. */
  'record:watch': (target: RecordTarget, ack: (result: Ack) => void) => void;
  'record:unwatch': (target: RecordTarget, ack?: (result: Ack) => void) => void;
  /** Who is online in a workspace; answered only to its members. */
  'presence:get': (target: { workspaceId: string }, ack: (result: Ack<PresenceSnapshot>) => void) => void;
}

/** Between server processes (with the Redis adapter): each process handles its own sockets. */
export interface InterServerEvents {
  'access:refresh': (userId: string, done: () => void) => void;
}

/** What the live-revalidation hook matches on: a record change, tagged with its event name. */
/** What a live page can react to: a record it may show changed, or the user's notifications did. */
export type LiveEvent = ({ type: 'record:changed' } & RecordChange) | { type: 'notification:changed'; unread: number };
