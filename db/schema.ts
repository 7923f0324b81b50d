import type { ColumnType, Generated, Selectable } from 'kysely';
import type { Region, Role, Visibility, WorkspaceRole } from '../shared/domain/model';
import type { NotificationKind } from '../shared/validation/notifications';
import type { EventAnswer, EventKind } from '../shared/domain/calendar';
import type {
  DraftSponsorTable, ProposalTable, ProposalCounterTable, ProposalSponsorTable, ProposalAssignmentTable, ProposalReplyTable, ProposalReplyFileTable, ProposalEvaluationTable, ProposalNoteTable, ProposalTimelineTable, SupervisionRecordTable, ProposalAlertTable,
} from './schema-proposals';
import type {
  InspectionTable, InspectionLeadTable, InspectionMemberTable, InspectionStopTable, InspectionTaskTable, InspectionFindingTable, InspectionFindingPhotoTable, RectificationItemTable, RectificationItemFindingTable, RectificationOverdueNoticeTable,
} from './schema-inspections';

export type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
export type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface RegionTable { code: Region; name_zh: string; name_en: string }

export interface OrgTable {
  id: Generated<string>;
  name: string;
  kind: 'committee' | 'unit';
  level: 'province' | 'city' | 'district' | null;
  parent_id: string | null;
  region: Region;
  created_at: CreatedAt;
}

export interface UserTable {
  id: Generated<string>;
  username: string;
  display_name: string;
  org_id: string;
  region: Region;
  roles: Role[];
  status: ColumnType<'active' | 'disabled', 'active' | 'disabled' | undefined, 'active' | 'disabled'>;
  password_hash: string;
  password_changed_at: Timestamp;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface UserContactTable {
  user_id: string;
  region: Region;
  phone: string | null;
  email: string | null;
  id_number: string | null;
  address: string | null;
}

export interface SessionTable {
  id: string;
  user_id: string;
  created_at: CreatedAt;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  ip: string | null;
  user_agent: string | null;
}

export interface LoginAttemptTable {
  id: Generated<number>;
  username: string;
  ip: string;
  succeeded: boolean;
  at: CreatedAt;
}

export interface WorkspaceTable {
  id: Generated<string>;
  name: string;
  description: string;
  owner_region: Region;
  created_at: CreatedAt;
}

export interface WorkspaceOrgTable { workspace_id: string; org_id: string; region: Region }

export interface WorkspaceMemberTable {
  workspace_id: string;
  user_id: string;
  region: Region;
  role: WorkspaceRole;
  added_at: CreatedAt;
}

export interface NoticeTable {
  id: Generated<string>;
  workspace_id: string;
  owner_org_id: string;
  owner_region: Region;
  visibility: Visibility;
  title: string;
  body: string;
  author_id: string;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: CreatedAt;
  actor_id: string | null;
  actor_name: string | null;
  region: Region | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  detail: ColumnType<Record<string, unknown>, string | undefined, never>;
  ip: string | null;
}

export interface DraftTable {
  id: Generated<string>;
  workspace_id: string;
  owner_org_id: string;
  owner_region: Region;
  visibility: Visibility;
  kind: 'proposal' | 'research' | 'inspection' | 'speech';
  title: string;
  author_id: string;
  plain_text: Generated<string>;
  created_at: CreatedAt;
  updated_at: Timestamp;
  /** The text frozen for signing (SHA-256 of its content), or null while it is being edited. */
  signing_hash: ColumnType<string | null, string | null | undefined, string | null>;
  signing_version_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** The proposal it was submitted as: read-only for ever after. */
  proposal_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface DraftCollaboratorTable {
  draft_id: string;
  user_id: string;
  region: Region;
  role: 'editor' | 'commenter' | 'viewer';
  added_by: string | null;
  added_at: CreatedAt;
}

export interface DraftUpdateTable {
  id: Generated<number>;
  draft_id: string;
  data: Uint8Array;
  /** How many updates `data` holds (migration 005: several are length-prefixed). */
  updates: Generated<number>;
  user_id: string | null;
  created_at: CreatedAt;
}

export interface DraftSnapshotTable {
  draft_id: string;
  data: Uint8Array;
  last_update_id: number;
  updated_at: Timestamp;
}

export interface DraftClientIdTable { draft_id: string; client_id: number; user_id: string }

export interface DraftVersionTable {
  id: Generated<string>;
  draft_id: string;
  name: string;
  data: Uint8Array;
  author_id: string;
  created_at: CreatedAt;
}

export interface DraftCommentTable {
  id: Generated<string>;
  draft_id: string;
  thread_id: string | null;
  author_id: string;
  body: string;
  anchor: ColumnType<{ from: unknown; to: unknown } | null, string | null | undefined, string | null>;
  quote: string | null;
  resolved_at: Timestamp | null;
  resolved_by: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface NotificationTable {
  id: Generated<string>;
  user_id: string;
  region: Region;
  kind: NotificationKind;
  record_kind: string;
  record_id: string;
  workspace_id: string | null;
  text: string;
  actor_id: string | null;
  created_at: CreatedAt;
  read_at: Timestamp | null;
}

export interface NotificationPreferenceTable {
  user_id: string;
  region: Region;
  kind: NotificationKind;
  enabled: boolean;
  updated_at: Timestamp;
}

export interface EventTable {
  id: Generated<string>;
  workspace_id: string;
  owner_org_id: string;
  owner_region: Region;
  visibility: Visibility;
  author_id: string;
  kind: EventKind;
  title: string;
  place: ColumnType<string, string | undefined, string>;
  online_url: ColumnType<string, string | undefined, string>;
  description: ColumnType<string, string | undefined, string>;
  starts_at: Timestamp;
  ends_at: Timestamp;
  all_day: ColumnType<boolean, boolean | undefined, boolean>;
  rrule: string | null;
  sequence: ColumnType<number, number | undefined, number>;
  minutes_draft_id: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface EventExceptionTable {
  event_id: string;
  occurrence_start: ColumnType<Date, Date | string, never>;
  cancelled: boolean;
  starts_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
  ends_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
}

export interface EventInviteeTable {
  event_id: string;
  user_id: string;
  answer: ColumnType<EventAnswer, EventAnswer | undefined, EventAnswer>;
  reason: ColumnType<string, string | undefined, string>;
  answered_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  attended: ColumnType<boolean | null, boolean | null | undefined, boolean | null>;
}

/** The committees organising an event together (主办单位); the owner org is always one of them. */
export interface EventOrganiserTable { event_id: string; org_id: string }

export interface CalendarFeedTable { user_id: string; salt: string; token_hash: string; created_at: Timestamp }

export interface EventReminderTable { event_id: string; occurrence_start: ColumnType<Date, Date | string, never>; sent_at: CreatedAt }

export interface DB {
  drafts: DraftTable;
  draft_collaborators: DraftCollaboratorTable;
  draft_updates: DraftUpdateTable;
  draft_snapshots: DraftSnapshotTable;
  draft_client_ids: DraftClientIdTable;
  draft_versions: DraftVersionTable;
  draft_comments: DraftCommentTable;
  regions: RegionTable;
  orgs: OrgTable;
  users: UserTable;
  user_contacts: UserContactTable;
  sessions: SessionTable;
  login_attempts: LoginAttemptTable;
  workspaces: WorkspaceTable;
  workspace_orgs: WorkspaceOrgTable;
  workspace_members: WorkspaceMemberTable;
  notices: NoticeTable;
  audit_log: AuditLogTable;
  notifications: NotificationTable;
  notification_preferences: NotificationPreferenceTable;
  events: EventTable;
  event_exceptions: EventExceptionTable;
  event_invitees: EventInviteeTable;
  event_organisers: EventOrganiserTable;
  calendar_feeds: CalendarFeedTable;
  event_reminders: EventReminderTable;
  draft_sponsors: DraftSponsorTable;
  proposals: ProposalTable;
  proposal_counters: ProposalCounterTable;
  proposal_sponsors: ProposalSponsorTable;
  proposal_assignments: ProposalAssignmentTable;
  proposal_replies: ProposalReplyTable;
  proposal_reply_files: ProposalReplyFileTable;
  proposal_evaluations: ProposalEvaluationTable;
  proposal_notes: ProposalNoteTable;
  proposal_timeline: ProposalTimelineTable;
  supervision_records: SupervisionRecordTable;
  proposal_alerts: ProposalAlertTable;
  inspections: InspectionTable;
  inspection_leads: InspectionLeadTable;
  inspection_members: InspectionMemberTable;
  inspection_stops: InspectionStopTable;
  inspection_tasks: InspectionTaskTable;
  inspection_findings: InspectionFindingTable;
  inspection_finding_photos: InspectionFindingPhotoTable;
  rectification_items: RectificationItemTable;
  rectification_item_findings: RectificationItemFindingTable;
  rectification_overdue_notices: RectificationOverdueNoticeTable;
}

export type { AssignmentStatus } from './schema-proposals';

export type Org = Selectable<OrgTable>;
