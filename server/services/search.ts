import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import { withActor, type Executor } from '../../db';
import {
  listRegionCodes, listWorkspaceNames, searchDrafts, searchNotices, searchPeople, searchProposals, searchWorkspaces, type SearchTerms,
} from '../../db/queries/search';
import { findWorkspaceRef } from '../../db/queries/workspaces';
import { can, type Actor } from '../../shared/policy';
import type { Visibility } from '../../shared/domain/model';
import { SEARCH_KINDS, type SearchKind, type SearchQuery } from '../../shared/validation/search';
import { dbActor } from './actor';
import { rateLimit, type CallContext } from './call';
import { toRecordRef } from './notices';
import { toProposalRef } from './proposals';

/**
 * 搜索: one box across everything the actor may read. One provider per kind finds candidates under
 * row-level security, keeps only those the policy lets the actor open, and shapes them into hits.
 * Counts are taken after that filter, so a search never returns, counts or hints at a record the
 * actor cannot open. A new searchable record adds its kind to SEARCH_KINDS and a provider below.
 */

/** A run of text, marked when it is the search term (rendered as <mark>, never as HTML). */
export interface Segment { text: string; match: boolean }

export interface SearchHit {
  kind: SearchKind;
  id: string;
  href: string;
  title: Segment[];
  /** Where the term occurs in the body, with `…` where the text was cut; null without a body. */
  excerpt: Segment[] | null;
  workspaceName: string | null;
  region: string | null;
  orgName: string | null;
  visibility: Visibility | null;
  /** The regions of the record's workspace (what a joint record is shared between); empty for the rest. */
  workspaceRegions: string[];
  /** i18n keys of labels (draft kind, roles). */
  tags: string[];
  /** Last change (records) or creation (workspaces), ISO; null for people. */
  at: string | null;
}

export interface SearchScope {
  q: string;
  /** Set only after the service checked the actor may read that workspace. */
  workspaceId?: string;
  region?: string;
}

export interface SearchProvider {
  kind: SearchKind;
  /** Readable hits, best first: at most `cap` candidates are examined (`capped` says there were more). */
  find(trx: Executor, actor: Actor, scope: SearchScope, cap: number): Promise<{ hits: SearchHit[]; capped: boolean }>;
}

/** Candidates examined per kind; a count beyond it shows as "500+". */
export const CANDIDATE_CAP = 500;
/** Hits shown per group on the combined page; the kind filter shows more. */
export const GROUP_LIMIT = 20;
export const KIND_LIMIT = 100;

// ---- Highlighting ----

/** Splits text into runs, marking every case-insensitive occurrence of q. */
export function highlight(text: string, q: string): Segment[] {
  if (!q) return [{ text, match: false }];
  // Case folding that changes length (rare scripts) would shift offsets: match exact case there.
  const fold = text.toLowerCase().length === text.length && q.toLowerCase().length === q.length;
  const hay = fold ? text.toLowerCase() : text;
  const needle = fold ? q.toLowerCase() : q;
  const out: Segment[] = [];
  let at = 0;
  for (let i = hay.indexOf(needle); i !== -1; i = hay.indexOf(needle, at)) {
    if (i > at) out.push({ text: text.slice(at, i), match: false });
    out.push({ text: text.slice(i, i + needle.length), match: true });
    at = i + needle.length;
  }
  if (at < text.length || out.length === 0) out.push({ text: text.slice(at), match: false });
  return out;
}

/** The excerpt a query returned, on one line, with ellipses where it was cut. */
function excerptOf(row: { excerpt: string; excerptFrom: number; textLength: number }, q: string): Segment[] | null {
  const text = row.excerpt.replace(/\s+/g, ' ').trim();
  if (!text) return null;
  const end = Number(row.excerptFrom) - 1 + Array.from(row.excerpt).length;
  return highlight(`${row.excerptFrom > 1 ? '…' : ''}${text}${end < Number(row.textLength) ? '…' : ''}`, q);
}

const iso = (d: Date | string) => new Date(d).toISOString();

/** Turns capped query rows into readable hits. */
function collect<R>(rows: R[], cap: number, readable: (r: R) => boolean, toHit: (r: R) => SearchHit) {
  return { hits: rows.slice(0, cap).filter(readable).map(toHit), capped: rows.length > cap };
}

/** Records sit in workspaces: only the actor's own (the scope's one, if set) are searched. */
function recordTerms(actor: Actor, scope: SearchScope, cap: number): SearchTerms {
  const mine = Object.keys(actor.workspaces);
  return { q: scope.q, region: scope.region, cap, workspaceIds: scope.workspaceId ? mine.filter((w) => w === scope.workspaceId) : mine };
}

// ---- Providers ----

const noticeProvider: SearchProvider = {
  kind: 'notice',
  async find(trx, actor, scope, cap) {
    const rows = await searchNotices(trx, recordTerms(actor, scope, cap));
    return collect(rows, cap, (n) => can(actor, 'record.read', toRecordRef(n)).allowed, (n) => ({
      kind: 'notice', id: n.id, href: `/notices/${n.id}`, title: highlight(n.title, scope.q), excerpt: excerptOf(n, scope.q),
      workspaceName: n.workspaceName, region: n.ownerRegion, orgName: n.ownerOrgName, visibility: n.visibility, workspaceRegions: n.workspaceRegions,
      tags: [], at: iso(n.updatedAt),
    }));
  },
};

const draftProvider: SearchProvider = {
  kind: 'draft',
  async find(trx, actor, scope, cap) {
    const rows = await searchDrafts(trx, recordTerms(actor, scope, cap));
    return collect(rows, cap, (d) => can(actor, 'draft.read', { ...toRecordRef(d), collaborators: d.collaborators }).allowed, (d) => ({
      kind: 'draft', id: d.id, href: `/drafts/${d.id}`, title: highlight(d.title, scope.q), excerpt: excerptOf(d, scope.q),
      workspaceName: d.workspaceName, region: d.ownerRegion, orgName: d.ownerOrgName, visibility: d.visibility, workspaceRegions: d.workspaceRegions,
      tags: [`draftKind.${d.kind}`], at: iso(d.updatedAt),
    }));
  },
};

const workspaceProvider: SearchProvider = {
  kind: 'workspace',
  async find(trx, actor, scope, cap) {
    // Not limited to the actor's memberships: an administrator reads the workspaces of their region.
    const rows = await searchWorkspaces(trx, { q: scope.q, region: scope.region, cap, workspaceIds: scope.workspaceId ? [scope.workspaceId] : undefined });
    return collect(rows, cap, (w) => can(actor, 'workspace.read', { id: w.id, ownerRegion: w.ownerRegion, regions: w.regions }).allowed, (w) => ({
      kind: 'workspace', id: w.id, href: `/workspaces/${w.id}`, title: highlight(w.name, scope.q), excerpt: excerptOf(w, scope.q),
      workspaceName: null, region: w.ownerRegion, orgName: null, visibility: null, workspaceRegions: [], tags: [], at: iso(w.createdAt),
    }));
  },
};

const personProvider: SearchProvider = {
  kind: 'person',
  async find(trx, actor, scope, cap) {
    // People of the actor's own region only (DOMAIN: people are found and managed within a region).
    if (scope.region && scope.region !== actor.region) return { hits: [], capped: false };
    const rows = await searchPeople(trx, {
      q: scope.q, region: actor.region, cap, workspaceIds: scope.workspaceId ? [scope.workspaceId] : undefined,
    });
    const readable = (u: (typeof rows)[number]) => u.region === actor.region && can(actor, 'user.read', { id: u.id, region: u.region, orgId: u.orgId }).allowed;
    return collect(rows, cap, readable, (u) => ({
      kind: 'person', id: u.id, href: `/users/${u.id}`, title: highlight(u.displayName, scope.q), excerpt: highlight(u.username, scope.q),
      workspaceName: null, region: u.region, orgName: u.orgName, visibility: null, workspaceRegions: [], tags: u.roles.map((r) => `role.${r}`), at: null,
    }));
  },
};

const proposalProvider: SearchProvider = {
  kind: 'proposal',
  async find(trx, actor, scope, cap) {
    // Not limited to workspaces: a proposal is read by its sponsors, committee side and units.
    const rows = await searchProposals(trx, { q: scope.q, region: scope.region, cap, workspaceIds: scope.workspaceId ? [scope.workspaceId] : undefined });
    return collect(rows, cap, (p) => can(actor, 'proposal.read', toProposalRef(p)).allowed, (p) => ({
      kind: 'proposal', id: p.id, href: `/proposals/${p.id}`, title: highlight(p.title, scope.q), excerpt: excerptOf(p, scope.q),
      workspaceName: null, region: p.ownerRegion, orgName: p.ownerOrgName, visibility: null, workspaceRegions: [],
      tags: [`proposal.state.${p.state}`], at: iso(p.updatedAt),
    }));
  },
};

/** Every provider, in SEARCH_KINDS order. Later records plug in here. */
export const searchProviders: readonly SearchProvider[] = [noticeProvider, draftProvider, proposalProvider, workspaceProvider, personProvider]
  .sort((a, b) => SEARCH_KINDS.indexOf(a.kind) - SEARCH_KINDS.indexOf(b.kind));

// ---- The search ----

export interface SearchGroup { kind: SearchKind; count: number; capped: boolean; hits: SearchHit[] }

export interface SearchResult {
  q: string | null;
  groups: SearchGroup[];
  total: number;
  /** The kind filter, if any: only its group carries hits (up to KIND_LIMIT). */
  kind: SearchKind | null;
  /** Filter choices: the actor's workspaces and the regions. */
  workspaces: Array<{ id: string; name: string }>;
  regions: string[];
}

/**
 * Runs one search (or, without a term, only loads the filter choices) in one transaction under the
 * actor's row-level security. A workspace filter the actor may not read finds nothing, exactly as a
 * readable workspace without matches does.
 */
export async function search(db: Kysely<DB>, actor: Actor, query: Partial<SearchQuery>, call: CallContext = {}): Promise<SearchResult> {
  // Only a search costs (loading the page's filter choices does not).
  if (query.q) await rateLimit(call, 'search', actor.id);
  return withActor(db, dbActor(actor), async (trx) => {
    const workspaces = await listWorkspaceNames(trx, Object.keys(actor.workspaces));
    const regions = await listRegionCodes(trx);
    const base = { workspaces, regions };
    if (!query.q) return { ...base, q: null, kind: query.kind ?? null, groups: [], total: 0 };
    let blocked = false;
    if (query.workspace) {
      const ref = await findWorkspaceRef(trx, query.workspace);
      blocked = !ref || !can(actor, 'workspace.read', ref).allowed;
    }
    const scope: SearchScope = { q: query.q, workspaceId: query.workspace, region: query.region };
    // Every kind is counted (the kind tabs show each count); hits are kept for the shown kinds only.
    const limit = (kind: SearchKind) => (!query.kind ? GROUP_LIMIT : kind === query.kind ? KIND_LIMIT : 0);
    const groups: SearchGroup[] = [];
    // One after another: a transaction has one connection.
    for (const provider of searchProviders) {
      const { hits, capped } = blocked ? { hits: [], capped: false } : await provider.find(trx, actor, scope, CANDIDATE_CAP);
      groups.push({ kind: provider.kind, count: hits.length, capped, hits: hits.slice(0, limit(provider.kind)) });
    }
    return { ...base, q: query.q, kind: query.kind ?? null, groups, total: groups.reduce((n, g) => n + g.count, 0) };
  });
}
