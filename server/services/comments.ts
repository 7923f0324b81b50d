import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import { withActor, type Executor } from '../../db';
import { listWorkspaceMembers } from '../../db/queries/workspaces';
import {
  deleteDraftComment, findDraftComment, insertDraftComment, listDraftComments, setThreadResolved, threadParticipants, userNames,
} from '../../db/queries/comments';
import { authorize, can, type Actor, type DraftRef } from '../../shared/policy';
import type { WorkspaceRole } from '../../shared/domain/model';
import { mentionIds, type CommentAnchor } from '../../shared/validation/comments';
import { dbActor } from './actor';
import { audit } from './audit';
import { InputError, NotFoundError } from './errors';
import { announceNotifications, notify } from './notifications';
import { rateLimit, type CallContext } from './call';
import { draftAuditTarget, loadReadableDraft } from './draft-access';

/**
 * 评论: comment threads on a draft, anchored to its text by Yjs relative positions and kept out of
 * the document, so commenting never needs write access to it. Reading follows draft.read; writing
 * (new thread, reply, resolve, reopen) needs draft.comment (editors and commenters); deleting is for
 * a comment's author or whoever manages the draft. After each change the draft's readers are told
 * (their comment panels revalidate), and the people mentioned or taking part are notified.
 */

type LoadedRef = DraftRef & { id: string; title: string };


/**
 * Whom a comment may @mention: active members of the draft's workspace who may read it (row-level
 * security shows the actor the members of a workspace they belong to).
 */
async function mentionablePeople(trx: Executor, draft: LoadedRef) {
  const members = await listWorkspaceMembers(trx, draft.workspaceId);
  return members.filter((m) => m.status === 'active' && can({
    id: m.id, region: m.region, orgId: m.orgId, roles: m.roles,
    workspaces: { [draft.workspaceId]: m.role as WorkspaceRole },
  }, 'draft.read', draft).allowed).map((m) => ({ id: m.id, name: m.displayName, org: m.orgName, region: m.region }));
}

/** Every mention must name someone offered in the picker; anything else is a field error, not a silent drop. */
async function checkMentions(trx: Executor, draft: LoadedRef, body: string): Promise<string[]> {
  const ids = mentionIds(body);
  if (ids.length === 0) return [];
  const allowed = new Set((await mentionablePeople(trx, draft)).map((p) => p.id));
  if (ids.some((id) => !allowed.has(id))) throw new InputError('body', 'comments.mentionUnavailable');
  return ids;
}


/** After the commit: readers' panels revalidate; the notified get their new unread count. */
async function announce(db: Kysely<DB>, call: CallContext, draft: LoadedRef, notified: string[]) {
  await call.realtime?.recordChanged('draft', draft.id, draft, 'updated');
  await announceNotifications(db, call, notified);
}

// ---- Reading ----

export interface CommentView {
  id: string;
  authorId: string;
  authorName: string;
  authorOrg: string;
  authorRegion: string;
  body: string;
  createdAt: Date;
  canDelete: boolean;
}
export interface ThreadView extends CommentView {
  anchor: CommentAnchor | null;
  quote: string | null;
  resolvedAt: Date | null;
  resolvedByName: string | null;
  replies: CommentView[];
}

/**
 * The draft's threads (oldest first: the panel orders them by their place in the text), whom the
 * actor may mention, the names behind every mention shown, and what the actor may do.
 */
export async function listComments(db: Kysely<DB>, actor: Actor, draftId: string) {
  return withActor(db, dbActor(actor), async (trx) => {
    const draft = await loadReadableDraft(trx, actor, draftId);
    const canComment = can(actor, 'draft.comment', draft).allowed;
    const manages = can(actor, 'draft.manage', draft).allowed;
    const rows = await listDraftComments(trx, draftId);
    const view = (r: (typeof rows)[number]): CommentView => ({
      id: r.id, authorId: r.authorId, authorName: r.authorName, authorOrg: r.authorOrg, authorRegion: r.authorRegion,
      body: r.body, createdAt: r.createdAt, canDelete: r.authorId === actor.id || manages,
    });
    const threads: ThreadView[] = rows.filter((r) => r.threadId === null).map((r) => ({
      ...view(r),
      anchor: r.anchor as CommentAnchor | null,
      quote: r.quote,
      resolvedAt: r.resolvedAt,
      resolvedByName: r.resolvedByName,
      replies: [],
    }));
    const byId = new Map(threads.map((t) => [t.id, t]));
    for (const r of rows) if (r.threadId) byId.get(r.threadId)?.replies.push(view(r));
    // A thread's root may only be deleted by its author while nobody else has replied (or by a manager).
    for (const t of threads) {
      if (!manages && t.replies.some((c) => c.authorId !== t.authorId)) t.canDelete = false;
    }
    const [mentionable, names] = await Promise.all([
      canComment ? mentionablePeople(trx, draft) : Promise.resolve([]),
      userNames(trx, [...new Set(rows.flatMap((r) => mentionIds(r.body)))]),
    ]);
    return { threads, mentionable, names, abilities: { comment: canComment, manage: manages } };
  });
}

// ---- Writing ----

export interface ThreadInput { body: string; anchor: CommentAnchor; quote: string }

/** A new thread on the selected text; the people it mentions are notified. */
export async function createThread(db: Kysely<DB>, actor: Actor, draftId: string, input: ThreadInput, call: CallContext = {}) {
  await rateLimit(call, 'comment', actor.id);
  const { draft, id, notified } = await withActor(db, dbActor(actor), async (trx) => {
    const draft = await loadReadableDraft(trx, actor, draftId);
    authorize(actor, 'draft.comment', draft);
    const mentioned = await checkMentions(trx, draft, input.body);
    const id = await insertDraftComment(trx, {
      draftId, threadId: null, authorId: actor.id, body: input.body, anchor: input.anchor, quote: input.quote,
    });
    await audit(trx, {
      actor, region: draft.ownerRegion, ip: call.ip, action: 'draft.comment.create', target: draftAuditTarget(draftId),
      detail: { title: draft.title, threadId: id, mentions: mentioned.length },
    });
    const notified = await notify(trx, { recipients: mentioned, kind: 'mention', record: { kind: 'draft', id: draftId, ref: draft }, text: draft.title, actor });
    return { draft, id, notified };
  });
  await announce(db, call, draft, notified);
  return id;
}

async function loadThread(trx: Executor, draftId: string, threadId: string) {
  const thread = await findDraftComment(trx, draftId, threadId);
  // A reply's id is not a thread: replies are flat under their thread.
  if (!thread || thread.threadId !== null) throw new NotFoundError('thread');
  return thread;
}

/**
 * A reply: the people it mentions get a mention, everyone else who wrote in the thread gets a reply
 * notification (each person is told once).
 */
export async function replyToThread(db: Kysely<DB>, actor: Actor, draftId: string, threadId: string, body: string, call: CallContext = {}) {
  await rateLimit(call, 'comment', actor.id);
  const { draft, id, notified } = await withActor(db, dbActor(actor), async (trx) => {
    const draft = await loadReadableDraft(trx, actor, draftId);
    authorize(actor, 'draft.comment', draft);
    const thread = await loadThread(trx, draftId, threadId);
    const mentioned = await checkMentions(trx, draft, body);
    const id = await insertDraftComment(trx, { draftId, threadId: thread.id, authorId: actor.id, body });
    await audit(trx, {
      actor, region: draft.ownerRegion, ip: call.ip, action: 'draft.comment.reply', target: draftAuditTarget(draftId),
      detail: { title: draft.title, threadId, commentId: id, mentions: mentioned.length },
    });
    const record = { kind: 'draft' as const, id: draftId, ref: draft };
    const participants = (await threadParticipants(trx, thread.id)).filter((p) => !mentioned.includes(p));
    const notified = [
      ...await notify(trx, { recipients: mentioned, kind: 'mention', record, text: draft.title, actor }),
      ...await notify(trx, { recipients: participants, kind: 'reply', record, text: draft.title, actor }),
    ];
    return { draft, id, notified };
  });
  await announce(db, call, draft, notified);
  return id;
}

/** Resolve (true) or reopen (false) a thread; doing what is already done changes nothing. */
export async function setThreadResolution(db: Kysely<DB>, actor: Actor, draftId: string, threadId: string, resolved: boolean, call: CallContext = {}) {
  const draft = await withActor(db, dbActor(actor), async (trx) => {
    const draft = await loadReadableDraft(trx, actor, draftId);
    authorize(actor, 'draft.comment', draft);
    const thread = await loadThread(trx, draftId, threadId);
    if ((thread.resolvedAt !== null) === resolved) return null;
    await setThreadResolved(trx, threadId, resolved ? actor.id : null);
    await audit(trx, {
      actor, region: draft.ownerRegion, ip: call.ip, action: resolved ? 'draft.comment.resolve' : 'draft.comment.reopen',
      target: draftAuditTarget(draftId), detail: { title: draft.title, threadId },
    });
    return draft;
  });
  if (draft) await announce(db, call, draft, []);
}

/**
 * Deletes one comment: its author, or whoever manages the draft. Deleting a thread's first comment
 * deletes the thread; its author may do that only while nobody else has replied.
 */
export async function deleteComment(db: Kysely<DB>, actor: Actor, draftId: string, commentId: string, call: CallContext = {}) {
  const draft = await withActor(db, dbActor(actor), async (trx) => {
    const draft = await loadReadableDraft(trx, actor, draftId);
    const comment = await findDraftComment(trx, draftId, commentId);
    if (!comment) throw new NotFoundError('comment');
    const manages = can(actor, 'draft.manage', draft).allowed;
    if (comment.authorId !== actor.id) authorize(actor, 'draft.manage', draft);
    if (comment.threadId === null && !manages) {
      const others = (await threadParticipants(trx, comment.id)).filter((p) => p !== actor.id);
      if (others.length > 0) throw new InputError('commentId', 'comments.othersReplied');
    }
    await deleteDraftComment(trx, comment.id);
    await audit(trx, {
      actor, region: draft.ownerRegion, ip: call.ip, action: 'draft.comment.delete', target: draftAuditTarget(draftId),
      detail: { title: draft.title, commentId, thread: comment.threadId === null, ownComment: comment.authorId === actor.id },
    });
    return draft;
  });
  await announce(db, call, draft, []);
}
