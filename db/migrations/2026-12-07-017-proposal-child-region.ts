import { sql, type Kysely } from 'kysely';

/**
 * Reading many assignments and evaluations without looking their proposal up row by row
 * (docs/proposals.md, "Registry and dashboard").
 *
 * Their read rules ask whether the reader may read the proposal (a sub-select under the proposal's
 * own rule): about 3 µs per row, two thirds of the dashboard's statement for one committee's year
 * (5,000 proposals, 4,500 assignments, 3,500 evaluations). The committee side of the proposal's own
 * region reads every such proposal, and a proposal's region is known without it:
 *
 * - each row carries its proposal's region (`proposal_region`, a copy of its `owner_region`), filled
 *   on insert by a trigger and held equal by a foreign key on (proposal_id, proposal_region), which
 *   also carries a change of the proposal's region down (ON UPDATE CASCADE): the copy cannot
 *   disagree with the proposal;
 * - the read rule decides two cases from the row alone, with the roles checked once per statement,
 *   and means exactly what it meant (the old rule: the proposal is readable, and a handling unit's
 *   own row): a handling unit reads its own assignment rows (such a row is itself what makes the
 *   proposal readable to the unit: app_assigned_to_me), and the committee side (not a unit) reads
 *   the rows of its own region's proposals (proposals_read: committee side and owner region). Every
 *   other reader still goes through the proposal. An evaluation names its unit but not that the unit
 *   was assigned: for a unit that is still asked (app_assigned_to_me).
 *
 * Measured at 100,000 proposals (tests/bench/proposal-registry.bench.ts), the dashboard's statement
 * for that year: 74 → 47 ms p50 on PostgreSQL.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(`
    ALTER TABLE proposals ADD CONSTRAINT proposals_id_region_key UNIQUE (id, owner_region);

    CREATE FUNCTION app_copy_proposal_region() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
      BEGIN
        SELECT p.owner_region INTO NEW.proposal_region FROM proposals p WHERE p.id = NEW.proposal_id;
        RETURN NEW;
      END $$;
    REVOKE EXECUTE ON FUNCTION app_copy_proposal_region() FROM PUBLIC;

    ALTER TABLE proposal_assignments ADD COLUMN proposal_region text;
    UPDATE proposal_assignments a SET proposal_region = p.owner_region FROM proposals p WHERE p.id = a.proposal_id;
    ALTER TABLE proposal_assignments ALTER COLUMN proposal_region SET NOT NULL,
      ADD CONSTRAINT proposal_assignments_region_fkey FOREIGN KEY (proposal_id, proposal_region)
        REFERENCES proposals (id, owner_region) ON UPDATE CASCADE ON DELETE CASCADE;
    CREATE TRIGGER proposal_assignments_region BEFORE INSERT OR UPDATE OF proposal_id ON proposal_assignments
      FOR EACH ROW EXECUTE FUNCTION app_copy_proposal_region();

    ALTER TABLE proposal_evaluations ADD COLUMN proposal_region text;
    UPDATE proposal_evaluations e SET proposal_region = p.owner_region FROM proposals p WHERE p.id = e.proposal_id;
    ALTER TABLE proposal_evaluations ALTER COLUMN proposal_region SET NOT NULL,
      ADD CONSTRAINT proposal_evaluations_region_fkey FOREIGN KEY (proposal_id, proposal_region)
        REFERENCES proposals (id, owner_region) ON UPDATE CASCADE ON DELETE CASCADE;
    CREATE TRIGGER proposal_evaluations_region BEFORE INSERT OR UPDATE OF proposal_id ON proposal_evaluations
      FOR EACH ROW EXECUTE FUNCTION app_copy_proposal_region();

    -- Each arm the rule of migration 012 in a case it decides without the proposal (see above).
    ALTER POLICY proposal_assignments_read ON proposal_assignments
      USING (CASE WHEN (SELECT app_has_role('handler')) THEN unit_org_id = app_org_id()
                  WHEN (SELECT app_has_role('staff') OR app_has_role('leader') OR app_has_role('coordinator'))
                       AND proposal_region = app_region() THEN true
                  ELSE EXISTS (SELECT 1 FROM proposals p WHERE p.id = proposal_assignments.proposal_id) END);
    ALTER POLICY proposal_evaluations_read ON proposal_evaluations
      USING (CASE WHEN (SELECT app_has_role('handler')) THEN unit_org_id = app_org_id() AND app_assigned_to_me(proposal_id)
                  WHEN (SELECT app_has_role('staff') OR app_has_role('leader') OR app_has_role('coordinator'))
                       AND proposal_region = app_region() THEN true
                  ELSE EXISTS (SELECT 1 FROM proposals p WHERE p.id = proposal_evaluations.proposal_id) END);
  `).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('proposal child region migration cannot be reverted');
}
