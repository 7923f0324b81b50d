import * as Y from 'yjs';
import { prosemirrorJSONToYDoc } from '@tiptap/y-tiptap';
import { DOCUMENT_FIELD, documentSchema } from './extensions';

/**
 * The initial state of a new draft from ProseMirror JSON (a new draft, an imported .docx, the demo
 * seed): store it as the draft's snapshot with last_update_id 0, once, on the server, before any
 * client connects (two separately seeded copies would show the text twice). Its content is written
 * under one fresh Yjs client id, to be recorded as the author's (attribution and diffs name them).
 */
export function documentStateFromJSON(json: unknown): { state: Uint8Array; clientId: number } {
  const doc = prosemirrorJSONToYDoc(documentSchema(), json, DOCUMENT_FIELD);
  try {
    return { state: Y.encodeStateAsUpdate(doc), clientId: doc.clientID };
  } finally {
    doc.destroy();
  }
}
