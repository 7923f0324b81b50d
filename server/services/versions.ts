import type { Kysely } from 'kysely';
import * as Y from 'yjs';
import { updateYFragment, yXmlFragmentToProseMirrorRootNode } from '@tiptap/y-tiptap';
import type { DB } from '../../db/schema';
import { withActor, type Executor } from '../../db';
import { listClientIds } from '../../db/queries/collab';
import { findDraftVersion, insertDraftVersion, listClientAuthors, listDraftVersions } from '../../db/queries/versions';
import { authorize, can, type Actor, type DraftRef } from '../../shared/policy';
import type { Region } from '../../shared/domain/model';
import { DOCUMENT_FIELD, documentSchema } from '../../shared/editor/extensions';
import { COMPARE_CURRENT, type VersionCompare } from '../../shared/validation/versions';
import { appendToStoredDocument, loadDocument } from '../collab/document';
import { dbActor } from './actor';
import { audit } from './audit';
import { NotFoundError } from './errors';
import type { CallContext } from './call';
import { draftAuditTarget, loadReadableDraft } from './draft-access';

/**
 * 版本: named versions of a draft (定稿前版本, 征求意见稿 ...). Saving stores the whole document as
 * Y.encodeStateAsUpdateV2; two such blobs are what the browser's read-only diff view renders
 * (docs/collaboration.md, "Versions and restore"). Reading follows draft.read; saving and restoring need
 * draft.edit. Restoring never rewrites history: the server computes the change that makes the
 * current text equal the old version's and applies it as a NEW change under a fresh Yjs client id
 * owned by the restorer, through the collaboration hub, so everyone connected sees it live and the
 * diff attributes the restored text to whoever restored it.
 */

type LoadedRef = DraftRef & { id: string; title: string };



/** The owning region's administrators see the entry; the actor's too when they come from the other region. */
async function auditVersion(trx: Executor, actor: Actor & { displayName?: string }, draft: LoadedRef, ip: string | undefined,
  action: string, detail: Record<string, unknown>) {
  for (const region of new Set<Region>([draft.ownerRegion, actor.region])) {
    await audit(trx, { actor, region, ip, action, target: draftAuditTarget(draft.id), detail: { title: draft.title, ...detail } });
  }
}

// ---- Authorship (who wrote under which Yjs client id) ----

export interface Person { name: string; org: string; region: string }
/**
 * The server's authorship table as the browser needs it: client id → user id, and who each user
 * is. The diff and attribution views build their PermanentUserData from this, never from anything
 * stored inside the shared document (any editor could change that).
 */
export interface Authorship { clientIds: Array<[number, string]>; people: Record<string, Person> }

async function authorshipOf(trx: Executor, draftId: string): Promise<Authorship> {
  const rows = await listClientAuthors(trx, draftId);
  const people: Record<string, Person> = {};
  for (const r of rows) people[r.userId] ??= { name: r.name, org: r.org, region: r.region };
  return { clientIds: rows.map((r) => [Number(r.clientId), r.userId]), people };
}

// ---- Documents ----

/** The stored document as a V2 blob: what a version holds, and what "the current state" is compared as. */
function encodeV2(doc: Y.Doc): Uint8Array {
  return Y.encodeStateAsUpdateV2(doc);
}

/** A version's document, as a throwaway Y.Doc (reading through a schema may drop content: docs/collaboration.md, trap 1). */
export function versionDocument(data: Uint8Array): Y.Doc {
  const doc = new Y.Doc();
  Y.applyUpdateV2(doc, data);
  return doc;
}

/** A Yjs client id in neither the document nor the authorship table: the restorer will own it. */
function freshClientId(current: Y.Doc, taken: ReadonlySet<number>): number {
  for (;;) {
    const id = Math.floor(Math.random() * 0xffffffff);
    if (!taken.has(id) && !current.store.clients.has(id)) return id;
  }
}

/**
 * The fragment without what it cannot hold at the top: content written before the server checked
 * the schema (a bare text run) cannot be read or compared block by block. Changes `fragment`.
 */
function blocksOnly(fragment: Y.XmlFragment): Y.XmlFragment {
  for (let i = fragment.length - 1; i >= 0; i--) if (!(fragment.get(i) instanceof Y.XmlElement)) fragment.delete(i, 1);
  return fragment;
}

/**
 * The change that turns `current` into the content of a version: on a copy under a fresh client id,
 * y-tiptap's updateYFragment replaces what differs (equal blocks at both ends are kept); the update
 * the copy emits is exactly that change (its inserts under the fresh id, its deletions). Null when
 * the text is already the version's. `current` is not modified.
 */
export function restoreUpdate(current: Y.Doc, versionData: Uint8Array, taken: ReadonlySet<number> = new Set()): Uint8Array | null {
  const old = versionDocument(versionData);
  const copy = new Y.Doc({ gc: true });
  try {
    const target = yXmlFragmentToProseMirrorRootNode(blocksOnly(old.getXmlFragment(DOCUMENT_FIELD)), documentSchema());
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(current));
    copy.clientID = freshClientId(current, taken);
    const updates: Uint8Array[] = [];
    copy.on('update', (u: Uint8Array) => updates.push(u));
    copy.transact(() => {
      updateYFragment(copy, blocksOnly(copy.getXmlFragment(DOCUMENT_FIELD)), target, { mapping: new Map(), isOMark: new Map() });
    }, 'restore');
    if (updates.length === 0) return null;
    return updates.length === 1 ? updates[0] : Y.mergeUpdates(updates);
  } finally {
    old.destroy();
    copy.destroy();
  }
}

/**
 * The last ≤250 ms of keystrokes are still buffered in the live server: store them before reading
 * the document. Only for someone the draft would answer (refused before the live server is touched).
 */
async function flushFor(db: Kysely<DB>, actor: Actor, draftId: string, action: 'draft.read' | 'draft.edit', call: CallContext) {
  if (!call.collab) return;
  await withActor(db, dbActor(actor), async (trx) => authorize(actor, action, await loadReadableDraft(trx, actor, draftId)));
  await call.collab.flush();
}

// ---- Reading ----

export interface VersionSummary {
  id: string; name: string; authorId: string; authorName: string; authorOrg: string; authorRegion: string; createdAt: Date;
}

/** The draft's versions (newest first), what the actor may do with them, and the authorship table. */
export async function listVersions(db: Kysely<DB>, actor: Actor, draftId: string) {
  return withActor(db, dbActor(actor), async (trx) => {
    const draft = await loadReadableDraft(trx, actor, draftId);
    const edit = can(actor, 'draft.edit', draft).allowed;
    const [versions, authorship] = await Promise.all([listDraftVersions(trx, draftId), authorshipOf(trx, draftId)]);
    return {
      draft: { id: draft.id, title: draft.title },
      versions: versions satisfies VersionSummary[],
      abilities: { save: edit, restore: edit },
      authorship,
    };
  });
}

/**
 * One version (its V2 data) and, when asked, what to compare it with: another version of the same
 * draft, or the current document (flushed from the live server first, so the last keystrokes count).
 * The two are returned oldest first as `before` → `after`.
 */
export async function openVersion(db: Kysely<DB>, actor: Actor, draftId: string, versionId: string, compare: VersionCompare | null, call: CallContext = {}) {
  if (compare === COMPARE_CURRENT) await flushFor(db, actor, draftId, 'draft.read', call);
  return withActor(db, dbActor(actor), async (trx) => {
    const draft = await loadReadableDraft(trx, actor, draftId);
    const row = await findDraftVersion(trx, draftId, versionId);
    if (!row) throw new NotFoundError('version');
    const { data, ...version } = row;
    let other: { kind: 'version'; version: VersionSummary; data: Uint8Array } | { kind: 'current'; data: Uint8Array } | null = null;
    if (compare === COMPARE_CURRENT) {
      const doc = await loadDocument(trx, draftId);
      other = { kind: 'current', data: encodeV2(doc) };
      doc.destroy();
    } else if (compare && compare !== versionId) {
      const found = await findDraftVersion(trx, draftId, compare);
      if (!found) throw new NotFoundError('version');
      const { data: otherData, ...otherVersion } = found;
      other = { kind: 'version', version: otherVersion, data: otherData };
    }
    const versionFirst = !other || other.kind === 'current' || other.version.createdAt >= version.createdAt;
    return {
      draft: { id: draft.id, title: draft.title },
      version: version satisfies VersionSummary,
      data,
      compare: other && {
        ...other,
        before: versionFirst ? data : other.data,
        after: versionFirst ? other.data : data,
      },
      abilities: { restore: can(actor, 'draft.edit', draft).allowed },
      authorship: await authorshipOf(trx, draftId),
    };
  });
}

// ---- Saving and restoring ----

/** Saves the current document (the live server flushed first) as a named version. */
export async function saveVersion(db: Kysely<DB>, actor: Actor, draftId: string, input: { name: string }, call: CallContext = {}) {
  await flushFor(db, actor, draftId, 'draft.edit', call);
  const { draft, id, bytes } = await withActor(db, dbActor(actor), async (trx) => {
    const draft = await loadReadableDraft(trx, actor, draftId);
    authorize(actor, 'draft.edit', draft);
    const doc = await loadDocument(trx, draftId);
    const data = encodeV2(doc);
    doc.destroy();
    const { id } = await insertDraftVersion(trx, { draftId, name: input.name, data, authorId: actor.id });
    await auditVersion(trx, actor, draft, call.ip, 'draft.version.save', { versionId: id, name: input.name });
    return { draft, id, bytes: data.byteLength };
  });
  await call.realtime?.recordChanged('draft', draftId, draft, 'updated');
  return { id, bytes };
}

/**
 * Restores a version as a new change: the current document becomes the version's content, and the
 * version list keeps every version (history is never rewritten). The change goes through the live
 * server when there is one (everyone connected sees it; stored like a client's), else straight to
 * the stored log. Returns whether anything changed.
 */
export async function restoreVersion(db: Kysely<DB>, actor: Actor, draftId: string, versionId: string, call: CallContext = {}) {
  const dbA = dbActor(actor);
  // Refused before the live server is touched.
  const { draft, name, versionData } = await withActor(db, dbA, async (trx) => {
    const draft = await loadReadableDraft(trx, actor, draftId);
    authorize(actor, 'draft.edit', draft);
    const row = await findDraftVersion(trx, draftId, versionId);
    if (!row) throw new NotFoundError('version');
    return { draft, name: row.name, versionData: row.data };
  });
  await call.collab?.flush();
  const update = await withActor(db, dbA, async (trx) => {
    const [current, owners] = await Promise.all([loadDocument(trx, draftId), listClientIds(trx, draftId)]);
    try {
      return restoreUpdate(current, versionData, new Set(owners.keys()));
    } finally {
      current.destroy();
    }
  });
  if (!update) return { changed: false };

  if (call.collab) {
    await call.collab.applyUpdate(draftId, update, dbA);
  } else {
    // No live server (scripts, tests): store it as the hub would for a document nobody has open.
    await withActor(db, dbA, (trx) => appendToStoredDocument(trx, draftId, update, actor.id));
  }
  await withActor(db, dbA, (trx) => auditVersion(trx, actor, draft, call.ip, 'draft.version.restore', { versionId, name }));
  await call.realtime?.recordChanged('draft', draftId, draft, 'updated');
  return { changed: true };
}
