import type { RealtimeHub } from '../realtime/hub';
import type { CollabHub } from '../collab';
import type { WordConverter } from '../word/pool';

/**
 * What a change needs besides its input: the client's address (for the audit log) and whom to
 * tell once the transaction has committed. Routes pass `callContext(context)`; tests may pass
 * nothing, and then nobody is told.
 */
export interface CallContext {
  ip?: string;
  realtime?: RealtimeHub;
  collab?: CollabHub;
  /** Word conversion in worker threads (draft-word.ts needs it). */
  word?: WordConverter;
}

/** After a commit that changed what a user may read: their sockets and live documents follow at once. */
export async function accessChanged(call: CallContext, userId: string, sessionEnded = false): Promise<void> {
  if (sessionEnded) await call.realtime?.disconnectUser(userId);
  else await call.realtime?.refreshAccess(userId);
  await call.collab?.recheckUser(userId);
}

/** A workspace's members or description changed: every member's open pages revalidate. */
export function workspaceChanged(call: CallContext, workspaceId: string, action: 'members' | 'updated'): void {
  call.realtime?.toWorkspace(workspaceId, 'record:changed', { kind: 'workspace', id: workspaceId, workspaceId, action });
}
