import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useFetcher } from '@remix-run/react';
import { Alert, App, Button, Space, Typography } from 'antd';
import { CommentOutlined } from '@ant-design/icons';
import { useEditorState, type Editor } from '@tiptap/react';
import { BubbleMenu } from '@tiptap/react/menus';
import {
  commentCreateSchema, commentReplySchema, splitMentions, type CommentAnchor,
} from '../../../shared/validation/comments';
import { parseWith, type FieldErrors } from '../../../shared/validation/parse';
import { formatDateTime } from '../../../shared/format/datetime';
import { useLocale, useT } from '../../lib/i18n';
import { RegionTag } from '../RegionTag';
import { anchorOf, commentHighlightsKey, quoteOf, type Placement } from './commentHighlights';
import { InlineStyle } from '../InlineStyle';
import { useWhenOnline } from '../../lib/submit';
import { Confirm } from '../Confirm';
import { CommentForm } from './CommentForm';

/**
 * 评论 panel beside the draft: threads in the order of the text they are anchored to, each
 * highlighted in the editor (commentHighlights.ts); replies, resolve/reopen, delete and @mentions.
 * Threads whose text was deleted gather under "原文已删除"; resolved ones are folded away. The data
 * comes from the page's loader, which revalidates when anyone changes a comment (live event).
 */

type When = string | Date;
export interface PanelComment {
  id: string; authorId: string; authorName: string; authorOrg: string; authorRegion: string; body: string; createdAt: When; canDelete: boolean;
}
export interface PanelThread extends PanelComment {
  anchor: CommentAnchor | null; quote: string | null; resolvedAt: When | null; resolvedByName: string | null; replies: PanelComment[];
}
export interface Person { id: string; name: string; org: string; region: string }
export interface CommentsData {
  threads: PanelThread[];
  mentionable: Person[];
  names: Record<string, string>;
  abilities: { comment: boolean; manage: boolean };
}

type Result = { ok: boolean; intent?: string; errors?: FieldErrors; message?: string };

const CSS = `
.comment-highlight { background: #fadb1466; border-bottom: 2px solid #d4b106; cursor: pointer; }
.comment-highlight--active { background: #ffc53d99; border-bottom-color: #ad6800; }
.comment-highlight--composing { background: #1d39c433; border-bottom: 2px dashed #1d39c4; }
.comments-panel h3 { font-size: 14px; margin: 12px 0 6px; color: rgba(0,0,0,0.65); }
.comment-thread { border: 1px solid #f0f0f0; border-left: 3px solid #d4b106; border-radius: 6px; padding: 8px 10px; margin: 0 0 8px; background: #fff; }
.comment-thread--active { border-color: #ad6800; box-shadow: 0 0 0 2px #ffc53d66; }
.comment-thread--orphaned, .comment-thread--resolved { border-left-color: #bfbfbf; }
.comment-thread__quote { display: block; width: 100%; text-align: left; background: #fafafa; border: 0; border-left: 2px solid #d9d9d9;
  padding: 2px 8px; margin: 0 0 6px; color: rgba(0,0,0,0.65); font-size: 13px; cursor: pointer; overflow: hidden;
  text-overflow: ellipsis; white-space: nowrap; }
.comment-thread__quote:disabled { cursor: default; text-decoration: line-through; }
.comment { margin: 0 0 6px; }
.comment + .comment { border-top: 1px dashed #f0f0f0; padding-top: 6px; }
.comment__meta { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 6px; font-size: 12px; color: rgba(0,0,0,0.65); }
.comment__body { white-space: pre-wrap; word-break: break-word; margin: 2px 0 0; font-size: 14px; }
.comment-mention { color: #1d39c4; font-weight: 600; }
`;

/** The floating "评论" button over a selection (editors and commenters; also Ctrl/Cmd+Alt+M). */
export function CommentBubbleMenu({ editor }: { editor: Editor }) {
  const t = useT();
  return (
    <BubbleMenu
      editor={editor}
      pluginKey="commentBubble"
      // Over a non-empty selection while no comment is being written: in a focused editor, or in a
      // commenter's read-only one (it never takes focus; Tiptap's default would never show there).
      shouldShow={({ editor: e, view, state, from, to }) => (view.hasFocus() || !e.isEditable)
        && from < to && !!state.doc.textBetween(from, to, ' ').trim() && !commentHighlightsKey.getState(state)?.composing}
    >
      <Button
        size="small" type="primary" icon={<CommentOutlined />} data-testid="comment-bubble"
        onMouseDown={(e) => e.preventDefault()}
        onClick={() => {
          editor.commands.startComment();
          editor.view.dispatch(editor.state.tr.setMeta('commentBubble', 'hide'));
        }}
      >
        {t('comments.comment')}
      </Button>
    </BubbleMenu>
  );
}

/**
 * Gives the focus to the thread just posted once it is on the page, and again while the list settles: placed
 * by its anchor a moment later, the thread moves in the list, and a moved element loses the focus. Stops after
 * two seconds, or once the person has put the focus anywhere else.
 */
function focusPosted(find: () => HTMLElement | null, until = Date.now() + 2000, taken = false) {
  const at = document.activeElement;
  const thread = find();
  // Until the thread has had the focus once, it takes it from the closing composer, wherever that left it.
  const adrift = !taken || !at || at === document.body || at.id === 'main';
  if (thread && adrift) thread.focus();
  if (Date.now() < until && (adrift || at === thread)) requestAnimationFrame(() => focusPosted(find, until, taken || !!thread));
}

/** Sends one intent to the draft page's action; reports its outcome once. */
function useCommentAction(draftId: string, onDone?: (r: Result) => void) {
  const fetcher = useFetcher<Result>();
  const { message } = App.useApp();
  const t = useT();
  const whenOnline = useWhenOnline();
  const done = useRef(onDone);
  done.current = onDone;
  useEffect(() => {
    const r = fetcher.data;
    if (fetcher.state !== 'idle' || !r) return;
    if (r.ok && r.message) message.success(t(r.message));
    if (!r.ok && r.errors?._form) message.error(t(r.errors._form));
    done.current?.(r);
  }, [fetcher.state, fetcher.data]);
  const send = (body: Record<string, unknown>) =>
    whenOnline(() => fetcher.submit(body as never, { method: 'post', encType: 'application/json', action: `/drafts/${draftId}` }));
  const pending = fetcher.state !== 'idle' ? (fetcher.json as Record<string, unknown> | undefined) : undefined;
  return { send, busy: fetcher.state !== 'idle', pending };
}

/** Resolve, reopen and delete share one sender owned by the panel (it outlives a deleted thread's toast). */
type Act = ReturnType<typeof useCommentAction>;
const isPending = (act: Act, key: 'threadId' | 'commentId', id: string) => act.pending?.[key] === id;

function Body({ body, names }: { body: string; names: Record<string, string> }) {
  const t = useT();
  return (
    <p className="comment__body">
      {splitMentions(body).map((part, i) => ('text' in part ? <span key={i}>{part.text}</span>
        : <span key={i} className="comment-mention">@{names[part.userId] ?? t('comments.someone')}</span>))}
    </p>
  );
}

function CommentItem({ c, names, meId, act, root }: { c: PanelComment; names: Record<string, string>; meId: string; act: Act; root: boolean }) {
  const t = useT();
  const locale = useLocale();
  return (
    <div className="comment" data-comment-id={c.id}>
      <div className="comment__meta">
        <Typography.Text strong>{c.authorName}{c.authorId === meId ? t('comments.me') : ''}</Typography.Text>
        <span>{c.authorOrg}</span>
        <RegionTag region={c.authorRegion} />
        <time dateTime={new Date(c.createdAt).toISOString()}>{formatDateTime(c.createdAt, locale)}</time>
        {c.canDelete && (
          <Confirm title={t(root ? 'comments.deleteThreadConfirm' : 'comments.deleteConfirm')} onConfirm={() => act.send({ intent: 'deleteComment', commentId: c.id })}>
            <Button size="small" type="link" danger loading={isPending(act, 'commentId', c.id)} aria-label={t('comments.deleteNamed', { name: c.authorName })}>{t('comments.delete')}</Button>
          </Confirm>
        )}
      </div>
      <Body body={c.body} names={names} />
    </div>
  );
}

function Thread({ thread, data, meId, draftId, act, state, active, onShow, replyText, onReplyChange }: {
  thread: PanelThread; data: CommentsData; meId: string; draftId: string; act: Act;
  state: 'open' | 'orphaned' | 'resolved'; active: boolean; onShow?: () => void;
  /** The reply being written (undefined: none); the panel keeps it while the thread moves (resolved by someone). */
  replyText: string | undefined; onReplyChange: (text: string | undefined) => void;
}) {
  const t = useT();
  const replying = replyText !== undefined;
  const setReplying = (on: boolean) => onReplyChange(on ? '' : undefined);
  const [error, setError] = useState<string>();
  const names = { ...Object.fromEntries(data.mentionable.map((p) => [p.id, p.name])), ...data.names };
  const reply = useCommentAction(draftId, (r) => {
    if (r.intent !== 'reply') return;
    if (r.ok) { setReplying(false); setError(undefined); } else setError(t(r.errors?.body ?? r.errors?._form ?? 'comments.failed'));
  });
  const send = (body: string) => {
    const p = parseWith(commentReplySchema, { threadId: thread.id, body });
    if (!p.ok) { setError(t(p.errors.body ?? 'validation.invalid')); return; }
    setError(undefined);
    reply.send({ intent: 'reply', threadId: thread.id, body });
  };
  const classes = ['comment-thread', `comment-thread--${state}`, active ? 'comment-thread--active' : ''].join(' ');
  return (
    <article id={`comment-thread-${thread.id}`} className={classes} data-thread-id={thread.id} data-testid="comment-thread" aria-current={active || undefined}
      tabIndex={-1}>
      {thread.quote && (
        <button type="button" className="comment-thread__quote" onClick={onShow} disabled={!onShow}
          title={thread.quote} aria-label={t('comments.showInText', { quote: thread.quote })}>
          “{thread.quote}”
        </button>
      )}
      <CommentItem c={thread} names={names} meId={meId} act={act} root />
      {thread.replies.map((c) => <CommentItem key={c.id} c={c} names={names} meId={meId} act={act} root={false} />)}
      {thread.resolvedAt && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('comments.resolvedBy', { name: thread.resolvedByName ?? '' })}</Typography.Text>}
      {data.abilities.comment && (
        <div>
          <Space size={4} wrap>
            {state !== 'resolved' && !replying && <Button size="small" onClick={() => setReplying(true)}>{t('comments.reply')}</Button>}
            <Button size="small" loading={isPending(act, 'threadId', thread.id)}
              onClick={() => act.send({ intent: state === 'resolved' ? 'reopen' : 'resolve', threadId: thread.id })}>
              {t(state === 'resolved' ? 'comments.reopen' : 'comments.resolve')}
            </Button>
          </Space>
          {replying && (
            <CommentForm
              label={t('comments.replyTo', { name: thread.authorName })} placeholder={t('comments.replyPlaceholder')}
              submitLabel={t('comments.sendReply')} people={data.mentionable} busy={reply.busy} error={error} autoFocus
              text={replyText} onTextChange={onReplyChange}
              onSubmit={send} onCancel={() => { setReplying(false); setError(undefined); }} testId="comment-reply-form"
            />
          )}
        </div>
      )}
    </article>
  );
}

/** What the panel needs from the editor, re-read on every transaction. */
function useCommentPlacement(editor: Editor | null) {
  return useEditorState({
    editor,
    selector: ({ editor: e }) => {
      const s = e && !e.isDestroyed ? commentHighlightsKey.getState(e.state) : undefined;
      return {
        placements: s ? [...s.placements] as Array<[string, Placement]> : [],
        active: s?.active ?? null,
        composing: s?.composing ? { from: s.composing.from, to: s.composing.to } : null,
        hasSelection: !!e && !e.state.selection.empty,
      };
    },
  }) ?? { placements: [], active: null, composing: null, hasSelection: false };
}

export function CommentsPanel({ draftId, editor, meId, data: loaded }: { draftId: string; editor: Editor | null; meId: string; data: CommentsData }) {
  const t = useT();
  const locale = useLocale();
  // Nobody needs to mention themselves.
  const data = { ...loaded, mentionable: loaded.mentionable.filter((p) => p.id !== meId) };
  const view = useCommentPlacement(editor);
  const [error, setError] = useState<FieldErrors>({});
  const act = useCommentAction(draftId);
  // Replies being written, by thread: kept while a thread moves between the groups (someone resolved it);
  // a thread deleted meanwhile leaves its unsent text here, shown to copy.
  const [replies, setReplies] = useState<Record<string, string>>({});
  const [unsent, setUnsent] = useState<string | null>(null);
  const setReply = (id: string) => (text: string | undefined) => setReplies((r) => {
    const { [id]: _, ...rest } = r;
    return text === undefined ? rest : { ...rest, [id]: text };
  });
  // The resolved group opens while a reply is written in it (its thread resolved by someone meanwhile), so
  // that the reply stays in sight, and then stays as the person leaves it.
  const [resolvedOpen, setResolvedOpen] = useState(false);
  const replyingInResolved = data.threads.some((th) => th.resolvedAt && replies[th.id] !== undefined);
  // Kept open at once (its toggle event comes later, and may come after the reply is sent).
  useEffect(() => { if (replyingInResolved) setResolvedOpen(true); }, [replyingInResolved]);
  const threadIds = data.threads.map((th) => th.id).join();
  useEffect(() => {
    const here = new Set(data.threads.map((th) => th.id));
    const gone = Object.keys(replies).filter((id) => !here.has(id));
    if (gone.length === 0) return;
    const text = gone.map((id) => replies[id]).filter((r) => r.trim()).join('\n\n');
    if (text) setUnsent(text);
    setReplies((r) => Object.fromEntries(Object.entries(r).filter(([id]) => here.has(id))));
  }, [threadIds]);
  // Posted, the comment takes the keyboard's focus from the composer, which closes. Its result arrives with
  // the reloaded threads (the fetcher is idle once they are in); the threads there were before sending tell
  // it apart.
  const threadsBefore = useRef<Set<string>>(new Set());
  const latest = useRef(data);
  latest.current = data;
  const create = useCommentAction(draftId, (r) => {
    if (r.intent !== 'comment') return;
    if (!r.ok) { setError(r.errors ?? {}); return; }
    setError({});
    focusPosted(() => {
      const mine = latest.current.threads.find((th) => th.authorId === meId && !threadsBefore.current.has(th.id));
      return mine ? document.getElementById(`comment-thread-${mine.id}`) : null;
    });
    editor?.commands.cancelComment();
  });

  // The editor highlights open threads; it resolves their anchors against the live document.
  const openThreads = data.threads.filter((th) => !th.resolvedAt);
  const anchorsKey = openThreads.map((th) => th.id).join();
  useEffect(() => {
    if (editor && !editor.isDestroyed) editor.commands.setCommentThreads(openThreads.map((th) => ({ id: th.id, anchor: th.anchor })));
  }, [editor, anchorsKey]);

  // A thread clicked in the text comes into view in the panel.
  useEffect(() => {
    if (view.active) document.getElementById(`comment-thread-${view.active}`)?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }, [view.active]);

  const placements = new Map(view.placements);
  const where = (id: string) => placements.get(id) ?? 'pending';
  const orphaned = openThreads.filter((th) => where(th.id) === 'orphaned');
  const placed = openThreads.filter((th) => where(th.id) !== 'orphaned').sort((a, b) => {
    const pa = where(a.id); const pb = where(b.id);
    const ka = typeof pa === 'string' ? Number.MAX_SAFE_INTEGER : pa.from;
    const kb = typeof pb === 'string' ? Number.MAX_SAFE_INTEGER : pb.from;
    return ka - kb;
  });
  const resolved = data.threads.filter((th) => th.resolvedAt);

  const show = (id: string) => {
    const p = where(id);
    if (!editor || typeof p === 'string') return;
    editor.chain().setActiveComment(id).setTextSelection(p).run();
    requestAnimationFrame(() => editor.view.dom.querySelector(`[data-thread-id="${id}"]`)?.scrollIntoView({ block: 'center', behavior: 'smooth' }));
  };

  const startComment = () => { editor?.commands.startComment(); };
  const sendNew = (body: string) => {
    const range = editor && commentHighlightsKey.getState(editor.state)?.composing;
    if (!editor || !range) return;
    const input = { body, anchor: anchorOf(editor.state, range) ?? range.anchor, quote: quoteOf(editor.state, range) };
    const p = parseWith(commentCreateSchema, input);
    if (!p.ok) { setError(p.errors); return; }
    setError({});
    threadsBefore.current = new Set(data.threads.map((th) => th.id));
    create.send({ intent: 'comment', ...input });
  };
  const errorText = error.body ?? error.quote ?? error.anchor ?? error._form;

  const group = (title: string | null, threads: PanelThread[], state: 'open' | 'orphaned' | 'resolved', note?: ReactNode) => threads.length > 0 && (
    <div>
      {title && <h3>{title}</h3>}
      {note}
      {threads.map((th) => (
        <Thread key={th.id} thread={th} data={data} meId={meId} draftId={draftId} act={act} state={state} active={view.active === th.id}
          onShow={state === 'open' && typeof where(th.id) !== 'string' ? () => show(th.id) : undefined}
          replyText={replies[th.id]} onReplyChange={setReply(th.id)} />
      ))}
    </div>
  );

  return (
    <section aria-labelledby="draft-comments" className="comments-panel" data-testid="comments-panel">
      <InlineStyle css={CSS} />
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', gap: 8, marginBottom: 8 }}>
        <Typography.Title level={2} id="draft-comments" style={{ fontSize: 16, margin: 0 }}>{t('comments.count', { n: openThreads.length })}</Typography.Title>
        {data.abilities.comment && (
          <Button size="small" icon={<CommentOutlined />} disabled={!editor || !view.hasSelection || !!view.composing}
            title={view.hasSelection ? t('comments.commentShortcut') : t('comments.selectFirst')}
            onMouseDown={(e) => e.preventDefault()} onClick={startComment} data-testid="comment-selection">
            {t('comments.commentSelection')}
          </Button>
        )}
      </div>
      {!data.abilities.comment && <Typography.Paragraph type="secondary" style={{ fontSize: 13 }}>{t('comments.viewerNote')}</Typography.Paragraph>}
      {view.composing && editor && data.abilities.comment && (
        <div className="comment-thread comment-thread--active" data-testid="comment-composer">
          <div className="comment-thread__quote" title={quoteOf(editor.state, view.composing)}>“{quoteOf(editor.state, view.composing, 120)}”</div>
          <CommentForm
            label={t('comments.newThread')} placeholder={t('comments.bodyPlaceholder')} submitLabel={t('comments.submit')}
            people={data.mentionable} busy={create.busy} error={errorText ? t(errorText) : undefined} autoFocus
            onSubmit={sendNew} onCancel={() => { setError({}); editor.commands.cancelComment(); }} testId="comment-create-form"
          />
        </div>
      )}
      {data.threads.length === 0 && !view.composing && (
        <Typography.Paragraph type="secondary" style={{ fontSize: 13 }}>
          {/* Two sentences: a space between them in English, none after a Chinese full stop. */}
          {[t('comments.empty'), ...(data.abilities.comment ? [t('comments.emptyHint')] : [])].join(locale === 'en' ? ' ' : '')}
        </Typography.Paragraph>
      )}
      {group(null, placed, 'open')}
      {group(t('comments.orphaned', { n: orphaned.length }), orphaned, 'orphaned',
        <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginBottom: 6 }}>{t('comments.orphanedHelp')}</Typography.Paragraph>)}
      {unsent !== null && (
        <Alert type="warning" showIcon closable onClose={() => setUnsent(null)} data-testid="comment-reply-unsent" style={{ marginBottom: 8 }}
          title={t('comments.replyUnsent')}
          description={<Typography.Paragraph copyable style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }}>{unsent}</Typography.Paragraph>} />
      )}
      {resolved.length > 0 && (
        <details data-testid="comments-resolved" open={resolvedOpen || replyingInResolved}
          onToggle={(e) => setResolvedOpen(e.currentTarget.open)}>
          <summary>{t('comments.resolvedGroup', { n: resolved.length })}</summary>
          {group(null, resolved, 'resolved')}
        </details>
      )}
    </section>
  );
}
