import { Extension, type Editor } from '@tiptap/core';
import { Plugin, PluginKey, type EditorState, type Transaction } from '@tiptap/pm/state';
import { Decoration, DecorationSet } from '@tiptap/pm/view';
import * as Y from 'yjs';
import { absolutePositionToRelativePosition, relativePositionToAbsolutePosition, ySyncPluginKey } from '@tiptap/y-tiptap';
import type { CommentAnchor } from '../../../shared/validation/comments';

/**
 * Comment highlights: decorations over the text each open thread is anchored to. Comments are NOT
 * marks in the document (a commenter has no write access, docs/collaboration.md): the anchors are Yjs relative
 * positions kept in the database, resolved here against the live Y.Doc.
 *
 * When to resolve: a transaction that comes from Yjs (another person's edit, the first sync) moves
 * the anchors in ways only the Y.Doc knows, so every anchor is resolved again; a local edit is
 * applied to ProseMirror before y-sync writes it into the Y.Doc (in the view update), so during
 * that transaction the Y.Doc is one step behind and the ranges are mapped through the step
 * instead (the same split y-tiptap's caret plugin makes). New threads from the server resolve too.
 */

export interface AnchoredThread { id: string; anchor: CommentAnchor | null }
export interface Range { from: number; to: number }

/** Where each thread sits now: a range, 'orphaned' (its text was deleted) or 'pending' (not loaded yet). */
export type Placement = Range | 'orphaned' | 'pending';

export interface CommentHighlightState {
  threads: AnchoredThread[];
  placements: Map<string, Placement>;
  /** The thread chosen in the panel or clicked in the text. */
  active: string | null;
  /** The selection a new comment is being written on; it follows edits until it is sent. */
  composing: Composing | null;
  decorations: DecorationSet;
}

/** A range being commented on, with its anchor taken when it was chosen (to follow remote edits). */
export interface Composing extends Range { anchor: CommentAnchor | null }

type Meta = { threads?: AnchoredThread[]; active?: string | null; composing?: Composing | null };

export const commentHighlightsKey = new PluginKey<CommentHighlightState>('commentHighlights');

declare module '@tiptap/core' {
  interface Commands<ReturnType> {
    commentHighlights: {
      /** Starts a comment on the current (non-empty) selection; the panel opens its form. */
      startComment: () => ReturnType;
      cancelComment: () => ReturnType;
      setCommentThreads: (threads: AnchoredThread[]) => ReturnType;
      setActiveComment: (id: string | null) => ReturnType;
    };
  }
}

const isKnown = (doc: Y.Doc, id: { client: number; clock: number } | undefined) =>
  !id || Y.getState(doc.store, id.client) > id.clock;

type SyncState = { doc: Y.Doc; type: Y.XmlFragment; binding: { mapping: any } | null } | undefined;

/** Resolves one anchor against the live Y.Doc; a malformed anchor counts as deleted text. */
function place(state: EditorState, ys: SyncState, anchor: CommentAnchor | null): Placement {
  if (!anchor || !ys?.binding?.mapping) return anchor ? 'pending' : 'orphaned';
  try {
    // Items this copy has not received yet (still syncing): not deleted, just not here yet.
    const ends = [anchor.from, anchor.to];
    if (!ends.every((p) => isKnown(ys.doc, p.item) && isKnown(ys.doc, p.type))) return 'pending';
    const [from, to] = ends.map((p) => relativePositionToAbsolutePosition(
      ys.doc, ys.type, Y.createRelativePositionFromJSON(p), ys.binding!.mapping,
    ));
    if (from === null || to === null || from >= to || to > state.doc.content.size) return 'orphaned';
    return { from, to };
  } catch {
    return 'orphaned';
  }
}

function mapRange(tr: Transaction, r: Range): Range | null {
  // Typing at the start of the range joins it, typing at its end does not (as the Yjs anchors behave).
  const from = tr.mapping.map(r.from, -1);
  const to = tr.mapping.map(r.to, -1);
  return from < to ? { from, to } : null;
}

function decorate(state: EditorState, placements: Map<string, Placement>, active: string | null, composing: Composing | null) {
  const decorations: Decoration[] = [];
  for (const [id, p] of placements) {
    if (typeof p === 'string') continue;
    decorations.push(Decoration.inline(p.from, p.to, {
      class: id === active ? 'comment-highlight comment-highlight--active' : 'comment-highlight',
      'data-thread-id': id,
    }, { threadId: id }));
  }
  if (composing) decorations.push(Decoration.inline(composing.from, composing.to, { class: 'comment-highlight comment-highlight--composing' }));
  return DecorationSet.create(state.doc, decorations);
}

function resolveAll(state: EditorState, ys: SyncState, threads: AnchoredThread[]) {
  return new Map(threads.map((t) => [t.id, place(state, ys, t.anchor)] as const));
}

export function commentHighlightsPlugin() {
  return new Plugin<CommentHighlightState>({
    key: commentHighlightsKey,
    state: {
      init: (_, state) => ({ threads: [], placements: new Map(), active: null, composing: null, decorations: DecorationSet.create(state.doc, []) }),
      apply(tr, prev, old, state) {
        const meta = tr.getMeta(commentHighlightsKey) as Meta | undefined;
        // Read the transaction's own meta: the y-sync plugin's new state may not be computed yet.
        const fromYjs = !!tr.getMeta(ySyncPluginKey)?.isChangeOrigin;
        if (!meta && !tr.docChanged && !fromYjs) return prev;
        const threads = meta?.threads ?? prev.threads;
        // The binding, its Y.Doc and mapping are the same objects in the old and the new state.
        const ys = (ySyncPluginKey.getState(state) ?? ySyncPluginKey.getState(old)) as SyncState;
        let placements: Map<string, Placement>;
        if (fromYjs || meta?.threads) {
          placements = resolveAll(state, ys, threads);
        } else if (tr.docChanged) {
          placements = new Map([...prev.placements].map(([id, p]) => [id, typeof p === 'string' ? p : mapRange(tr, p) ?? 'orphaned'] as const));
        } else {
          placements = prev.placements;
        }
        const active = meta && 'active' in meta ? meta.active ?? null : prev.active;
        let composing = meta && 'composing' in meta ? meta.composing ?? null : prev.composing;
        if (composing && tr.docChanged && !(meta && 'composing' in meta)) {
          // A remote change replaces the whole ProseMirror document: only the Yjs anchor knows where the text went.
          const p = fromYjs ? place(state, ys, composing.anchor) : mapRange(tr, composing);
          composing = p && typeof p !== 'string' ? { ...p, anchor: composing.anchor } : null;
        }
        return { threads, placements, active, composing, decorations: decorate(state, placements, active, composing) };
      },
    },
    props: {
      decorations: (state) => commentHighlightsKey.getState(state)?.decorations,
      // Clicking highlighted text opens its thread in the panel (the innermost, if threads overlap).
      handleClick(view, pos) {
        const s = commentHighlightsKey.getState(view.state);
        if (!s) return false;
        const here = s.decorations.find(pos, pos, (spec) => typeof spec.threadId === 'string');
        const hit = here.sort((a, b) => (a.to - a.from) - (b.to - b.from))[0];
        const id = (hit?.spec.threadId as string | undefined) ?? null;
        if (id !== s.active) view.dispatch(view.state.tr.setMeta(commentHighlightsKey, { active: id } satisfies Meta));
        return false;
      },
    },
  });
}

/** The Tiptap extension: the plugin, its commands, and Ctrl/Cmd+Alt+M to comment on the selection. */
export const CommentHighlights = Extension.create({
  name: 'commentHighlights',
  addProseMirrorPlugins: () => [commentHighlightsPlugin()],
  addCommands: () => ({
    startComment: () => ({ state, tr, dispatch }) => {
      const { from, to, empty } = state.selection;
      if (empty || !state.doc.textBetween(from, to, ' ').trim()) return false;
      if (dispatch) tr.setMeta(commentHighlightsKey, { composing: { from, to, anchor: anchorOf(state, { from, to }) }, active: null } satisfies Meta);
      return true;
    },
    cancelComment: () => ({ tr, dispatch }) => {
      if (dispatch) tr.setMeta(commentHighlightsKey, { composing: null } satisfies Meta);
      return true;
    },
    setCommentThreads: (threads) => ({ tr, dispatch }) => {
      if (dispatch) tr.setMeta(commentHighlightsKey, { threads } satisfies Meta);
      return true;
    },
    setActiveComment: (id) => ({ tr, dispatch }) => {
      if (dispatch) tr.setMeta(commentHighlightsKey, { active: id } satisfies Meta);
      return true;
    },
  }),
  addKeyboardShortcuts() {
    return { 'Mod-Alt-m': () => this.editor.commands.startComment() };
  },
});

export const commentState = (editor: Editor) => commentHighlightsKey.getState(editor.state);

/** The text a comment is about, shortened for storage and display. */
export function quoteOf(state: EditorState, r: Range, max = 500): string {
  const text = state.doc.textBetween(r.from, r.to, ' ').replace(/\s+/g, ' ').trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * A range as Yjs relative positions (Y.relativePositionToJSON), via the y-sync binding's mapping:
 * the anchor stored with a new thread. Null when the editor is not bound yet.
 */
export function anchorOf(state: EditorState, r: Range): CommentAnchor | null {
  const ys = ySyncPluginKey.getState(state);
  if (!ys?.binding?.mapping) return null;
  const rel = (pos: number) => Y.relativePositionToJSON(absolutePositionToRelativePosition(pos, ys.type, ys.binding.mapping));
  return JSON.parse(JSON.stringify({ from: rel(r.from), to: rel(r.to) })) as CommentAnchor;
}
