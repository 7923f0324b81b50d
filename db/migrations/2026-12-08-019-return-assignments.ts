import { sql, type Kysely } from 'kysely';

/**
 * 退回交办: the lead unit returns a proposal that is not its own, and every open assignment of the proposal
 * goes back with it, its co-units' included. The lead unit cannot read those rows (a unit reads its own
 * assignments only), so an UPDATE of the lead unit's changed its own row and left the co-units holding the
 * proposal. This function does it for the proposal's open lead unit, and for no one else. It also returns
 * the co-units that returns made before it left open (those assigned with a lead that was returned).
 *
 * 交办 on the timeline: one entry per unit, with the unit (note: its role), where there was one entry naming
 * every unit, which every unit assigned could read. Each unit now reads its own entry only, as it reads its
 * own assignment only. Earlier entries are split by their assignments (written in the same transaction).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(`
    CREATE FUNCTION app_return_assignments(p uuid, reason text) RETURNS void
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
      BEGIN
        IF NOT app_leads(p) THEN
          RAISE EXCEPTION 'only the proposal''s lead unit returns its assignments' USING ERRCODE = '42501';
        END IF;
        UPDATE proposal_assignments SET status = 'returned', return_reason = reason
         WHERE proposal_id = p AND status <> 'returned';
      END $$;

    UPDATE proposal_assignments c SET status = 'returned', return_reason = l.return_reason
      FROM proposal_assignments l
     WHERE l.proposal_id = c.proposal_id AND l.role = 'lead' AND l.status = 'returned'
       AND c.role = 'co' AND c.status <> 'returned' AND c.assigned_at = l.assigned_at;

    INSERT INTO proposal_timeline (proposal_id, action, from_state, to_state, unit_org_id, actor_id, note, at)
      SELECT t.proposal_id, t.action, t.from_state, t.to_state, a.unit_org_id, t.actor_id, a.role, t.at
        FROM proposal_timeline t JOIN proposal_assignments a ON a.proposal_id = t.proposal_id AND a.assigned_at = t.at
       WHERE t.action = 'assign' AND t.unit_org_id IS NULL
       ORDER BY t.id, a.role DESC;
    DELETE FROM proposal_timeline t WHERE t.action = 'assign' AND t.unit_org_id IS NULL
       AND EXISTS (SELECT 1 FROM proposal_assignments a WHERE a.proposal_id = t.proposal_id AND a.assigned_at = t.at);
  `).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('return assignments migration cannot be reverted');
}
