/**
 * Comments on drafts against the demo data (PGlite, or PostgreSQL with TEST_DATABASE_URL): who may
 * read, comment, reply, resolve and delete; mentions and replies notify only readers; the
 * Chongqing-private draft's comments never reach Sichuan, through the service or row-level
 * security; anchors made with y-tiptap follow edits and orphan when their text is deleted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { absolutePositionToRelativePosition, initProseMirrorDoc, relativePositionToAbsolutePosition } from '@tiptap/y-tiptap';
import { withActor } from '../../db';
import { DEMO_DRAFT_TITLES } from '../../db/seed/drafts';
import { asOwner, type TestDatabase } from '../../tests/support/db';
import { backend } from '../../tests/support/server';
import { openDemo } from '../../tests/factories/demo';
import type { Actor } from '../../shared/policy';
import { DOCUMENT_FIELD, documentSchema } from '../../shared/editor/extensions';
import { commentCreateSchema, encodeMentions, mentionIds, type CommentAnchor } from '../../shared/validation/comments';
import { parseWith } from '../../shared/validation/parse';
import { documentFromStored } from '../collab/document';
import { readStoredDocument } from '../../db/queries/collab';
import { createThread, deleteComment, listComments, replyToThread, setThreadResolution } from './comments';
import type { CallContext } from './call';
import { refusal, refusalStatus } from '../../tests/support/refusal';

let t: TestDatabase;
let as: Record<string, Actor & { displayName: string }>;
let drafts: Record<string, string>;
const USERS = ['cq-member', 'cq-coordinator', 'cq-leader', 'cq-staff', 'sc-member', 'sc-member2', 'sc-coordinator', 'sc-leader', 'sc-staff', 'gz-member'];
/** The members of 川渝两省市政协合作平台: every one of them reads the joint draft. */
const CHUANYU = ['cq-member', 'cq-coordinator', 'cq-leader', 'cq-staff', 'sc-member', 'sc-coordinator', 'sc-leader', 'sc-staff'];

/** Records what a route's CallContext would announce after each commit. */
const changed: Array<[string, string, string]> = [];
const told: Array<[string, string]> = [];
const call = {
  ip: '127.0.0.1',
  realtime: {
    recordChanged: async (kind: string, id: string, _ref: unknown, action: string) => { changed.push([kind, id, action]); },
    toUser: (userId: string, event: string) => { told.push([userId, event]); },
  },
} as unknown as CallContext;

beforeAll(async () => { ({ t, as, drafts } = await openDemo(USERS)); }, 120_000);
afterAll(() => t?.drop());

const H = () => drafts[DEMO_DRAFT_TITLES.hydrogen];
const CQ = () => drafts[DEMO_DRAFT_TITLES.chongqing];
const MISSING = '00000000-0000-4000-8000-000000000000';


/** A y-tiptap anchor over the first occurrence of `text` in the stored document (as the browser makes one). */
async function anchorFor(draftId: string, text: string): Promise<{ anchor: CommentAnchor; quote: string }> {
  const doc = documentFromStored(await asOwner(t.db, (trx) => readStoredDocument(trx, draftId)));
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
  const type = copy.getXmlFragment(DOCUMENT_FIELD);
  const { doc: pm, mapping } = initProseMirrorDoc(type, documentSchema());
  let from = -1;
  pm.descendants((node, pos) => {
    if (from < 0 && node.isText && node.text!.includes(text)) from = pos + node.text!.indexOf(text);
    return from < 0;
  });
  expect(from).toBeGreaterThan(0);
  const rel = (pos: number) => Y.relativePositionToJSON(absolutePositionToRelativePosition(pos, type, mapping));
  return { anchor: JSON.parse(JSON.stringify({ from: rel(from), to: rel(from + text.length) })), quote: text };
}

const notifications = (username: string) => asOwner(t.db, (trx) => trx.selectFrom('notifications')
  .select(['kind', 'record_kind', 'record_id', 'text']).where('user_id', '=', as[username].id).orderBy('created_at').execute());

const threadOf = async (username: string, draftId: string, id: string) =>
  (await listComments(t.db, as[username], draftId)).threads.find((th) => th.id === id);

describe(`comments on the joint draft (${backend})`, () => {
  let thread: string;

  it('a commenter starts a thread anchored to the selected text; every reader sees it, viewers read only', async () => {
    const { anchor, quote } = await anchorFor(H(), '氢能是构建清洁低碳');
    changed.length = 0;
    thread = await createThread(t.db, as['sc-coordinator'], H(), { body: '建议补充2024年最新数据。', anchor, quote }, call);
    expect(changed).toEqual([['draft', H(), 'updated']]);
    for (const reader of ['cq-member', 'sc-member', 'sc-leader', 'cq-staff']) {
      const th = await threadOf(reader, H(), thread);
      expect(th, reader).toMatchObject({ authorName: '吴静', authorRegion: 'sichuan', quote, anchor, body: '建议补充2024年最新数据。', resolvedAt: null });
    }
    const viewer = await listComments(t.db, as['sc-leader'], H());
    expect(viewer.abilities).toEqual({ comment: false, manage: false });
    expect(viewer.mentionable).toEqual([]);
    expect(refusalStatus(await refusal(createThread(t.db, as['sc-leader'], H(), { body: 'x', anchor, quote }, call)))).toBe(403);
    expect(refusalStatus(await refusal(replyToThread(t.db, as['sc-leader'], H(), thread, 'x', call)))).toBe(403);
    expect(refusalStatus(await refusal(setThreadResolution(t.db, as['sc-leader'], H(), thread, true, call)))).toBe(403);
  });

  it('editors and commenters of both regions reply, resolve and reopen; doing it twice changes nothing', async () => {
    await replyToThread(t.db, as['cq-member'], H(), thread, '已补充。', call);
    await replyToThread(t.db, as['cq-coordinator'], H(), thread, '同意。', call);
    expect((await threadOf('sc-member', H(), thread))!.replies.map((r) => r.authorName)).toEqual(['李明', '陈晓燕']);
    await setThreadResolution(t.db, as['sc-member'], H(), thread, true, call);
    expect(await threadOf('cq-member', H(), thread)).toMatchObject({ resolvedByName: '刘洋' });
    changed.length = 0;
    await setThreadResolution(t.db, as['cq-coordinator'], H(), thread, true, call);
    expect(changed).toEqual([]);
    await setThreadResolution(t.db, as['cq-coordinator'], H(), thread, false, call);
    expect(await threadOf('cq-member', H(), thread)).toMatchObject({ resolvedAt: null, resolvedByName: null });
    const actions = await asOwner(t.db, (trx) => trx.selectFrom('audit_log').select('action').where('target_id', '=', H())
      .where('action', 'like', 'draft.comment.%').execute());
    expect(actions.map((a) => a.action)).toEqual(expect.arrayContaining(['draft.comment.create', 'draft.comment.reply', 'draft.comment.resolve', 'draft.comment.reopen']));
  });

  it('answers 404 for an unknown thread, a reply id, or a thread of another draft', async () => {
    const replyId = (await threadOf('cq-member', H(), thread))!.replies[0].id;
    const other = await createThread(t.db, as['cq-leader'], CQ(), { body: '重庆内部意见', ...(await anchorFor(CQ(), '国家重大水利工程')) }, call);
    for (const id of [MISSING, replyId, other]) {
      expect(refusalStatus(await refusal(replyToThread(t.db, as['cq-member'], H(), id, 'x', call))), id).toBe(404);
      expect(refusalStatus(await refusal(setThreadResolution(t.db, as['cq-member'], H(), id, true, call))), id).toBe(404);
    }
    expect(refusalStatus(await refusal(deleteComment(t.db, as['cq-member'], H(), MISSING, call)))).toBe(404);
  });

  it('mentions notify the people named, only readers of the draft can be named, replies notify the thread', async () => {
    const readers = (await listComments(t.db, as['cq-member'], H())).mentionable.map((p) => p.id).sort();
    expect(readers).toEqual(CHUANYU.map((u) => as[u].id).sort());

    // Someone who cannot read the draft cannot be mentioned: a field error, nothing written or sent.
    const before = await notifications('sc-member2');
    const { anchor, quote } = await anchorFor(H(), '成渝地区是我国西部');
    const err = await refusal(createThread(t.db, as['cq-member'], H(), { body: `请 <@${as['sc-member2'].id}> 看看`, anchor, quote }, call));
    expect(err).toMatchObject({ field: 'body', messageKey: 'comments.mentionUnavailable' });
    expect(await notifications('sc-member2')).toEqual(before);
    expect(refusalStatus(await refusal(createThread(t.db, as['cq-member'], H(), { body: `<@${as['gz-member'].id}>`, anchor, quote }, call)))).toBe(400);

    told.length = 0;
    const body = encodeMentions('请 @黄志强 和 @刘洋 核实数据', [{ id: as['sc-leader'].id, name: '黄志强' }, { id: as['sc-member'].id, name: '刘洋' }]);
    expect(mentionIds(body)).toEqual([as['sc-leader'].id, as['sc-member'].id]);
    const mentioned = await createThread(t.db, as['cq-member'], H(), { body, anchor, quote }, call);
    for (const u of ['sc-leader', 'sc-member']) {
      expect((await notifications(u)).at(-1), u).toEqual({ kind: 'mention', record_kind: 'draft', record_id: H(), text: DEMO_DRAFT_TITLES.hydrogen });
    }
    expect(told.map(([u]) => u).sort()).toEqual([as['sc-leader'].id, as['sc-member'].id].sort());
    const names = (await listComments(t.db, as['sc-staff'], H())).names;
    expect(names[as['sc-leader'].id]).toBe('黄志强');

    // A reply: participants (the thread's author) hear 'reply'; the mentioned hear 'mention' only; never oneself.
    const count = async (u: string) => (await notifications(u)).length;
    const [author, staff, coordinator] = await Promise.all([count('cq-member'), count('cq-staff'), count('sc-coordinator')]);
    await replyToThread(t.db, as['sc-coordinator'], H(), mentioned, `收到，<@${as['cq-staff'].id}> 请补表`, call);
    expect((await notifications('cq-member')).slice(author)).toEqual([{ kind: 'reply', record_kind: 'draft', record_id: H(), text: DEMO_DRAFT_TITLES.hydrogen }]);
    expect((await notifications('cq-staff')).slice(staff).map((n) => n.kind)).toEqual(['mention']);
    expect(await count('sc-coordinator')).toBe(coordinator);
    await replyToThread(t.db, as['cq-member'], H(), mentioned, '好的', call);
    expect((await notifications('sc-coordinator')).slice(coordinator).map((n) => n.kind)).toEqual(['reply']);
  });

  it('deletes one’s own comment; others’ only when managing the draft; a thread with others’ replies stays', async () => {
    const { anchor, quote } = await anchorFor(H(), '燃料电池汽车是氢能');
    const root = await createThread(t.db, as['sc-coordinator'], H(), { body: '此处表述可再斟酌', anchor, quote }, call);
    const reply = await replyToThread(t.db, as['sc-member'], H(), root, '同意', call);
    expect(refusalStatus(await refusal(deleteComment(t.db, as['sc-coordinator'], H(), reply, call)))).toBe(403);
    expect(await refusal(deleteComment(t.db, as['sc-coordinator'], H(), root, call)))
      .toMatchObject({ field: 'commentId', messageKey: 'comments.othersReplied' });
    const own = (await threadOf('sc-coordinator', H(), root))!;
    expect([own.canDelete, own.replies[0].canDelete]).toEqual([false, false]);
    await deleteComment(t.db, as['sc-member'], H(), reply, call);
    expect((await threadOf('cq-member', H(), root))!.replies).toEqual([]);
    // The author (a steward of the draft) may remove any comment, a whole thread included.
    await replyToThread(t.db, as['sc-member'], H(), root, '再次回复', call);
    expect((await threadOf('cq-member', H(), root))!.canDelete).toBe(true);
    await deleteComment(t.db, as['cq-member'], H(), root, call);
    expect(await threadOf('cq-member', H(), root)).toBeUndefined();
  });
});

describe(`comments across the boundary (${backend})`, () => {
  let cqThread: string;
  beforeAll(async () => {
    cqThread = await createThread(t.db, as['cq-leader'], CQ(), { body: '内部意见，暂不共享', ...(await anchorFor(CQ(), '三峡后续工作')) }, call);
  });

  it('refuses outsiders with 404: Guizhou on the joint draft, Sichuan on the Chongqing-private draft', async () => {
    const { anchor, quote } = await anchorFor(H(), '氢能是构建清洁低碳');
    for (const [user, draftId] of [['gz-member', H()], ['sc-member', CQ()], ['sc-coordinator', CQ()], ['sc-leader', CQ()]] as const) {
      expect(refusalStatus(await refusal(listComments(t.db, as[user], draftId))), user).toBe(404);
      expect(refusalStatus(await refusal(createThread(t.db, as[user], draftId, { body: 'x', anchor, quote }, call))), user).toBe(404);
      expect(refusalStatus(await refusal(replyToThread(t.db, as[user], draftId, cqThread, 'x', call))), user).toBe(404);
      expect(refusalStatus(await refusal(deleteComment(t.db, as[user], draftId, cqThread, call))), user).toBe(404);
    }
  });

  it('row-level security never shows Sichuan a comment of the Chongqing-private draft, nor lets it write one', async () => {
    const sc = { id: as['sc-member'].id, region: as['sc-member'].region, orgId: as['sc-member'].orgId };
    const seen = await withActor(t.db, sc, (trx) => trx.selectFrom('draft_comments').select(['id', 'draft_id', 'body']).execute());
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.some((c) => c.draft_id === CQ() || c.id === cqThread)).toBe(false);
    const cq = { id: as['cq-staff'].id, region: as['cq-staff'].region, orgId: as['cq-staff'].orgId };
    const cqSees = await withActor(t.db, cq, (trx) => trx.selectFrom('draft_comments').select('id').where('id', '=', cqThread).execute());
    expect(cqSees).toHaveLength(1);
    await expect(withActor(t.db, sc, (trx) => trx.insertInto('draft_comments')
      .values({ draft_id: CQ(), author_id: sc.id, body: 'x' }).execute())).rejects.toThrow();
    const updated = await withActor(t.db, sc, (trx) => trx.updateTable('draft_comments').set({ body: 'x' }).where('id', '=', cqThread).executeTakeFirst());
    expect(Number(updated.numUpdatedRows)).toBe(0);
  });
});

describe('anchors and input', () => {
  it('follow edits made before them and orphan when their text is deleted (y-tiptap on a copy)', async () => {
    const { anchor } = await anchorFor(H(), '氢能是构建清洁低碳');
    const doc = documentFromStored(await asOwner(t.db, (trx) => readStoredDocument(trx, H())));
    const type = doc.getXmlFragment(DOCUMENT_FIELD);
    const resolve = () => {
      const copy = new Y.Doc();
      Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
      const f = copy.getXmlFragment(DOCUMENT_FIELD);
      const { doc: pm, mapping } = initProseMirrorDoc(f, documentSchema());
      const [from, to] = [anchor.from, anchor.to].map((p) => relativePositionToAbsolutePosition(copy, f, Y.createRelativePositionFromJSON(p), mapping));
      return { from, to, text: from !== null && to !== null && from < to ? pm.textBetween(from, to) : '' };
    };
    const before = resolve();
    expect(before.text).toBe('氢能是构建清洁低碳');
    // Someone types at the start of the title heading, before the commented text: the anchor moves with it.
    const heading = (type.get(0) as Y.XmlElement).get(0) as Y.XmlText;
    heading.insert(0, '（修改稿）');
    const moved = resolve();
    expect(moved.text).toBe('氢能是构建清洁低碳');
    expect(moved.from).toBe(before.from! + 5);
    // The commented words are deleted: the thread is orphaned.
    const paragraph = type.toArray().find((n) => n instanceof Y.XmlElement && n.toString().includes('氢能是构建清洁低碳')) as Y.XmlElement;
    const text = paragraph.get(0) as Y.XmlText;
    text.delete(text.toString().indexOf('氢能是构建清洁低碳'), '氢能是构建清洁低碳'.length);
    const gone = resolve();
    expect(gone.from === null || gone.to === null || gone.from >= gone.to).toBe(true);
  });

  it('refuses malformed anchors, empty bodies and overlong quotes as field errors', () => {
    const ok = { body: '好', quote: '引文', anchor: { from: { item: { client: 1, clock: 2 }, assoc: -1 }, to: { tname: 'default', assoc: 0 } } };
    expect(parseWith(commentCreateSchema, ok).ok).toBe(true);
    const bad = (patch: Record<string, unknown>) => { const p = parseWith(commentCreateSchema, { ...ok, ...patch }); return p.ok ? {} : p.errors; };
    expect(bad({ body: '   ' })).toEqual({ body: 'validation.required' });
    expect(bad({ body: '长'.repeat(2001) })).toEqual({ body: 'validation.tooLong' });
    expect(bad({ quote: '长'.repeat(501) })).toEqual({ quote: 'validation.tooLong' });
    expect(bad({ anchor: null })).toHaveProperty('anchor');
    expect(bad({ anchor: { from: {}, to: {} } })).toHaveProperty('anchor');
    expect(bad({ anchor: { from: { tname: 'evil' }, to: { tname: 'default' } } })).toHaveProperty('anchor');
    expect(bad({ anchor: { from: { item: { client: -1, clock: 0 } }, to: { tname: 'default' } } })).toHaveProperty('anchor');
    expect(bad({ anchor: { from: { item: { client: 1, clock: 0 }, extra: 1 }, to: { tname: 'default' } } })).toHaveProperty('anchor');
  });
});
