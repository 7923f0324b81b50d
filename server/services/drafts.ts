import type { Kysely } from 'kysely';
import * as Y from 'yjs';
import type { DB } from '../../db/schema';
import { withActor, type Executor } from '../../db';
import {
  deleteDraftCollaborators, findDraft, insertDraft, insertDraftCollaborator, insertDraftSnapshot,
  listDraftCollaborators, listDrafts as queryDrafts, updateDraft, updateDraftCollaborator,
} from '../../db/queries/drafts';
import { findMember, findUserRef, findWorkspaceRef, listWorkspaceMembers, listWorkspacesByIds } from '../../db/queries/workspaces';
import { authorize, can, PolicyError, isHandlingUnit, type Actor, type CollaboratorRole, type DraftRef, type RecordRef } from '../../shared/policy';
import type { ChangeAction } from '../../shared/realtime/events';
import type { Visibility } from '../../shared/domain/model';
import type { DraftKind } from '../../shared/validation/drafts';
import { claimClientIds } from '../../db/queries/collab';
import { documentText } from '../collab/document';
import { documentStateFromJSON } from '../../shared/editor/state';
import { dbActor } from './actor';
import { audit, visibilityAction } from './audit';
import { InputError, NotFoundError } from './errors';
import type { CallContext } from './call';
import { draftAuditTarget } from './draft-access';

/**
 * 草稿: drafts co-edited live (the document itself lives in server/collab). This service owns the
 * record around it: who may read, edit, comment and manage, its visibility and its collaborators.
 * Every change that can take access away asks the collaboration hub to re-check live connections
 * after the commit, so a revoked person is cut off at once, not at their next reconnect.
 */

// ---- The initial document ----

type JSONNode = { type: string; text?: string; attrs?: Record<string, unknown>; content?: JSONNode[] };

/**
 * A new draft's document: a heading with its title. Seeded once here, on the server, before any
 * client connects; its text is extracted the way the collaboration server keeps drafts.plain_text.
 */
function initialDocument(title: string, imported?: unknown) {
  const json = imported ?? {
    type: 'doc',
    content: [
      { type: 'heading', attrs: { level: 1 }, content: [{ type: 'text', text: title }] },
      { type: 'paragraph' },
    ],
  } satisfies JSONNode;
  const { state, clientId } = documentStateFromJSON(json);
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, state);
    return { state, clientId, text: documentText(doc) };
  } finally {
    doc.destroy();
  }
}

// ---- Loading and abilities ----

type LoadedDraft = NonNullable<Awaited<ReturnType<typeof findDraft>>>;

async function loadDraft(trx: Executor, actor: Actor, id: string): Promise<LoadedDraft> {
  const draft = await findDraft(trx, id);
  if (!draft) throw new NotFoundError('draft');
  authorize(actor, 'draft.read', draft);
  return draft;
}

/** The actor's effective role, as the collaboration server derives it (server/services/draft-access.ts). */
export function draftRoleOf(actor: Actor, draft: DraftRef): CollaboratorRole {
  if (can(actor, 'draft.edit', draft).allowed) return 'editor';
  return can(actor, 'draft.comment', draft).allowed ? 'commenter' : 'viewer';
}

export function draftAbilities(actor: Actor, draft: DraftRef) {
  return {
    edit: can(actor, 'draft.edit', draft).allowed,
    comment: can(actor, 'draft.comment', draft).allowed,
    manage: can(actor, 'draft.manage', draft).allowed,
  };
}


/**
 * After the commit: live document connections re-check their rights first (a revoked person is cut
 * off at once, not at their next reconnect), then open pages that show the draft revalidate.
 */
async function announce(call: CallContext, id: string, ref: RecordRef, action: ChangeAction, recheck: boolean) {
  if (recheck) await call.collab?.recheckDraft(id);
  await call.realtime?.recordChanged('draft', id, ref, action);
}

// ---- Reading ----

export interface DraftListQuery { workspaceId?: string; q?: string; mine?: boolean }

/** Drafts the actor may read (row-level security, then the policy), newest change first. */
export async function listDrafts(db: Kysely<DB>, actor: Actor, query: DraftListQuery) {
  return withActor(db, dbActor(actor), async (trx) => {
    const workspaceIds = Object.keys(actor.workspaces);
    const [rows, workspaces] = await Promise.all([
      queryDrafts(trx, { workspaceIds, workspaceId: query.workspaceId, q: query.q, involving: query.mine ? actor.id : undefined }),
      listWorkspacesByIds(trx, workspaceIds),
    ]);
    const drafts = rows.filter((d) => can(actor, 'draft.read', d).allowed).map(({ collaborators, ...d }) => ({
      ...d,
      myRole: d.authorId === actor.id ? ('author' as const) : collaborators[actor.id] ?? null,
    }));
    return { drafts, workspaces: workspaces.map((w) => ({ id: w.id, name: w.name })), abilities: { start: can(actor, 'draft.start', {}).allowed } };
  });
}

/** One draft with what the actor may do, its collaborators and, for managers, whom they may invite. */
export async function getDraft(db: Kysely<DB>, actor: Actor, id: string) {
  return withActor(db, dbActor(actor), async (trx) => {
    const { collaborators: roles, ...draft } = await loadDraft(trx, actor, id);
    const ref: DraftRef = { ...draft, collaborators: roles };
    const abilities = draftAbilities(actor, ref);
    const [collaborators, members] = await Promise.all([
      listDraftCollaborators(trx, id),
      abilities.manage ? listWorkspaceMembers(trx, draft.workspaceId) : Promise.resolve([]),
    ]);
    const open = members.filter((m) => m.status === 'active' && m.id !== draft.authorId && !(m.id in roles));
    const decided = open.map((m) => ({
      m,
      decision: can(actor, 'draft.invite', {
        draft: ref, user: { id: m.id, region: m.region, orgId: m.orgId, workspaceIds: [draft.workspaceId] },
      }),
    }));
    const candidates = decided.filter((x) => x.decision.allowed)
      .map(({ m }) => ({ id: m.id, displayName: m.displayName, orgName: m.orgName, region: m.region }));
    return {
      draft,
      collaborators,
      role: draftRoleOf(actor, ref),
      abilities,
      candidates,
      /** Some workspace members are left out until the draft is made 川渝联合. */
      othersNeedJoint: decided.some(({ decision: d }) => !d.allowed && d.reason === 'policy.inviteNeedsJoint'),
    };
  });
}

// ---- Creating and changing the record ----

export interface DraftCreateInput {
  title: string; kind: DraftKind; visibility: Visibility;
  /** Imported content (server/services/draft-word.ts): ProseMirror JSON seeded instead of the title heading. */
  imported?: { document: unknown; fileName: string };
}

/** A new draft owned by the actor's org, its document seeded once here with the title as a heading. */
export async function createDraft(db: Kysely<DB>, actor: Actor, workspaceId: string, input: DraftCreateInput, call: CallContext = {}) {
  const id = await withActor(db, dbActor(actor), async (trx) => {
    if (!(await findWorkspaceRef(trx, workspaceId))) throw new InputError('workspaceId', 'drafts.workspaceUnavailable');
    const decision = can(actor, 'draft.create', { workspaceId, ownerOrgId: actor.orgId, ownerRegion: actor.region, visibility: input.visibility });
    if (!decision.allowed) {
      if (decision.reason === 'policy.notInWorkspace') throw new InputError('workspaceId', 'drafts.workspaceUnavailable');
      throw new PolicyError(decision.status, decision.reason, 'draft.create');
    }
    const initial = initialDocument(input.title, input.imported?.document);
    const { id } = await insertDraft(trx, {
      workspaceId, ownerOrgId: actor.orgId, ownerRegion: actor.region, visibility: input.visibility, kind: input.kind,
      title: input.title, authorId: actor.id, plainText: initial.text,
    });
    await insertDraftSnapshot(trx, id, initial.state);
    // The seeded text is the author's: attribution and diffs show it as theirs, not unrecorded.
    await claimClientIds(trx, id, [initial.clientId], actor.id);
    const detail = { title: input.title, kind: input.kind, visibility: input.visibility, ...(input.imported ? { importedFrom: input.imported.fileName } : {}) };
    await audit(trx, { actor, region: actor.region, ip: call.ip, action: 'draft.create', target: draftAuditTarget(id), detail });
    if (input.visibility === 'joint') {
      await audit(trx, { actor, region: actor.region, ip: call.ip, action: 'boundary.share', target: draftAuditTarget(id), detail: { from: null, to: 'joint', title: input.title } });
    }
    return id;
  });
  const ref = { workspaceId, ownerOrgId: actor.orgId, ownerRegion: actor.region, visibility: input.visibility, authorId: actor.id };
  await announce(call, id, ref, 'created', false);
  return id;
}

export interface DraftMetaInput { title: string; kind: DraftKind }

export async function updateDraftMeta(db: Kysely<DB>, actor: Actor, id: string, input: DraftMetaInput, call: CallContext = {}) {
  const ref = await withActor(db, dbActor(actor), async (trx) => {
    const draft = await loadDraft(trx, actor, id);
    authorize(actor, 'draft.manage', draft);
    if (draft.title === input.title && draft.kind === input.kind) return null;
    await updateDraft(trx, id, input);
    await audit(trx, {
      actor, region: draft.ownerRegion, ip: call.ip, action: 'draft.update', target: draftAuditTarget(id),
      detail: { from: { title: draft.title, kind: draft.kind }, to: input },
    });
    return draft;
  });
  if (ref) await announce(call, id, ref, 'updated', false);
}

/**
 * Widening to 川渝联合 crosses the provincial boundary (boundary.share). Narrowing takes access
 * away: collaborators the new visibility no longer admits are removed in the same transaction,
 * and their live connections are closed right after the commit (boundary.unshare when leaving joint).
 */
export async function setDraftVisibility(db: Kysely<DB>, actor: Actor, id: string, to: Visibility, call: CallContext = {}) {
  const result = await withActor(db, dbActor(actor), async (trx) => {
    const draft = await loadDraft(trx, actor, id);
    authorize(actor, 'record.setVisibility', { ...draft, to });
    if (draft.visibility === to) return { ref: null, removed: [] as string[] };
    const narrowed: DraftRef = { ...draft, visibility: to };
    // The row policy refuses an update that would hide the draft from the actor; say so instead.
    if (!can(actor, 'draft.read', narrowed).allowed) throw new InputError('visibility', 'drafts.wouldLoseAccess');
    const collaborators = await listDraftCollaborators(trx, id);
    const cut = collaborators.filter((c) => !can(actor, 'draft.invite', {
      draft: narrowed, user: { id: c.id, region: c.region, orgId: c.orgId, workspaceIds: [draft.workspaceId] },
    }).allowed);
    await deleteDraftCollaborators(trx, id, cut.map((c) => c.id));
    await updateDraft(trx, id, { visibility: to });
    const action = visibilityAction(draft.visibility, to, 'draft.visibility');
    const detail = { from: draft.visibility, to, title: draft.title, removed: cut.map((c) => c.displayName) };
    await audit(trx, { actor, region: draft.ownerRegion, ip: call.ip, action, target: draftAuditTarget(id), detail });
    // The other region's administrators see that their people lost a shared draft.
    for (const region of new Set(cut.map((c) => c.region).filter((r) => r !== draft.ownerRegion))) {
      await audit(trx, { actor, region, ip: call.ip, action, target: draftAuditTarget(id),
        detail: { ...detail, removed: cut.filter((c) => c.region === region).map((c) => c.displayName) } });
    }
    return { ref: narrowed, removed: cut.map((c) => c.displayName) };
  });
  if (result.ref) await announce(call, id, result.ref, 'visibility', true);
  return { changed: result.ref !== null, removed: result.removed };
}

// ---- Collaborators ----

export interface CollaboratorInput { userId: string; role: CollaboratorRole }

async function loadManaged(trx: Executor, actor: Actor, id: string) {
  const draft = await loadDraft(trx, actor, id);
  authorize(actor, 'draft.manage', draft);
  return draft;
}

/** Invite a member of the draft's workspace; another region's person only once the draft is joint. */
export async function inviteCollaborator(db: Kysely<DB>, actor: Actor, id: string, input: CollaboratorInput, call: CallContext = {}) {
  const ref = await withActor(db, dbActor(actor), async (trx) => {
    const draft = await loadManaged(trx, actor, id);
    const user = await findUserRef(trx, input.userId);
    if (!user || user.status !== 'active' || isHandlingUnit(user)) throw new InputError('userId', 'drafts.userUnavailable');
    if (user.id === draft.authorId) throw new InputError('userId', 'drafts.isAuthor');
    if (user.id in draft.collaborators) throw new InputError('userId', 'drafts.alreadyCollaborator');
    const member = await findMember(trx, draft.workspaceId, user.id);
    const decision = can(actor, 'draft.invite', { draft, user: { ...user, workspaceIds: member ? [draft.workspaceId] : [] } });
    // The actor manages this draft (checked above): a refusal here is about the person chosen.
    if (!decision.allowed) throw new InputError('userId', decision.reason);
    await insertDraftCollaborator(trx, id, user, input.role, actor.id);
    const crossRegion = user.region !== draft.ownerRegion;
    const detail = { title: draft.title, userId: user.id, user: user.displayName, role: input.role, crossRegion };
    await audit(trx, { actor, region: draft.ownerRegion, ip: call.ip, action: 'draft.invite', target: draftAuditTarget(id), detail });
    if (crossRegion) await audit(trx, { actor, region: user.region, ip: call.ip, action: 'draft.invite', target: draftAuditTarget(id), detail });
    return draft;
  });
  // A reader of a joint draft may already be connected as a viewer: give them the new role now.
  await announce(call, id, ref, 'members', true);
}

export async function setCollaboratorRole(db: Kysely<DB>, actor: Actor, id: string, input: CollaboratorInput, call: CallContext = {}) {
  const ref = await withActor(db, dbActor(actor), async (trx) => {
    const draft = await loadManaged(trx, actor, id);
    const from = draft.collaborators[input.userId];
    if (!from) throw new NotFoundError('collaborator');
    if (from === input.role) return null;
    await updateDraftCollaborator(trx, id, input.userId, input.role);
    const user = await findUserRef(trx, input.userId);
    const detail = { title: draft.title, userId: input.userId, user: user?.displayName, from, to: input.role };
    await audit(trx, { actor, region: draft.ownerRegion, ip: call.ip, action: 'draft.collaborator.role', target: draftAuditTarget(id), detail });
    if (user && user.region !== draft.ownerRegion) {
      await audit(trx, { actor, region: user.region, ip: call.ip, action: 'draft.collaborator.role', target: draftAuditTarget(id), detail });
    }
    return draft;
  });
  if (ref) await announce(call, id, ref, 'members', true);
}

export async function removeCollaborator(db: Kysely<DB>, actor: Actor, id: string, userId: string, call: CallContext = {}) {
  const ref = await withActor(db, dbActor(actor), async (trx) => {
    const draft = await loadManaged(trx, actor, id);
    const role = draft.collaborators[userId];
    if (!role) throw new NotFoundError('collaborator');
    await deleteDraftCollaborators(trx, id, [userId]);
    const user = await findUserRef(trx, userId);
    const detail = { title: draft.title, userId, user: user?.displayName, role };
    await audit(trx, { actor, region: draft.ownerRegion, ip: call.ip, action: 'draft.collaborator.remove', target: draftAuditTarget(id), detail });
    if (user && user.region !== draft.ownerRegion) {
      await audit(trx, { actor, region: user.region, ip: call.ip, action: 'draft.collaborator.remove', target: draftAuditTarget(id), detail });
    }
    return draft;
  });
  await announce(call, id, ref, 'members', true);
}
