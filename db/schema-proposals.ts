import type { ColumnType, Generated } from 'kysely';
import type { Region, Visibility } from '../shared/domain/model';
import type { NotFiledAs, ProposalState, ReplyCategory, Satisfaction, SupervisionKind } from '../shared/domain/proposal';
import type { CreatedAt, Timestamp } from './schema';

/** Tables of proposals and their co-sponsored drafts (migrations 010, 012); part of `DB` in schema.ts. */
export interface DraftSponsorTable {
  draft_id: string;
  user_id: string;
  region: Region;
  role: 'lead' | 'co';
  status: ColumnType<'invited' | 'accepted' | 'declined', 'invited' | 'accepted' | 'declined' | undefined, 'invited' | 'accepted' | 'declined'>;
  signed_hash: string | null;
  signed_at: Timestamp | null;
  invited_by: string | null;
  invited_at: CreatedAt;
}

type Optional<T> = ColumnType<T | null, T | null | undefined, T | null>;

export interface ProposalTable {
  id: Generated<string>;
  owner_org_id: string;
  owner_region: Region;
  workspace_id: string | null;
  visibility: Visibility;
  regions: Region[];
  author_id: string;
  draft_id: Optional<string>;
  version_id: Optional<string>;
  text_hash: Optional<string>;
  year: number;
  sequence: number;
  number: string;
  title: string;
  category: ColumnType<string, string | undefined, string>;
  body: ColumnType<string, string | undefined, string>;
  state: ColumnType<ProposalState, ProposalState | undefined, ProposalState>;
  sent_back: ColumnType<boolean, boolean | undefined, boolean>;
  not_filed_reason: Optional<string>;
  not_filed_as: Optional<NotFiledAs>;
  is_key: ColumnType<boolean, boolean | undefined, boolean>;
  key_leader_id: Optional<string>;
  /** The lead assignment's deadline (a Beijing day), kept here for the registry's 'overdue'. */
  deadline: Optional<string>;
  reply_category: Optional<ReplyCategory>;
  submitted_at: Timestamp;
  filed_at: Optional<Date | string>;
  replied_at: Optional<Date | string>;
  closed_at: Optional<Date | string>;
  updated_at: Timestamp;
}

export interface ProposalCounterTable { owner_org_id: string; year: number; last: number }

export interface ProposalSponsorTable {
  proposal_id: string;
  user_id: string;
  region: Region;
  role: 'lead' | 'co';
  signed_at: Optional<Date | string>;
}

export type AssignmentStatus = 'assigned' | 'handling' | 'returned' | 'replied';
export interface ProposalAssignmentTable {
  id: Generated<string>;
  proposal_id: string;
  unit_org_id: string;
  unit_region: Region;
  /** The proposal's owner_region, owner_org_id and year (copied on insert, kept equal by a foreign key): migration 017. */
  proposal_region: Generated<Region>;
  proposal_org_id: Generated<string>;
  proposal_year: Generated<number>;
  role: 'lead' | 'co';
  deadline: string;
  status: ColumnType<AssignmentStatus, AssignmentStatus | undefined, AssignmentStatus>;
  return_reason: Optional<string>;
  /** The unit's rating of the proposal's quality (双向评价). */
  quality: Optional<'good' | 'fair' | 'poor'>;
  assigned_at: Timestamp;
  replied_at: Optional<Date | string>;
}

export interface ProposalReplyTable {
  id: Generated<string>;
  proposal_id: string;
  assignment_id: string;
  unit_org_id: string;
  kind: 'reply' | 'opinion';
  category: ReplyCategory | null;
  body: string;
  author_id: string;
  created_at: CreatedAt;
}

export interface ProposalReplyFileTable {
  id: Generated<string>; reply_id: string; name: string; content_type: string; size: number; bytes: Buffer; created_at: CreatedAt;
}

export interface ProposalEvaluationTable {
  proposal_id: string;
  assignment_id: string;
  unit_org_id: string;
  /** The proposal's owner_region, owner_org_id and year, as on proposal_assignments. */
  proposal_region: Generated<Region>;
  proposal_org_id: Generated<string>;
  proposal_year: Generated<number>;
  rating: Satisfaction;
  comment: ColumnType<string, string | undefined, string>;
  author_id: string;
  created_at: Timestamp;
}

export interface ProposalNoteTable {
  id: Generated<string>;
  proposal_id: string;
  org_id: string;
  region: Region;
  author_id: string;
  body: string;
  created_at: CreatedAt;
}

export interface ProposalTimelineTable {
  id: Generated<number>;
  proposal_id: string;
  action: string;
  from_state: string | null;
  to_state: string | null;
  unit_org_id: string | null;
  actor_id: string | null;
  note: ColumnType<string, string | undefined, string>;
  at: Timestamp;
}

export interface SupervisionRecordTable {
  id: Generated<string>;
  proposal_id: string;
  kind: SupervisionKind;
  day: string;
  participants: ColumnType<string, string | undefined, string>;
  outcome: ColumnType<string, string | undefined, string>;
  region: Region;
  author_id: string;
  created_at: CreatedAt;
}

export interface ProposalAlertTable { assignment_id: string; kind: 'approaching' | 'overdue'; sent_at: CreatedAt }
