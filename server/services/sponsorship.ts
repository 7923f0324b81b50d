import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import * as Y from 'yjs';
import { yXmlFragmentToProseMirrorRootNode } from '@tiptap/y-tiptap';
import type { DB } from '../../db/schema';
import { withActor, type Executor } from '../../db';
import { findUserRef, listWorkspaceMembers, findMember } from '../../db/queries/workspaces';
import { insertDraftVersion } from '../../db/queries/versions';
import { findProvinceCommittee } from '../../db/queries/orgs';
import {
  deleteDraftSponsor, findDraftSigning, insertDraftSponsor, insertProposal, insertProposalSponsors, insertTimeline,
  listDraftSponsors, nextProposalSequence, setDraftProposal, setDraftSigning, setSponsorStatus, signDraft, usersWithRole,
  voidSignatures, type DraftSponsorRow,
} from '../../db/queries/proposals';
import { authorize, can, type Actor, type DraftRef } from '../../shared/policy';
import { COMMITTEE_PREFIX, proposalNumber, type ProposalTopic } from '../../shared/domain/proposal';
import { beijingDay } from '../../shared/domain/calendar';
import { DOCUMENT_FIELD, documentSchema } from '../../shared/editor/extensions';
import { documentText, loadDocument } from '../collab/document';
import { dbActor } from './actor';
import { audit } from './audit';
import { InputError } from './errors';
import { announceNotifications, notify } from './notifications';
import { draftAuditTarget, loadReadableDraft } from './draft-access';
import type { CallContext } from './call';

/**
 * 联名与签署: a draft's lead sponsor (领衔人, its author) invites co-sponsors (联名人), freezes the text
 * for signing, each co-sponsor signs that exact text (a SHA-256 of its content, shown as a short
 * code), and the lead sponsor submits it as a proposal (docs/proposals.md). While frozen nobody edits
 * the draft, in the editor or over /collab (the policy's `draft.edit` refuses a frozen draft and the
 * collaboration server rechecks every connection); reopening it voids every signature.
 */

type LoadedDraft = DraftRef & { id: string; title: string };

/** The code a sponsor compares before signing: the hash's first 8 hex digits, in two groups. */
export const signingCode = (hash: string) => `${hash.slice(0, 4)}-${hash.slice(4, 8)}`.toUpperCase();

/** What is signed: the title and the document's content, as ProseMirror JSON (no history, no authorship). */
export function contentHash(title: string, doc: Y.Doc): string {
  const content = yXmlFragmentToProseMirrorRootNode(doc.getXmlFragment(DOCUMENT_FIELD), documentSchema()).toJSON();
  return crypto.createHash('sha256').update(JSON.stringify({ title, content })).digest('hex');
}

/** A placeholder while the text is being frozen: edits are already refused, nothing can be signed yet. */
const FREEZING = 'freezing';

const isSigned = (s: DraftSponsorRow, hash: string | null) => hash !== null && s.signedHash === hash;

/** The draft's sponsorship as the sign-off page shows it, with what the actor may do. */
export async function getSponsorship(db: Kysely<DB>, actor: Actor, draftId: string) {
  return withActor(db, dbActor(actor), async (trx) => {
    const draft = await loadReadableDraft(trx, actor, draftId);
    const signing = (await findDraftSigning(trx, draftId))!;
    const sponsors = await listDraftSponsors(trx, draftId);
    const hash = signing.signingHash && signing.signingHash !== FREEZING ? signing.signingHash : null;
    const me = sponsors.find((s) => s.userId === actor.id) ?? null;
    const lead = can(actor, 'draft.submit', draft).allowed;
    const open = signing.proposalId === null;
    const accepted = sponsors.filter((s) => s.status === 'accepted' || s.role === 'lead');
    const members = lead && open && !signing.signingHash ? await listWorkspaceMembers(trx, draft.workspaceId) : [];
    const candidates = members
      .filter((m) => m.status === 'active' && m.id !== actor.id && !sponsors.some((s) => s.userId === m.id))
      .filter((m) => can(actor, 'draft.inviteSponsor', { draft, user: { ...m, workspaceIds: [draft.workspaceId] } }).allowed)
      .map((m) => ({ id: m.id, displayName: m.displayName, orgName: m.orgName, region: m.region }));
    return {
      draft: { id: draft.id, title: draft.title, visibility: draft.visibility, ownerRegion: draft.ownerRegion },
      sponsors: sponsors.map((s) => ({ ...s, signed: isSigned(s, hash), signedHash: undefined })),
      signing: { frozen: signing.signingHash !== null, hash, code: hash && signingCode(hash), proposalId: signing.proposalId },
      allSigned: hash !== null && accepted.every((s) => isSigned(s, hash)),
      candidates,
      me: me && { role: me.role, status: me.status, signed: isSigned(me, hash) },
      abilities: {
        invite: lead && open && !signing.signingHash,
        freeze: lead && open && !signing.signingHash,
        reopen: lead && open && signing.signingHash !== null,
        submit: lead && open && hash !== null,
        answer: me?.role === 'co' && open && me.status === 'invited',
        sign: me !== null && me.status === 'accepted' && open && hash !== null && !isSigned(me, hash),
      },
    };
  });
}

async function loadForLead(trx: Executor, actor: Actor, draftId: string) {
  const draft = await loadReadableDraft(trx, actor, draftId);
  authorize(actor, 'draft.submit', draft);
  const signing = (await findDraftSigning(trx, draftId))!;
  if (signing.proposalId) throw new InputError('_form', 'proposal.alreadySubmitted');
  return { draft, signing };
}

/** After a change: the sign-off page and the editor of everyone concerned revalidate. */
async function announce(call: CallContext, draft: LoadedDraft, recheck: boolean) {
  if (recheck) await call.collab?.recheckDraft(draft.id);
  await call.realtime?.recordChanged('draft', draft.id, draft, 'updated');
}

/** The lead sponsor invites members who may read the draft (of the other region only when it is joint). */
export async function inviteSponsors(db: Kysely<DB>, actor: Actor, draftId: string, userIds: readonly string[], call: CallContext = {}) {
  const told: string[] = [];
  const draft = await withActor(db, dbActor(actor), async (trx) => {
    const { draft, signing } = await loadForLead(trx, actor, draftId);
    if (signing.signingHash) throw new InputError('users', 'proposal.textFrozen');
    // The lead sponsor is a sponsor from the first invitation on.
    await insertDraftSponsor(trx, { draftId, userId: actor.id, region: actor.region, role: 'lead', invitedBy: actor.id, accepted: true });
    for (const userId of userIds) {
      const user = await findUserRef(trx, userId);
      if (!user || user.status !== 'active' || user.id === actor.id) throw new InputError('users', 'drafts.userUnavailable');
      const member = await findMember(trx, draft.workspaceId, user.id);
      const decision = can(actor, 'draft.inviteSponsor', { draft, user: { ...user, workspaceIds: member ? [draft.workspaceId] : [] } });
      if (!decision.allowed) throw new InputError('users', decision.reason);
      await insertDraftSponsor(trx, { draftId, userId, region: user.region, role: 'co', invitedBy: actor.id });
      await audit(trx, { actor, region: draft.ownerRegion, ip: call.ip, action: 'proposal.sponsor.invite', target: draftAuditTarget(draftId),
        detail: { title: draft.title, userId, user: user.displayName, crossRegion: user.region !== draft.ownerRegion } });
    }
    told.push(...await notify(trx, { recipients: userIds, kind: 'invitation', record: { kind: 'draft', id: draftId, ref: draft }, text: draft.title, actor }));
    return draft;
  });
  await announce(call, draft, false);
  await announceNotifications(db, call, told);
}

/** The lead sponsor takes back an invitation (not while the text is frozen). */
export async function removeSponsor(db: Kysely<DB>, actor: Actor, draftId: string, userId: string, call: CallContext = {}) {
  const draft = await withActor(db, dbActor(actor), async (trx) => {
    const { draft, signing } = await loadForLead(trx, actor, draftId);
    if (signing.signingHash) throw new InputError('_form', 'proposal.textFrozen');
    if (userId === actor.id) throw new InputError('_form', 'proposal.notInvited');
    await deleteDraftSponsor(trx, draftId, userId);
    await audit(trx, { actor, region: draft.ownerRegion, ip: call.ip, action: 'proposal.sponsor.remove', target: draftAuditTarget(draftId), detail: { title: draft.title, userId } });
    return draft;
  });
  await announce(call, draft, false);
}

/** An invited co-sponsor accepts or declines; the lead sponsor is told. */
export async function answerSponsorship(db: Kysely<DB>, actor: Actor, draftId: string, answer: 'accept' | 'decline', call: CallContext = {}) {
  const told: string[] = [];
  const draft = await withActor(db, dbActor(actor), async (trx) => {
    const draft = await loadReadableDraft(trx, actor, draftId);
    const me = (await listDraftSponsors(trx, draftId)).find((s) => s.userId === actor.id && s.role === 'co');
    authorize(actor, 'draft.sign', { ...draft, sponsor: me !== undefined });
    const signing = (await findDraftSigning(trx, draftId))!;
    if (signing.proposalId) throw new InputError('_form', 'proposal.alreadySubmitted');
    await setSponsorStatus(trx, draftId, actor.id, answer === 'accept' ? 'accepted' : 'declined');
    await audit(trx, { actor, region: draft.ownerRegion, ip: call.ip, action: `proposal.sponsor.${answer}`, target: draftAuditTarget(draftId), detail: { title: draft.title } });
    if (actor.region !== draft.ownerRegion) {
      await audit(trx, { actor, region: actor.region, ip: call.ip, action: `proposal.sponsor.${answer}`, target: draftAuditTarget(draftId), detail: { title: draft.title } });
    }
    told.push(...await notify(trx, { recipients: [draft.authorId], kind: 'status', record: { kind: 'draft', id: draftId, ref: draft }, text: draft.title, actor }));
    return draft;
  });
  await announce(call, draft, false);
  await announceNotifications(db, call, told);
}

/**
 * "Ready to sign": editing stops first (the draft is marked, every live connection rechecked, what
 * the live server buffers stored), then the text is hashed and kept as a version, and the lead
 * sponsor's signature is the first.
 */
export async function freezeForSigning(db: Kysely<DB>, actor: Actor, draftId: string, call: CallContext = {}) {
  const told: string[] = [];
  const draft = await withActor(db, dbActor(actor), async (trx) => {
    const { draft, signing } = await loadForLead(trx, actor, draftId);
    if (signing.signingHash) throw new InputError('_form', 'proposal.textFrozen');
    const sponsors = await listDraftSponsors(trx, draftId);
    if (sponsors.some((s) => s.status === 'invited')) throw new InputError('_form', 'proposal.sponsorsPending');
    await insertDraftSponsor(trx, { draftId, userId: actor.id, region: actor.region, role: 'lead', invitedBy: actor.id, accepted: true });
    await setDraftSigning(trx, draftId, { hash: FREEZING, versionId: null });
    return draft;
  });
  await call.collab?.recheckDraft(draftId);
  await call.collab?.flush();
  await withActor(db, dbActor(actor), async (trx) => {
    const doc = await loadDocument(trx, draftId);
    try {
      const hash = contentHash(draft.title, doc);
      const { id: versionId } = await insertDraftVersion(trx, { draftId, name: `签署稿 ${signingCode(hash)}`, data: Y.encodeStateAsUpdateV2(doc), authorId: actor.id });
      await setDraftSigning(trx, draftId, { hash, versionId });
      await voidSignatures(trx, draftId);
      await signDraft(trx, draftId, actor.id, hash);
      await audit(trx, { actor, region: draft.ownerRegion, ip: call.ip, action: 'proposal.freeze', target: draftAuditTarget(draftId),
        detail: { title: draft.title, code: signingCode(hash) } });
      const others = (await listDraftSponsors(trx, draftId)).filter((s) => s.status === 'accepted' && s.userId !== actor.id).map((s) => s.userId);
      told.push(...await notify(trx, { recipients: others, kind: 'status', record: { kind: 'draft', id: draftId, ref: { ...draft, frozen: true } }, text: draft.title, actor }));
    } finally {
      doc.destroy();
    }
  });
  await announce(call, { ...draft, frozen: true }, false);
  await announceNotifications(db, call, told);
}

/** A co-sponsor signs the frozen text, naming the hash they were shown: a changed text is refused. */
export async function signText(db: Kysely<DB>, actor: Actor, draftId: string, hash: string, call: CallContext = {}) {
  const told: string[] = [];
  const draft = await withActor(db, dbActor(actor), async (trx) => {
    const draft = await loadReadableDraft(trx, actor, draftId);
    const sponsors = await listDraftSponsors(trx, draftId);
    const me = sponsors.find((s) => s.userId === actor.id && s.status === 'accepted');
    authorize(actor, 'draft.sign', { ...draft, sponsor: me !== undefined });
    const signing = (await findDraftSigning(trx, draftId))!;
    if (signing.proposalId) throw new InputError('_form', 'proposal.alreadySubmitted');
    if (!signing.signingHash || signing.signingHash === FREEZING) throw new InputError('_form', 'proposal.notFrozen');
    if (signing.signingHash !== hash) throw new InputError('_form', 'proposal.textChanged');
    await signDraft(trx, draftId, actor.id, hash);
    const detail = { title: draft.title, code: signingCode(hash) };
    await audit(trx, { actor, region: draft.ownerRegion, ip: call.ip, action: 'proposal.sign', target: draftAuditTarget(draftId), detail });
    if (actor.region !== draft.ownerRegion) await audit(trx, { actor, region: actor.region, ip: call.ip, action: 'proposal.sign', target: draftAuditTarget(draftId), detail });
    told.push(...await notify(trx, { recipients: [draft.authorId], kind: 'status', record: { kind: 'draft', id: draftId, ref: draft }, text: draft.title, actor }));
    return draft;
  });
  await announce(call, draft, false);
  await announceNotifications(db, call, told);
}

/** The lead sponsor reopens the text for changes: every signature is void, editing resumes. */
export async function reopenEditing(db: Kysely<DB>, actor: Actor, draftId: string, call: CallContext = {}) {
  const told: string[] = [];
  const draft = await withActor(db, dbActor(actor), async (trx) => {
    const { draft, signing } = await loadForLead(trx, actor, draftId);
    if (!signing.signingHash) throw new InputError('_form', 'proposal.notFrozen');
    await setDraftSigning(trx, draftId, { hash: null, versionId: null });
    await voidSignatures(trx, draftId);
    await audit(trx, { actor, region: draft.ownerRegion, ip: call.ip, action: 'proposal.reopen', target: draftAuditTarget(draftId), detail: { title: draft.title } });
    const others = (await listDraftSponsors(trx, draftId)).filter((s) => s.userId !== actor.id && s.status === 'accepted').map((s) => s.userId);
    told.push(...await notify(trx, { recipients: others, kind: 'status', record: { kind: 'draft', id: draftId, ref: { ...draft, frozen: false } }, text: draft.title, actor }));
    return { ...draft, frozen: false };
  });
  await announce(call, draft, true);
  await announceNotifications(db, call, told);
}

/**
 * 提交: once every accepted co-sponsor signed the frozen text, the lead sponsor submits it. The
 * proposal is received by the provincial committee of the lead sponsor's region, numbered in its
 * year, linked to the signed version, with its sponsors; the draft stays read-only for ever.
 */
export async function submitProposal(db: Kysely<DB>, actor: Actor, draftId: string, topic: ProposalTopic, call: CallContext = {}) {
  const told: string[] = [];
  const { draft, proposalId, ref } = await withActor(db, dbActor(actor), async (trx) => {
    const { draft, signing } = await loadForLead(trx, actor, draftId);
    const hash = signing.signingHash;
    if (!hash || hash === FREEZING) throw new InputError('_form', 'proposal.notFrozen');
    const sponsors = (await listDraftSponsors(trx, draftId)).filter((s) => s.status === 'accepted' || s.role === 'lead');
    if (!sponsors.every((s) => s.signedHash === hash)) throw new InputError('_form', 'proposal.notAllSigned');
    const committee = await findProvinceCommittee(trx, actor.region);
    const prefix = COMMITTEE_PREFIX[actor.region];
    if (!committee || !prefix) throw new InputError('_form', 'proposal.noCommittee');
    const year = Number(beijingDay(new Date()).slice(0, 4));
    const sequence = await nextProposalSequence(trx, committee.id, year);
    const doc = await loadDocument(trx, draftId);
    const body = documentText(doc);
    doc.destroy();
    const regions = [...new Set(sponsors.map((s) => s.region))];
    const proposalId = await insertProposal(trx, {
      ownerOrgId: committee.id, ownerRegion: actor.region, workspaceId: draft.workspaceId,
      visibility: draft.visibility === 'joint' ? 'joint' : 'region', regions, authorId: actor.id, draftId,
      versionId: signing.signingVersionId, textHash: hash, year, sequence, number: proposalNumber(prefix, year, sequence),
      title: draft.title, category: topic, body,
    });
    await insertProposalSponsors(trx, proposalId, sponsors.map((s) => ({ userId: s.userId, region: s.region, role: s.role, signedAt: s.signedAt })));
    await setDraftProposal(trx, draftId, proposalId);
    await insertTimeline(trx, { proposalId, action: 'submit', fromState: null, toState: 'submitted', actorId: actor.id, note: signingCode(hash) });
    await audit(trx, { actor, region: actor.region, ip: call.ip, action: 'proposal.submit', target: { type: 'proposal', id: proposalId },
      detail: { title: draft.title, number: proposalNumber(prefix, year, sequence), draftId } });
    const staff = await usersWithRole(trx, [actor.region], ['staff']);
    const ref = {
      ownerOrgId: committee.id, ownerRegion: actor.region, workspaceId: draft.workspaceId,
      visibility: draft.visibility === 'joint' ? 'joint' as const : 'region' as const, regions, authorId: actor.id,
      sponsorIds: sponsors.map((s) => s.userId), assignedOrgIds: [], leadUnitOrgId: null,
    };
    told.push(...await notify(trx, { recipients: [...staff, ...ref.sponsorIds], kind: 'status', record: { kind: 'proposal', id: proposalId, ref }, text: draft.title, actor }));
    return { draft, proposalId, ref };
  });
  await announce(call, { ...draft, frozen: true }, false);
  // Open registries and dashboards of its readers list it now.
  await call.realtime?.proposalChanged(proposalId, ref, false);
  await announceNotifications(db, call, told);
  return proposalId;
}

