import { useEffect, useMemo, useRef } from 'react';
import * as Y from 'yjs';
import { Extension, Mark } from '@tiptap/core';
import { EditorContent, useEditor } from '@tiptap/react';
import type { Node as PMNode } from '@tiptap/pm/model';
import { ySyncPlugin, ySyncPluginKey } from '@tiptap/y-tiptap';
import { documentExtensions, documentSchema, DOCUMENT_FIELD } from '../../../shared/editor/extensions';
import type { Authorship, Person } from '../../../server/services/versions';
import { useT, type T } from '../../lib/i18n';
import { regionName } from '../../../shared/i18n/labels';
import { EditorStyles } from './editorStyles';
import { InlineStyle } from '../InlineStyle';

/**
 * 版本只读视图: a SEPARATE read-only Tiptap editor bound to a scratch Y.Doc (never the live
 * document: docs/collaboration.md, traps 2–4), rendering a saved state, or the difference between two saved
 * states, with y-tiptap's snapshot rendering: `setMeta(ySyncPluginKey, { snapshot, prevSnapshot })`
 * with two Y.encodeStateAsUpdateV2 blobs. y-tiptap replays both into its own history doc (gc off)
 * and marks what the later one added or removed as `ychange` marks (text) and `ychange` node
 * attributes (blocks), which this schema carries (without them the renderer deletes what it cannot
 * build). Authors come from a PermanentUserData built from the server's client-id table on a side
 * doc, never from a `users` map inside the shared document.
 */

// ---- The server's authorship as a PermanentUserData ----

/**
 * Yjs records who deleted text only if a client writes it into the PermanentUserData, and the
 * server's table records who WROTE under each client id, not who deleted: a deletion is reported
 * with the author of the deleted text (the mark says it is a deletion and that the deleter is
 * not recorded).
 */
class ServerAuthorship extends Y.PermanentUserData {
  override getUserByDeletedId(id: Y.ID): string | null {
    return super.getUserByDeletedId(id) ?? this.getUserByClientId(id.client);
  }
}

/**
 * The PermanentUserData of a draft on its own side doc, filled from the server's table in one
 * transaction (the stored shape setUserMapping would write: users → { ids, ds }) without
 * registering one observer per client id.
 */
export function permanentUserDataOf(authorship: Authorship): Y.PermanentUserData {
  const side = new Y.Doc();
  const users = side.getMap<Y.Map<unknown>>('users');
  const byUser = new Map<string, number[]>();
  for (const [clientId, userId] of authorship.clientIds) byUser.set(userId, [...(byUser.get(userId) ?? []), clientId]);
  side.transact(() => {
    for (const [userId, ids] of byUser) {
      const user = new Y.Map<unknown>();
      users.set(userId, user);
      user.set('ids', Y.Array.from(ids));
      user.set('ds', new Y.Array<Uint8Array>());
    }
  });
  return new ServerAuthorship(side, users);
}

// ---- Schema additions for the rendered changes ----

export interface YChange { user: string | null; type: 'added' | 'removed' }

/** The hover text of a change: who wrote it (name, committee, region), and for deletions that the deleter is unknown. */
export function describeChange(t: T, people: Record<string, Person>, change: YChange): string {
  const p = change.user ? people[change.user] : undefined;
  if (!p) return t(change.type === 'added' ? 'versions.insertedUnknown' : 'versions.deletedUnknown');
  const vars = { name: p.name, org: p.org, region: regionName(t, p.region) };
  return t(change.type === 'added' ? 'versions.insertedBy' : 'versions.deletedFrom', vars);
}

/** Inserted text as <ins>, deleted text as <del> (screen readers announce them), author on hover. */
const YChangeMark = Mark.create<{ describe: (c: YChange) => string }>({
  name: 'ychange',
  inclusive: false,
  addOptions() { return { describe: () => '' }; },
  addAttributes() {
    return {
      user: { default: null, rendered: false },
      type: { default: null, rendered: false },
      color: { default: null, rendered: false },
    };
  },
  parseHTML() { return []; },
  renderHTML({ mark }) {
    const change = mark.attrs as YChange;
    const added = change.type === 'added';
    return [added ? 'ins' : 'del', {
      class: `ychange ychange--${added ? 'added' : 'removed'}`,
      'data-ychange': change.type,
      'data-ychange-user': change.user ?? '',
      title: this.options.describe(change),
    }, 0];
  },
});

/** Every block node may carry `ychange` (a paragraph, list item or table row added or removed as a whole). */
const YChangeNodes = Extension.create<{ describe: (c: YChange) => string }>({
  name: 'ychangeNodes',
  addOptions() { return { describe: () => '' }; },
  addGlobalAttributes() {
    const types = Object.keys(documentSchema().nodes).filter((n) => n !== 'text' && n !== 'doc');
    return [{
      types,
      attributes: {
        ychange: {
          default: null,
          parseHTML: () => null,
          renderHTML: (attrs: Record<string, unknown>) => {
            const change = attrs.ychange as YChange | null;
            if (!change) return {};
            return { class: `ychange-block ychange-block--${change.type}`, 'data-ychange': change.type, title: this.options.describe(change) };
          },
        },
      },
    }];
  },
});

/** y-tiptap's sync plugin alone (no undo, no carets) on the scratch fragment, with the authorship. */
const SnapshotSync = Extension.create<{ fragment: Y.XmlFragment | null; permanentUserData: Y.PermanentUserData | null }>({
  name: 'versionSnapshotSync',
  addOptions() { return { fragment: null, permanentUserData: null }; },
  addProseMirrorPlugins() {
    if (!this.options.fragment) return [];
    return [ySyncPlugin(this.options.fragment, { permanentUserData: this.options.permanentUserData })];
  },
});

const STYLES = `
.version-view .ProseMirror { min-height: 240px; }
.version-view ins.ychange--added { text-decoration: underline 2px #389e0d; text-underline-offset: 3px; background: #d9f7be; color: inherit; }
.version-view del.ychange--removed { text-decoration: line-through 2px #cf1322; background: #fff1f0; color: #a8071a; }
.version-view .ychange-block--added { box-shadow: inset 3px 0 0 #389e0d; background: #f6ffed; }
.version-view .ychange-block--removed { box-shadow: inset 3px 0 0 #cf1322; background: #fff1f0; }
.version-view ins.ychange:hover, .version-view del.ychange:hover { outline: 1px dashed currentColor; }
`;

// ---- The view ----

/** Base64 (as loaders send bytes) → bytes. */
export function fromBase64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

interface Props {
  /** The state to show (V2, base64). */
  after: string;
  /** The earlier state (V2, base64): its differences with `after` are highlighted. Omitted: `after` alone. */
  before?: string;
  authorship: Authorship;
  /** Accessible name of the read-only text. */
  label: string;
  /** Called with the rendered document each time a render lands (for the legend and counts). */
  onRendered?: (doc: PMNode) => void;
}

/** A saved state of a draft, or the changes between two, read-only. Browser only (mount after hydration). */
export function VersionView({ after, before, authorship, label, onRendered }: Props) {
  const t = useT();
  const rendered = useRef(onRendered);
  rendered.current = onRendered;
  const authorshipKey = JSON.stringify(authorship.clientIds);
  // One scratch document and one PermanentUserData per authorship: nothing here is ever the live doc.
  // (Left to the garbage collector: React's development double effects would reuse a destroyed doc.)
  const { scratch, pud } = useMemo(
    () => ({ scratch: new Y.Doc(), pud: permanentUserDataOf(authorship) }),
    [authorshipKey],
  );
  const describe = (c: YChange) => describeChange(t, authorship.people, c);
  const describeRef = useRef(describe);
  describeRef.current = describe;

  const editor = useEditor({
    immediatelyRender: false,
    editable: false,
    extensions: [
      ...documentExtensions,
      YChangeMark.configure({ describe: (c) => describeRef.current(c) }),
      YChangeNodes.configure({ describe: (c) => describeRef.current(c) }),
      SnapshotSync.configure({ fragment: scratch.getXmlFragment(DOCUMENT_FIELD), permanentUserData: pud }),
    ],
    editorProps: {
      attributes: { role: 'document', 'aria-label': label, 'data-testid': 'version-view' },
    },
    onUpdate: ({ editor: e }) => rendered.current?.(e.state.doc),
  }, [scratch, pud]);

  useEffect(() => {
    if (!editor) return;
    const snapshot = fromBase64(after);
    const prevSnapshot = before ? fromBase64(before) : snapshot;
    editor.view.dispatch(editor.state.tr.setMeta(ySyncPluginKey, { snapshot, prevSnapshot }));
    return () => {
      // Leave the snapshot with unrenderSnapshot (docs/collaboration.md, trap 4), never by setting it to null.
      if (editor.isDestroyed) return;
      const binding = ySyncPluginKey.getState(editor.state)?.binding;
      if (binding?.prosemirrorView) binding.unrenderSnapshot();
    };
  }, [editor, after, before]);

  return (
    <div className="draft-editor version-view">
      <EditorStyles />
      <InlineStyle css={STYLES} />
      {editor ? <EditorContent editor={editor} /> : <p>{t('versions.rendering')}</p>}
    </div>
  );
}
