import type { ColumnType, Generated } from 'kysely';
import type { Region, Visibility } from '../shared/domain/model';
import type { ChecklistItem, FindingSeverity, InspectionKind, InspectionStatus, RectificationStatus, TaskStatus } from '../shared/domain/inspection';
import type { CreatedAt, Timestamp } from './schema';

/** Tables of joint inspections (migration 011); part of `DB` in schema.ts. */
export interface InspectionTable {
  id: Generated<string>;
  workspace_id: string;
  owner_org_id: string;
  owner_region: Region;
  visibility: Visibility;
  author_id: string;
  kind: InspectionKind;
  title: string;
  topic: ColumnType<string, string | undefined, string>;
  starts_on: string;
  ends_on: string;
  status: ColumnType<InspectionStatus, InspectionStatus | undefined, InspectionStatus>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}
export interface InspectionLeadTable { inspection_id: string; org_id: string; region: Region }
export interface InspectionMemberTable {
  inspection_id: string; user_id: string; region: Region; added_by: string | null; added_at: CreatedAt;
}
export interface InspectionStopTable {
  id: Generated<string>; inspection_id: string; day: string; time: ColumnType<string, string | undefined, string>;
  place: string; host_unit: ColumnType<string, string | undefined, string>; created_at: CreatedAt;
}
export interface InspectionTaskTable {
  id: Generated<string>;
  inspection_id: string;
  title: string;
  description: ColumnType<string, string | undefined, string>;
  assignee_id: string | null;
  due_on: string | null;
  status: ColumnType<TaskStatus, TaskStatus | undefined, TaskStatus>;
  position: ColumnType<number, number | undefined, number>;
  checklist: ColumnType<ChecklistItem[], string | undefined, string>;
  version: ColumnType<number, number | undefined, number>;
  created_by: string;
  created_at: CreatedAt;
  updated_at: Timestamp;
}
export interface InspectionFindingTable {
  id: Generated<string>;
  inspection_id: string;
  owner_org_id: string;
  owner_region: Region;
  visibility: Visibility;
  reporter_id: string;
  description: string;
  place: ColumnType<string, string | undefined, string>;
  latitude: number | null;
  longitude: number | null;
  category: string;
  severity: FindingSeverity;
  client_key: ColumnType<string | null, string | null | undefined, never>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}
export interface InspectionFindingPhotoTable {
  id: Generated<string>; finding_id: string; content_type: string; bytes: Buffer; thumb: Buffer;
  width: number; height: number; created_at: CreatedAt;
}
export interface RectificationItemTable {
  id: Generated<string>;
  inspection_id: string;
  owner_org_id: string;
  owner_region: Region;
  visibility: Visibility;
  author_id: string;
  responsible_org_id: string;
  measure: string;
  deadline: string;
  status: ColumnType<RectificationStatus, RectificationStatus | undefined, RectificationStatus>;
  progress: ColumnType<string, string | undefined, string>;
  return_reason: ColumnType<string, string | undefined, string>;
  verified_by: string | null;
  verified_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}
export interface RectificationItemFindingTable { item_id: string; finding_id: string }
export interface RectificationOverdueNoticeTable { item_id: string; sent_at: CreatedAt }
