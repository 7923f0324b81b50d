import { useEffect, useRef, useState } from 'react';
import { useFetcher } from '@remix-run/react';
import { Space, Switch, Typography } from 'antd';
import type { Editor } from '@tiptap/react';
import type { Node as PMNode } from '@tiptap/pm/model';
import { Plugin, PluginKey, type EditorState } from '@tiptap/pm/state';
import { Decoration, DecorationSet, type EditorView } from '@tiptap/pm/view';
import * as Y from 'yjs';
import { ySyncPluginKey } from '@tiptap/y-tiptap';
import type { Authorship, Person } from '../../../server/services/versions';
import { useT, type T } from '../../lib/i18n';
import { regionName } from '../../../shared/i18n/labels';
import { REGION_COLORS } from '../RegionTag';
import { InlineStyle } from '../InlineStyle';

/**
 * 按作者着色: colours the live text by who wrote it, as DECORATIONS over the live editor, computed
 * from the server's client-id table (draft_client_ids, read through the versions route's loader):
 * each Yjs item's client id → its author → a background per author and an underline in the
 * author's region colour, name, committee and region on hover. Decorations are view-only: nothing
 * is written to the shared document (no marks, no `users` map), and the person keeps editing with
 * the colours on. Chosen over a separate read-only copy because the point is to see, while
 * drafting, who wrote the paragraph in front of you; the diff view covers "what changed since".
 *
 * Keeping in step with the Y.Doc follows the comment highlights: a transaction that comes from Yjs
 * (remote edit, re-render) is recomputed at once (ProseMirror and Yjs agree then); a local edit
 * reaches the Y.Doc only in the view update, so decorations are mapped through it and recomputed
 * a moment later. Client ids the table does not know yet (someone just started typing) make the
 * table be fetched again; text under an id nobody owns (a draft's initial or imported content) is
 * shown as "author not recorded".
 */

export const attributionKey = new PluginKey<AttributionState>('draftAttribution');

interface AttributionState { decorations: DecorationSet; chars: Map<string | null, number>; unknown: Set<number> }
interface Lookup { owners: Map<number, string>; people: Record<string, Person>; colors: Map<string, string>; t: T }

/** Light backgrounds, one per author (dark text stays readable on each). */
const TINTS = ['#fff1b8', '#d6e4ff', '#d9f7be', '#ffd8bf', '#efdbff', '#b5f5ec', '#ffd6e7', '#f4ffb8', '#e6f4ff', '#fff7e6'];

export function authorColors(people: Record<string, Person>): Map<string, string> {
  // Sorted ids: everyone sees the same colour for the same person.
  return new Map(Object.keys(people).sort().map((id, i) => [id, TINTS[i % TINTS.length]]));
}

type YChild = Y.XmlElement | Y.XmlText | Y.XmlHook;
interface Run { from: number; to: number; client: number }

/** The text runs of a textblock's Y children (client id per run), or null if they do not fit the ProseMirror node. */
function textRuns(children: YChild[], node: PMNode, start: number): Run[] | null {
  const runs: Run[] = [];
  let pos = start;
  for (const child of children) {
    if (child instanceof Y.XmlText) {
      for (let item = child._start; item; item = item.right) {
        if (item.deleted || !item.countable) continue;
        const last = runs[runs.length - 1];
        if (last && last.to === pos && last.client === item.id.client) last.to += item.length;
        else runs.push({ from: pos, to: pos + item.length, client: item.id.client });
        pos += item.length;
      }
    } else {
      pos += 1; // an inline leaf (hard break)
    }
  }
  return pos - start === node.content.size ? runs : null;
}

/** Walks the Y fragment and the ProseMirror document side by side; a block that does not match is skipped. */
function authorRuns(fragment: Y.XmlFragment, doc: PMNode): Run[] {
  const runs: Run[] = [];
  const walk = (children: YChild[], node: PMNode, start: number) => {
    if (node.isTextblock) {
      runs.push(...(textRuns(children, node, start) ?? []));
      return;
    }
    if (children.length !== node.childCount) return;
    let pos = start;
    children.forEach((child, i) => {
      const pm = node.child(i);
      if (child instanceof Y.XmlElement && child.nodeName === pm.type.name) walk(child.toArray(), pm, pos + 1);
      pos += pm.nodeSize;
    });
  };
  walk(fragment.toArray(), doc, 0);
  return runs;
}

function compute(state: EditorState, lookup: Lookup): AttributionState {
  const ys = ySyncPluginKey.getState(state) as { type?: Y.XmlFragment } | undefined;
  const chars = new Map<string | null, number>();
  const unknown = new Set<number>();
  if (!ys?.type) return { decorations: DecorationSet.empty, chars, unknown };
  const decorations: Decoration[] = [];
  const { owners, people, colors, t } = lookup;
  for (const run of authorRuns(ys.type, state.doc)) {
    const userId = owners.get(run.client) ?? null;
    const person = userId ? people[userId] : undefined;
    chars.set(userId, (chars.get(userId) ?? 0) + (run.to - run.from));
    if (!person) {
      if (!userId) unknown.add(run.client);
      decorations.push(Decoration.inline(run.from, run.to, { class: 'draft-attribution draft-attribution--unknown', title: t('attribution.unknown') }));
      continue;
    }
    const region = REGION_COLORS[person.region] ?? '#555';
    decorations.push(Decoration.inline(run.from, run.to, {
      class: 'draft-attribution',
      style: `background-color: ${colors.get(userId!) ?? TINTS[0]}; box-shadow: inset 0 -2px 0 ${region};`,
      title: t('attribution.title', { name: person.name, org: person.org, region: regionName(t, person.region) }),
      'data-author': userId!,
    }));
  }
  return { decorations: DecorationSet.create(state.doc, decorations), chars, unknown };
}

/** The decoration plugin; `lookup()` is read on every compute, `report` hears each new state. */
function attributionPlugin(lookup: () => Lookup, report: (s: AttributionState) => void) {
  return new Plugin<AttributionState>({
    key: attributionKey,
    state: {
      init: (_config, state) => compute(state, lookup()),
      apply(tr, prev, _old, state) {
        const fromYjs = (tr.getMeta(ySyncPluginKey) as { isChangeOrigin?: boolean } | undefined)?.isChangeOrigin;
        if (fromYjs || tr.getMeta(attributionKey)) return compute(state, lookup());
        return tr.docChanged ? { ...prev, decorations: prev.decorations.map(tr.mapping, tr.doc) } : prev;
      },
    },
    props: { decorations: (state) => attributionKey.getState(state)?.decorations },
    view(view: EditorView) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      let last: AttributionState | undefined;
      const refresh = () => { if (!view.isDestroyed) view.dispatch(view.state.tr.setMeta(attributionKey, true)); };
      const tell = () => {
        const s = attributionKey.getState(view.state);
        if (s && s !== last && s.chars !== last?.chars) report(s);
        last = s;
      };
      tell();
      return {
        update(v, prevState) {
          // A local edit has just been written into the Y.Doc: recompute once typing pauses.
          if (v.state.doc !== prevState.doc && !(ySyncPluginKey.getState(v.state) as { isChangeOrigin?: boolean })?.isChangeOrigin) {
            clearTimeout(timer);
            timer = setTimeout(refresh, 250);
          }
          tell();
        },
        destroy() { clearTimeout(timer); },
      };
    },
  });
}

const STYLES = `
.draft-attribution { border-radius: 2px; }
.draft-attribution--unknown { text-decoration: underline dotted #8c8c8c; text-underline-offset: 4px; }
.draft-attribution-legend { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 6px; }
.draft-attribution-legend li { display: flex; gap: 8px; align-items: center; font-size: 13px; }
.draft-attribution-swatch { width: 18px; height: 14px; border-radius: 2px; flex: none; border: 1px solid #d9d9d9; }
`;

/**
 * The switch and, while on, the legend (each author present, their committee, region and how many
 * characters of the current text are theirs). Give it the live editor (null while loading).
 */
export function AttributionToggle({ editor, draftId }: { editor: Editor | null; draftId: string }) {
  const t = useT();
  const [on, setOn] = useState(false);
  const fetcher = useFetcher<{ authorship: Authorship }>();
  const authorship = fetcher.data?.authorship;
  const [chars, setChars] = useState<Map<string | null, number> | null>(null);
  const lookupRef = useRef<Lookup | null>(null);
  const asked = useRef(new Map<number, number>());
  const load = useRef(() => fetcher.load(`/drafts/${draftId}/versions`));
  load.current = () => fetcher.load(`/drafts/${draftId}/versions`);

  useEffect(() => { if (on) load.current(); }, [on, draftId]);

  // Install the plugin while on and the table is known; a newer table reaches it by a meta transaction.
  useEffect(() => {
    if (!on || !editor || editor.isDestroyed || !authorship) return;
    lookupRef.current = {
      owners: new Map(authorship.clientIds), people: authorship.people, colors: authorColors(authorship.people), t,
    };
    if (attributionKey.getState(editor.state)) {
      editor.view.dispatch(editor.state.tr.setMeta(attributionKey, true));
      return;
    }
    let retry: ReturnType<typeof setTimeout> | undefined;
    const report = (s: AttributionState) => {
      setChars(s.chars);
      // Ids nobody owned at the last fetch: someone may have just started typing. Ask again (twice at most per id).
      const fresh = [...s.unknown].filter((id) => (asked.current.get(id) ?? 0) < 2);
      if (fresh.length > 0 && !retry) {
        for (const id of fresh) asked.current.set(id, (asked.current.get(id) ?? 0) + 1);
        retry = setTimeout(() => { retry = undefined; load.current(); }, 1500);
      }
    };
    editor.registerPlugin(attributionPlugin(() => lookupRef.current!, report));
  }, [on, editor, authorship]);

  // Off (or unmounted): remove the decorations; the document itself was never changed.
  useEffect(() => {
    if (on || !editor) return;
    if (!editor.isDestroyed && attributionKey.getState(editor.state)) editor.unregisterPlugin(attributionKey);
    setChars(null);
  }, [on, editor]);
  useEffect(() => () => {
    if (editor && !editor.isDestroyed && attributionKey.getState(editor.state)) editor.unregisterPlugin(attributionKey);
  }, [editor]);

  const people = authorship?.people ?? {};
  const colors = authorColors(people);
  const entries = chars ? [...chars].filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]) : [];

  return (
    <>
      <InlineStyle css={STYLES} />
      <Space orientation="vertical" size="small" style={{ width: '100%', paddingBottom: 12, marginBottom: 12, borderBottom: '1px solid #f0f0f0' }}>
        <Space align="center">
          <Switch id="draft-attribution" size="small" checked={on} onChange={setOn} disabled={!editor}
            aria-describedby="draft-attribution-help" data-testid="attribution-toggle" />
          <label htmlFor="draft-attribution">{t('attribution.toggle')}</label>
        </Space>
        <Typography.Text id="draft-attribution-help" type="secondary" style={{ fontSize: 12 }}>{t('attribution.help')}</Typography.Text>
        {on && !chars && <Typography.Text type="secondary">{t('attribution.loading')}</Typography.Text>}
        {on && chars && (
          <ul className="draft-attribution-legend" aria-label={t('attribution.legend')} data-testid="attribution-legend">
            {entries.map(([userId, n]) => {
              const p = userId ? people[userId] : undefined;
              return (
                <li key={userId ?? 'unknown'}>
                  <span className="draft-attribution-swatch" aria-hidden="true" style={p
                    ? { background: colors.get(userId!), boxShadow: `inset 0 -3px 0 ${REGION_COLORS[p.region] ?? '#555'}` }
                    : { background: '#fff', borderStyle: 'dotted' }} />
                  <span>{p ? `${p.name}（${p.org} · ${regionName(t, p.region)}）` : t('attribution.unknown')}</span>
                  <span style={{ marginLeft: 'auto', whiteSpace: 'nowrap' }}>{t('attribution.chars', { n: n.toLocaleString('zh-CN') })}</span>
                </li>
              );
            })}
          </ul>
        )}
      </Space>
    </>
  );
}
