import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import { withActor, type Executor } from '../../db';
import { findDraftRef } from '../../db/queries/drafts';
import { authorize, can, type Actor, type CollaboratorRole, type DraftRef } from '../../shared/policy';
import { dbActor } from './actor';
import { NotFoundError } from './errors';

export type DraftAccess =
  | { ok: true; draft: DraftRef & { id: string; title: string }; role: CollaboratorRole }
  | { ok: false; status: 403 | 404 };

/**
 * What the actor may do with a draft's live document, for the collaboration server: write
 * (editor), comment (commenter) or only read (viewer); refused with 404 when they may not read it.
 */
export function getDraftAccess(db: Kysely<DB>, actor: Actor, draftId: string): Promise<DraftAccess> {
  return withActor(db, dbActor(actor), (trx) => draftAccessIn(trx, actor, draftId));
}

/** getDraftAccess inside the caller's transaction, which acts as `actor`. */
export async function draftAccessIn(trx: Executor, actor: Actor, draftId: string): Promise<DraftAccess> {
  return draftAccessTo(actor, await findDraftRef(trx, draftId));
}

/** The decision of getDraftAccess on a draft as the actor reads it (null: absent, or hidden from them). */
export function draftAccessTo(actor: Actor, draft: (DraftRef & { id: string; title: string }) | null): DraftAccess {
  if (!draft) return { ok: false, status: 404 };
  const read = can(actor, 'draft.read', draft);
  if (!read.allowed) return { ok: false, status: read.status };
  const role: CollaboratorRole = can(actor, 'draft.edit', draft).allowed
    ? 'editor'
    : can(actor, 'draft.comment', draft).allowed ? 'commenter' : 'viewer';
  return { ok: true, draft, role };
}

/** A draft the actor may read, in their transaction (else NotFoundError, or the policy's refusal). */
export async function loadReadableDraft(trx: Executor, actor: Actor, draftId: string): Promise<DraftRef & { id: string; title: string }> {
  const draft = await findDraftRef(trx, draftId);
  if (!draft) throw new NotFoundError('draft');
  authorize(actor, 'draft.read', draft);
  return draft;
}

/** A draft's policy view, if the actor may read it (else NotFoundError, or the policy's refusal). */
export function getDraftRef(db: Kysely<DB>, actor: Actor, draftId: string): Promise<DraftRef> {
  return withActor(db, dbActor(actor), (trx) => loadReadableDraft(trx, actor, draftId));
}

/** Audit entries about a draft name it so. */
export const draftAuditTarget = (id: string) => ({ type: 'draft', id });
