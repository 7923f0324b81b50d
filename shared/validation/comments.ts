import { z } from 'zod';
import { id } from './common';

/**
 * 评论 (comments on a draft): the forms of the comments panel, used by the browser before sending
 * and by the draft page's action. A thread is anchored to the text by two Yjs relative positions
 * (Y.relativePositionToJSON), so it follows everyone's edits; comments never live in the document.
 *
 * @mentions are kept inside the body as `<@user-id>` tokens: the body is the one place a mention is
 * stored, and the panel renders each token as "@name". The server checks every token names someone
 * who may read the draft, and notifies them.
 */

export const COMMENT_INTENTS = ['comment', 'reply', 'resolve', 'reopen', 'deleteComment'] as const;
export type CommentIntent = (typeof COMMENT_INTENTS)[number];

export const COMMENT_BODY_MAX = 2000;
export const COMMENT_QUOTE_MAX = 500;
export const COMMENT_MENTIONS_MAX = 20;


const MENTION = /<@([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})>/gi;

/** The distinct user ids a body mentions, in order of first appearance. */
export function mentionIds(body: string): string[] {
  return [...new Set([...body.matchAll(MENTION)].map((m) => m[1].toLowerCase()))];
}

/** A body as text runs and mentions, for rendering ("@name" for each token). */
export function splitMentions(body: string): Array<{ text: string } | { userId: string }> {
  const out: Array<{ text: string } | { userId: string }> = [];
  let last = 0;
  for (const m of body.matchAll(MENTION)) {
    if (m.index! > last) out.push({ text: body.slice(last, m.index) });
    out.push({ userId: m[1].toLowerCase() });
    last = m.index! + m[0].length;
  }
  if (last < body.length) out.push({ text: body.slice(last) });
  return out;
}

/**
 * Typed text → stored body: every "@name" of a person offered in the picker becomes their token
 * (longest names first, so "@王小明" is not taken for "@王小").
 */
export function encodeMentions(text: string, people: ReadonlyArray<{ id: string; name: string }>): string {
  const byLength = [...people].filter((p) => p.name).sort((a, b) => b.name.length - a.name.length);
  let out = text;
  for (const p of byLength) out = out.split(`@${p.name}`).join(`<@${p.id}>`);
  return out;
}

const body = z.string({ required_error: 'validation.required', invalid_type_error: 'validation.required' })
  .trim().min(1, 'validation.required').max(COMMENT_BODY_MAX, 'validation.tooLong')
  .refine((b) => mentionIds(b).length <= COMMENT_MENTIONS_MAX, 'validation.tooLong');

const itemId = z.object({
  client: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  clock: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
}).strict();

/** One Y.relativePositionToJSON: it names an item, a nested type, or a root type. */
export const relativePositionSchema = z.object({
  type: itemId.optional(),
  // Only the document's own root type ('default', DOCUMENT_FIELD): resolving another name would create it.
  tname: z.literal('default').optional(),
  item: itemId.optional(),
  assoc: z.number().int().min(-1).max(1).optional(),
}).strict().refine((p) => p.item || p.type || p.tname, 'validation.invalid');
export type RelativePositionJSON = z.infer<typeof relativePositionSchema>;

export const commentAnchorSchema = z.object(
  { from: relativePositionSchema, to: relativePositionSchema },
  { required_error: 'validation.required', invalid_type_error: 'validation.invalid' },
).strict();
export type CommentAnchor = z.infer<typeof commentAnchorSchema>;

/** A new thread on the selected text. */
export const commentCreateSchema = z.object({
  body,
  anchor: commentAnchorSchema,
  quote: z.string({ required_error: 'validation.required', invalid_type_error: 'validation.required' })
    .trim().min(1, 'validation.required').max(COMMENT_QUOTE_MAX, 'validation.tooLong'),
});

export const commentReplySchema = z.object({ threadId: id, body });

/** Resolve or reopen a thread. */
export const commentThreadSchema = z.object({ threadId: id });

export const commentDeleteSchema = z.object({ commentId: id });
