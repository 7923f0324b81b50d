import StarterKit from '@tiptap/starter-kit';
import { TableKit } from '@tiptap/extension-table';
import { getSchema, type Extensions } from '@tiptap/core';

/**
 * The ONE list of document extensions, shared by the browser editor and the server (seeding,
 * text extraction, .docx import/export, versions). A server reading a live document with a schema
 * that lacks a node a client used would delete that content (docs/collaboration.md, trap 1).
 * Undo/redo is off: with collaboration, undo comes from the Yjs binding (per user).
 */
export const documentExtensions: Extensions = [
  StarterKit.configure({ undoRedo: false }),
  TableKit.configure({ table: { resizable: false } }),
];

/** The Yjs XML fragment Tiptap's Collaboration extension binds. */
export const DOCUMENT_FIELD = 'default';

let schema: ReturnType<typeof getSchema> | undefined;
export const documentSchema = () => (schema ??= getSchema(documentExtensions));
