/**
 * Test support for the collaboration server: drafts written straight into the database, real
 * y-websocket clients (and raw sockets) carrying a session cookie and an Origin header, and server
 * child processes (for kill -9 and for several processes behind Redis).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import type { Kysely } from 'kysely';
import * as Y from 'yjs';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import type { DB } from '../../db';
import type { CollaboratorRole } from '../../shared/policy';
import type { Visibility } from '../../shared/domain/model';
import { collabUrl } from '../../shared/realtime/collab';
import { documentText } from '../../server/collab/document';
import { documentStateFromJSON } from '../../shared/editor/state';
import { actorOf, workspaceId } from '../factories/demo';
import { asOwner } from './owner';

export const until = async (check: () => boolean | Promise<boolean>, what: string, ms = 5000) => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Every y-websocket provider adds a process 'exit' listener; tests open dozens.
process.setMaxListeners(Math.max(process.getMaxListeners(), 200));

export const paragraphs = (...texts: string[]) => ({
  type: 'doc',
  content: texts.map((t) => ({ type: 'paragraph', content: t ? [{ type: 'text', text: t }] : [] })),
});

/**
 * A draft inserted as the tables' owner (there is no drafts service in these tests): the record,
 * its collaborators and the seeded snapshot (last_update_id 0), as a new draft is created.
 */
export async function createDraft(db: Kysely<DB>, o: {
  workspace: string; author: string; visibility: Visibility; title?: string;
  collaborators?: Record<string, CollaboratorRole>; text?: string[];
}): Promise<string> {
  const [wsId, author] = await Promise.all([workspaceId(db, o.workspace), actorOf(db, o.author)]);
  const collaborators = await Promise.all(Object.entries(o.collaborators ?? {}).map(async ([username, role]) => ({ user: await actorOf(db, username), role })));
  return asOwner(db, async (trx) => {
    const { id } = await trx.insertInto('drafts').values({
      workspace_id: wsId, owner_org_id: author.orgId, owner_region: author.region, visibility: o.visibility,
      kind: 'proposal', title: o.title ?? '测试草稿', author_id: author.id, updated_at: new Date(),
    }).returning('id').executeTakeFirstOrThrow();
    for (const c of collaborators) {
      await trx.insertInto('draft_collaborators').values({ draft_id: id, user_id: c.user.id, region: c.user.region, role: c.role, added_by: author.id }).execute();
    }
    await trx.insertInto('draft_snapshots').values({
      draft_id: id, data: documentStateFromJSON(paragraphs(...(o.text ?? ['']))).state, last_update_id: 0, updated_at: new Date(),
    }).execute();
    return id;
  });
}

export interface CollabClient {
  doc: Y.Doc;
  provider: WebsocketProvider;
  /** Close codes the server sent, in order. */
  closes: number[];
  /** Resolves with the first close code. */
  closed: Promise<number>;
  synced: Promise<void>;
  text(): string;
  /** Appends a paragraph, as typing a line in the editor would. */
  type(text: string): void;
  destroy(): void;
}

/** A y-websocket client (the browser's provider) with a session cookie and an Origin header. */
export function openClient(serverUrl: string, draftId: string, o: { cookie?: string; origin?: string | null; doc?: Y.Doc } = {}): CollabClient {
  const headers: Record<string, string> = {};
  if (o.cookie) headers.cookie = o.cookie;
  if (o.origin !== null) headers.origin = o.origin ?? serverUrl;
  class HeaderSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) { super(url, protocols, { headers }); }
  }
  const doc = o.doc ?? new Y.Doc();
  const provider = new WebsocketProvider(collabUrl(serverUrl), draftId, doc, {
    WebSocketPolyfill: HeaderSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true, // else clients in one test process would sync with each other, not through the server
    maxBackoffTime: 200,
  });
  const closes: number[] = [];
  let onClose: (code: number) => void;
  const closed = new Promise<number>((resolve) => { onClose = resolve; });
  provider.on('connection-close', (event) => {
    if (!event) return;
    closes.push(event.code);
    onClose(event.code);
  });
  const synced = new Promise<void>((resolve) => {
    if (provider.synced) resolve();
    provider.on('sync', (s: boolean) => { if (s) resolve(); });
  });
  return {
    doc, provider, closes, closed, synced,
    text: () => documentText(doc),
    type(text) {
      const p = new Y.XmlElement('paragraph');
      p.insert(0, [new Y.XmlText(text)]);
      doc.getXmlFragment('default').push([p]);
    },
    destroy() {
      provider.destroy();
      doc.destroy();
    },
  };
}

export interface RawSocket {
  ws: WebSocket;
  opened: Promise<void>;
  /** Resolves with the close code. */
  closed: Promise<number>;
  received: Uint8Array[];
}

/** A bare WebSocket to /collab/<draftId>, for refusals and malformed input. */
export function rawSocket(serverUrl: string, draftId: string, headers: Record<string, string>): RawSocket {
  const ws = new WebSocket(`${collabUrl(serverUrl)}/${draftId}`, { headers });
  const received: Uint8Array[] = [];
  ws.on('message', (data) => received.push(new Uint8Array(data as Buffer)));
  ws.on('error', () => undefined);
  const opened = new Promise<void>((resolve) => ws.once('open', () => resolve()));
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  return { ws, opened, closed, received };
}

/** The close code a connection attempt ends with (the server completes the handshake, then closes). */
export async function refusalCode(serverUrl: string, draftId: string, headers: Record<string, string>) {
  const s = rawSocket(serverUrl, draftId, headers);
  return s.closed;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  url: string;
  proc: ChildProcess;
  /** Everything it printed (for failures). */
  output(): string;
  /** SIGKILL: no shutdown hooks run. */
  kill(): Promise<void>;
  /** SIGTERM and wait for a clean exit. */
  stop(): Promise<void>;
}

const ROOT = path.resolve(import.meta.dirname, '../..');

/** `node --import tsx server/main.ts` as a child process (production build), resolved once it listens. */
export async function spawnServer(env: Record<string, string>, port?: number): Promise<ServerProcess> {
  const listenPort = port ?? (await freePort());
  const proc = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production', HOST: '127.0.0.1', ...env,
      PORT: String(listenPort), LOG_LEVEL: 'info', // readiness is read from the 'listening' log line
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d) => { out += d; });
  proc.stderr!.on('data', (d) => { out += d; });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${listenPort}`;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 90_000);
    const check = () => {
      if (/"msg":"listening"/.test(out)) { clearTimeout(timer); resolve(); }
    };
    proc.stdout!.on('data', check);
    proc.once('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited (${code}):\n${out}`)); });
  });
  return {
    url, proc,
    output: () => out,
    async kill() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      await exited;
    },
  };
}

/** Logs in through the login form of any server; returns the Cookie header value. */
export async function loginAt(url: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${url}/login`, { method: 'POST', body: new URLSearchParams({ username, password }), redirect: 'manual' });
  const cookie = res.headers.get('set-cookie');
  if (res.status !== 302 || !cookie) throw new Error(`login as ${username} failed: ${res.status}`);
  return cookie.split(';')[0];
}

/** The text run of the first block whose text starts with `prefix` (an existing paragraph, heading, cell or list item). */
export function textRunOf(doc: Y.Doc, prefix: string): Y.XmlText {
  let found: Y.XmlText | null = null;
  const walk = (el: Y.XmlElement | Y.XmlFragment) => {
    for (const child of el.toArray()) {
      if (found) return;
      if (child instanceof Y.XmlText) {
        if ((child.toDelta() as Array<{ insert: unknown }>).map((d) => d.insert).join('').startsWith(prefix)) found = child;
      } else if (child instanceof Y.XmlElement) walk(child);
    }
  };
  walk(doc.getXmlFragment('default'));
  if (!found) throw new Error(`no block starting with ${prefix}`);
  return found;
}

/**
 * Types `text` into an existing block, as a click there and typing would: at its end, or in its
 * middle (after its first '，', which only the seeded text has: never inside an earlier insertion).
 */
export function typeInto(doc: Y.Doc, prefix: string, text: string, where: 'end' | 'middle' = 'end') {
  const run = textRunOf(doc, prefix);
  const comma = (run.toDelta() as Array<{ insert: unknown }>).map((d) => (typeof d.insert === 'string' ? d.insert : ' ')).join('').indexOf('，');
  run.insert(where === 'end' || comma < 0 ? run.length : comma + 1, text);
}

/** Who owns each Yjs client id of a draft, as stored: client id → user id. */
export async function storedClientOwners(db: Kysely<DB>, draftId: string): Promise<Map<number, string>> {
  const rows = await asOwner(db, (trx) => trx.selectFrom('draft_client_ids').select(['client_id', 'user_id']).where('draft_id', '=', draftId).execute());
  return new Map(rows.map((r) => [Number(r.client_id), r.user_id]));
}
