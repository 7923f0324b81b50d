import type { RealtimeHub } from '../realtime/hub';
import type { CollabHub } from '../collab';
import type { RateLimitKind, RateLimits } from '../rate-limits';
import { RateLimitedError } from './errors';

/**
 * What a change needs besides its input: the client's address (for the audit log) and whom to
 * tell once the transaction has committed. Routes pass `callContext(context)`; tests may pass
 * nothing, and then nobody is told.
 */
export interface CallContext {
  ip?: string;
  realtime?: RealtimeHub;
  collab?: CollabHub;
  /** Per-user limits on costly or spammable actions; absent in tests that call services directly. */
  rateLimits?: RateLimits;
}

/**
 * Counts one `kind` action of the user; throws RateLimitedError (its message shown at `field`) when
 * they are over the limit.
 */
export async function rateLimit(call: CallContext, kind: RateLimitKind, userId: string, field?: string): Promise<void> {
  if (call.rateLimits && !(await call.rateLimits.take(kind, userId))) throw new RateLimitedError(field);
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
