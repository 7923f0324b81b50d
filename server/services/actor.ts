import type { DbActor } from '../../db';
import type { Actor } from '../../shared/policy';

/** The row-level security identity of a policy actor. */
export const dbActor = (a: Actor): DbActor => ({ id: a.id, region: a.region, orgId: a.orgId });
