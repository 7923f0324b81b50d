import type { Kysely } from 'kysely';
import { yXmlFragmentToProsemirrorJSON } from '@tiptap/y-tiptap';
import type { DB } from '../../db/schema';
import { withActor } from '../../db';
import { findDraft } from '../../db/queries/drafts';
import { authorize, type Actor } from '../../shared/policy';
import { DOCUMENT_FIELD } from '../../shared/editor/extensions';
import type { Region } from '../../shared/domain/model';
import { DOCX_MAX_BYTES } from '../../shared/validation/drafts';
import { loadDocument } from '../collab/document';
import type { DocumentJSON } from '../word/docx-to-json';
import type { WordConverter } from '../word/pool';
import type { ProposalHeader } from '../word/json-to-docx';
import { findDraftVersion } from '../../db/queries/versions';
import { listProposalSponsors } from '../../db/queries/proposals';
import { beijingDay } from '../../shared/domain/calendar';
import { translate } from '../../shared/i18n';
import { loadProposal } from './proposals';
import { versionDocument } from './versions';
import { signingCode } from './sponsorship';
import { createDraft, type DraftCreateInput } from './drafts';
import { dbActor } from './actor';
import { audit } from './audit';
import { InputError, NotFoundError, UnavailableError } from './errors';
import { rateLimit, type CallContext } from './call';

/**
 * Word in and out (.docx). Import makes a new draft through the drafts service (same policy, audit
 * and seeding; the document starts as the imported content). Export reads the stored document
 * under the reader's row-level security and the draft.read policy, as the editor page does.
 */

/**
 * What an imported draft may hold: its text in characters (a long research report is well under
 * this), and its Word runs, which the conversion's time grows with (~0.15 ms each, in a worker of
 * the pool, whose time limit stops whatever these bounds let through).
 */
export const IMPORT_LIMITS = { maxChars: 100_000, maxRuns: 40_000 };
export const DOCX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

export interface DraftImportInput extends Omit<DraftCreateInput, 'imported' | 'title'> {
  /** Empty: the file name without its extension. */
  title?: string;
  fileName: string;
  file: Buffer;
}

/** 《提案》.docx → 《提案》: the title a file name suggests (the last path segment, no extension). */
export function titleFromFileName(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? '';
  return base.replace(/\.docx$/i, '').replace(/[\u0000-\u001F\u007F]/g, '').trim().slice(0, 200);
}

/**
 * A new draft from a .docx file. Refusals are field errors on `file` (not a Word document, too
 * large, unreadable, too long) or `title`; the workspace and visibility are checked by createDraft.
 */
export async function importDraft(db: Kysely<DB>, actor: Actor, workspaceId: string, input: DraftImportInput, call: CallContext = {}) {
  await rateLimit(call, 'wordImport', actor.id, 'file');
  if (input.file.length > DOCX_MAX_BYTES) throw new InputError('file', 'word.tooLarge');
  const result = await converter(call).importDocx(input.file, IMPORT_LIMITS);
  if (!result.ok) throw new InputError('file', result.refusal);
  const json = result.value;
  const title = input.title?.trim() || titleFromFileName(input.fileName);
  if (!title) throw new InputError('title', 'word.noTitle');
  const fileName = input.fileName.split(/[\\/]/).pop()!.slice(0, 255);
  return createDraft(db, actor, workspaceId, {
    title, kind: input.kind, visibility: input.visibility, imported: { document: json, fileName },
  }, call);
}

/**
 * The draft as a .docx, for a reader of the draft (else NotFoundError / PolicyError 404, like the
 * page). It is built from the stored document: edits still buffered in a live collaboration server
 * (at most ~250 ms old) are included only if the caller flushed first. Exports are audited for
 * the owner region, and for the reader's region when the draft crossed the boundary to them.
 */
export async function exportDraft(db: Kysely<DB>, actor: Actor & { displayName?: string }, id: string, call: CallContext = {}) {
  const { title, json } = await withActor(db, dbActor(actor), async (trx) => {
    const draft = await findDraft(trx, id);
    if (!draft) throw new NotFoundError('draft');
    authorize(actor, 'draft.read', draft);
    // A throwaway copy, read without a schema: nothing here can change the live document.
    const doc = await loadDocument(trx, id);
    let json: DocumentJSON;
    try {
      json = yXmlFragmentToProsemirrorJSON(doc.getXmlFragment(DOCUMENT_FIELD)) as DocumentJSON;
    } finally {
      doc.destroy();
    }
    const detail = { title: draft.title };
    const regions = new Set<Region>([draft.ownerRegion as Region, actor.region as Region]);
    for (const region of regions) {
      await audit(trx, { actor, region, ip: call.ip, action: 'draft.export', target: { type: 'draft', id }, detail });
    }
    return { title: draft.title, json };
  });
  const result = await converter(call).exportDocx(json, { title });
  if (!result.ok) throw new UnavailableError(result.refusal);
  return { title, bytes: result.value };
}

/** The server's Word worker pool: conversions never run on the event loop. */
export function converter(call: CallContext): WordConverter {
  if (!call.word) throw new Error('Word conversion needs the worker pool (call.word)');
  return call.word;
}

/** A file name for the title: no path or reserved characters, at most 100 characters, ends in .docx. */
export function exportFileName(title: string): string {
  const safe = title.replace(/[\u0000-\u001F\u007F\\/:*?"<>|]/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 100);
  return `${safe || '草稿'}.docx`;
}

/**
 * Content-Disposition for a possibly Chinese file name (RFC 6266 / RFC 5987): an ASCII fallback for
 * old clients (`fallbackName` when nothing of the name is ASCII), and filename* with the UTF-8 name
 * for every current browser.
 */
export function contentDisposition(fileName: string, fallbackName = 'draft'): string {
  const ascii = fileName.replace(/[^\x20-\x7E]/g, '').replace(/["\\%;]/g, '').trim();
  const extension = /\.[a-z]+$/i.exec(fileName)?.[0] ?? '';
  // Letters say something of the file; a name of digits and dashes only (提案登记-2024 → "-2024") does not.
  const fallback = /[A-Za-z]/.test(ascii.slice(0, ascii.length - extension.length)) ? ascii : `${fallbackName}${extension}`;
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/** A Beijing day in words, as an official document dates it: 2026年12月6日. */
const chineseDay = (at: Date | string) => {
  const [y, m, d] = beijingDay(at).split('-').map(Number);
  return `${y}年${m}月${d}日`;
};

/**
 * A proposal as a .docx in the official layout (GB/T 9704): number, title, sponsors, the text every
 * sponsor signed, and the signatures with the signed text's code. For a reader of the proposal (the
 * page's rule); the signed text comes from its version where the reader may read the draft, else
 * from the text the proposal keeps (a handling unit reads no drafts). Audited for the receiving region.
 */
export async function exportProposal(db: Kysely<DB>, actor: Actor & { displayName?: string }, id: string, call: CallContext = {}) {
  const { title, json, proposal } = await withActor(db, dbActor(actor), async (trx) => {
    const p = await loadProposal(trx, actor, id);
    const sponsors = await listProposalSponsors(trx, id);
    const version = p.draftId && p.versionId ? await findDraftVersion(trx, p.draftId, p.versionId) : undefined;
    let json: DocumentJSON;
    if (version) {
      const doc = versionDocument(version.data);
      try {
        json = yXmlFragmentToProsemirrorJSON(doc.getXmlFragment(DOCUMENT_FIELD)) as DocumentJSON;
      } finally {
        doc.destroy();
      }
      // The draft's own first heading repeats the title the layout already sets.
      const first = json.content?.[0];
      if (first?.type === 'heading' && first.content?.map((c) => c.text ?? '').join('') === p.title) json.content = json.content!.slice(1);
    } else {
      json = { type: 'doc', content: p.body.split('\n').filter((l) => l.trim()).map((text) => ({ type: 'paragraph', content: [{ type: 'text', text }] })) };
    }
    await audit(trx, { actor, region: p.ownerRegion, ip: call.ip, action: 'proposal.export', target: { type: 'proposal', id }, detail: { number: p.number, title: p.title } });
    const code = p.textHash ? signingCode(p.textHash) : null;
    const proposal: ProposalHeader = {
      number: p.number,
      committee: p.committeeName,
      category: translate('zh-CN', `proposal.topic.${p.category}`),
      submitted: chineseDay(p.submittedAt),
      sponsors: sponsors.map((s) => (s.role === 'lead' ? `${s.name}（领衔）` : s.name)).join('、'),
      signatures: sponsors.map((s) => [`${s.name}（${s.orgName}）`, s.signedAt ? `${chineseDay(s.signedAt)}电子签署` : '', code ? `签署码 ${code}` : '']
        .filter(Boolean).join('　')),
    };
    return { title: p.title, json, proposal };
  });
  const result = await converter(call).exportDocx(json, { title, proposal });
  if (!result.ok) throw new UnavailableError(result.refusal);
  return { title, bytes: result.value };
}
