import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import { CLOSE } from '../../shared/realtime/collab';
import { getSessionUser, type SessionUser } from '../auth/sessions';
import type { Logger } from '../logger';
import { getDraftAccess } from '../services/draft-access';
import { identityOf } from './awareness';
import type { Connection } from './connection';

/**
 * Live revocation: a connection keeps only the access its session has NOW. Re-reads the session
 * and the draft's access for each connection: session ended (logout, disabled, password reset) →
 * UNAUTHENTICATED; may no longer read → FORBIDDEN; role changed → RETRY (reconnect with the new
 * rights); unchanged → stays. A recheck that fails (database unavailable) closes with RETRY:
 * fail closed, the client comes back through the full check.
 */
export async function recheckConnections(db: Kysely<DB>, log: Logger, connections: Connection[]) {
  const sessions = new Map<string, Promise<SessionUser | null>>();
  await Promise.all(connections.map(async (conn) => {
    try {
      if (!sessions.has(conn.token)) sessions.set(conn.token, getSessionUser(db, conn.token));
      const user = await sessions.get(conn.token)!;
      if (!user || user.id !== conn.user.id) return conn.close(CLOSE.UNAUTHENTICATED, 'session ended');
      const access = await getDraftAccess(db, user, conn.draftId);
      if (!access.ok) return conn.close(CLOSE.FORBIDDEN, 'access revoked');
      if (access.role !== conn.role) return conn.close(CLOSE.RETRY, 'access changed');
      conn.user = user;
      conn.identity = identityOf(user);
      conn.checkedAt = Date.now();
    } catch (err) {
      log.warn({ err, draftId: conn.draftId, userId: conn.user.id }, 'collab access recheck failed; closing the connection');
      conn.close(CLOSE.RETRY, 'recheck failed');
    }
  }));
}
