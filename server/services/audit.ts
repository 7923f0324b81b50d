import type { Executor } from '../../db';
import type { Region } from '../../shared/domain/model';

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
  await trx.insertInto('audit_log').values({
    actor_id: e.actor?.id ?? null,
    actor_name: e.actor?.displayName ?? null,
    region: e.region,
    action: e.action,
    target_type: e.target?.type ?? null,
    target_id: e.target?.id ?? null,
    detail: JSON.stringify(e.detail ?? {}),
    ip: e.ip ?? null,
  }).execute();
}
