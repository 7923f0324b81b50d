import type { AppLoadContext } from '@remix-run/node';
import { authorize } from '../../shared/policy';
import type { RecordKind } from '../../shared/realtime/events';
import { getDraftRef } from '../../server/services/draft-access';
import { getWorkspaceRef } from '../../server/services/workspaces';
import { getNotice } from '../../server/services/notices';
import { getEventRef } from '../../server/services/calendar';
import { getProposalRef } from '../../server/services/proposals';
import { getInspectionRef } from '../../server/services/inspections';
import type { SessionUser } from '../../server/auth/sessions';
import { guard } from './session.server';

const READS: Record<RecordKind, (context: AppLoadContext, user: SessionUser, id: string) => Promise<unknown>> = {
  workspace: (c, u, id) => getWorkspaceRef(c.db, u, id),
  notice: (c, u, id) => getNotice(c.db, u, id),
  draft: (c, u, id) => getDraftRef(c.db, u, id),
  event: (c, u, id) => getEventRef(c.db, u, id),
  proposal: (c, u, id) => getProposalRef(c.db, u, id),
  inspection: (c, u, id) => getInspectionRef(c.db, u, id),
};

/**
 * An action on a record is refused (404, or the policy's 403) before its input is read when the user may
 * not read the record: else a malformed submission was answered 400 with the form's own checks, to someone
 * who may not know the record exists. Every action of a record's page calls this first.
 */
export async function requireReadable(context: AppLoadContext, user: SessionUser, kind: RecordKind, id: string): Promise<void> {
  await guard(() => READS[kind](context, user, id));
}

/** The administration's layout and actions: a non-administrator is refused (403) before anything is read. */
export async function requireAdmin(user: SessionUser): Promise<void> {
  await guard(async () => authorize(user, 'admin.enter', {}));
}
