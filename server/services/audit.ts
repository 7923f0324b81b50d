import type { Executor } from '../../db';
import { insertAuditEntry } from '../../db/queries/audit';
import type { Region, Visibility } from '../../shared/domain/model';

export interface AuditEntry {
  actor: { id: string; displayName?: string } | null;
  /** The region whose administrators see the entry. */
  region: Region | null;
  action: string;
  target?: { type: string; id: string };
  detail?: Record<string, unknown>;
  ip?: string | null;
}

/** Append one entry in the caller's transaction, so it stands or falls with the change it records. */
export async function audit(trx: Executor, e: AuditEntry): Promise<void> {
  await insertAuditEntry(trx, {
    actorId: e.actor?.id ?? null,
    actorName: e.actor?.displayName ?? null,
    region: e.region,
    action: e.action,
    targetType: e.target?.type ?? null,
    targetId: e.target?.id ?? null,
    detail: e.detail ?? {},
    ip: e.ip ?? null,
  });
}

/** The audit action of a visibility change: crossing the boundary either way, or `within` one region. */
export const visibilityAction = (from: Visibility, to: Visibility, within = 'record.visibility') =>
  (to === 'joint' ? 'boundary.share' : from === 'joint' ? 'boundary.unshare' : within);
