import * as Y from 'yjs';
import { DOCUMENT_FIELD } from '../../shared/editor/extensions';
import type { Executor } from '../../db';
import { appendUpdates, claimClientIds, readStoredDocument, setPlainTexts, type StoredDocument } from '../../db/queries/collab';
import { ForgedClientId } from './authorship';
import { writersOf } from './protocol';

/**
 * Helpers over a draft's stored Yjs document, for the collaboration server and for services
 * (versions, restore, export); a new draft's first state is shared/editor/state.ts. None of them
 * reads a live document through a schema (docs/collaboration.md, trap 1: that can delete what the schema lacks).
 */

/** A new document holding a stored state (snapshot, then the log in id order). */
export function documentFromStored(stored: StoredDocument): Y.Doc {
  const doc = new Y.Doc({ gc: true });
  // One transaction for the whole load: observers and cleanup run once, not once per row.
  doc.transact(() => {
    if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
    for (const u of stored.updates) Y.applyUpdate(doc, u.data);
  });
  return doc;
}

/**
 * The stored document of a draft as a new Y.Doc (snapshot + tail). Runs under the caller's
 * transaction, hence its actor's row-level security. It does not include the last ≤250 ms of edits
 * still buffered in a live server: call `collab.flush(draftId)` first when that matters.
 */
export async function loadDocument(trx: Executor, draftId: string): Promise<Y.Doc> {
  return documentFromStored(await readStoredDocument(trx, draftId));
}

/**
 * Stores a change made on the server for `userId` (a restore) into a document nobody has open:
 * its client ids must be the user's (claimed now if new), the update is appended to the log, and
 * the plain text follows (no live server keeps it current). Runs under the caller's transaction.
 */
export async function appendToStoredDocument(trx: Executor, draftId: string, update: Uint8Array, userId: string) {
  const owners = await claimClientIds(trx, draftId, writersOf(update), userId);
  for (const [id, owner] of owners) if (owner !== userId) throw new ForgedClientId(`client id ${id} belongs to another user`);
  await appendUpdates(trx, [{ draftId, updates: [update], userId }]);
  const doc = await loadDocument(trx, draftId);
  await setPlainTexts(trx, [{ draftId, text: documentText(doc) }]);
  doc.destroy();
}

/** Paragraph-like elements hold text runs directly; everything else (lists, tables, cells) only holds blocks. */
const isTextBlock = (children: Array<Y.XmlElement | Y.XmlText | Y.XmlHook>) => children.some((c) => c instanceof Y.XmlText);

function inlineText(children: Array<Y.XmlElement | Y.XmlText | Y.XmlHook>): string {
  let out = '';
  for (const c of children) {
    if (c instanceof Y.XmlText) {
      for (const op of c.toDelta() as Array<{ insert?: unknown }>) {
        if (typeof op.insert === 'string') out += op.insert;
      }
    } else if (c instanceof Y.XmlElement) {
      out += c.nodeName === 'hardBreak' ? '\n' : inlineText(c.toArray());
    }
  }
  return out;
}

/**
 * The plain text of a document, blocks separated by '\n' (like Tiptap's getText with
 * blockSeparator '\n'), read without a schema and without changing the document.
 */
export function documentText(doc: Y.Doc): string {
  const lines: string[] = [];
  const walk = (children: Array<Y.XmlElement | Y.XmlText | Y.XmlHook>) => {
    for (const c of children) {
      if (!(c instanceof Y.XmlElement)) continue;
      const inner = c.toArray();
      if (inner.length === 0 || isTextBlock(inner)) lines.push(inlineText(inner));
      else walk(inner);
    }
  };
  const fragment = doc.share.get(DOCUMENT_FIELD);
  // A document nobody has written yet has no such root type: do not create one on a live doc.
  if (fragment) walk(doc.getXmlFragment(DOCUMENT_FIELD).toArray());
  return lines.join('\n');
}
