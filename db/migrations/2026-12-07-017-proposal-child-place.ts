import { sql, type Kysely } from 'kysely';

/**
 * Reading many assignments and evaluations without looking their proposal up row by row
 * (docs/proposals.md, "Registry and dashboard"), or one by one through their proposal.
 *
 * Their read rules ask whether the reader may read the proposal (a sub-select under the proposal's
 * own rule): about 3 µs per row, two thirds of the dashboard's statement for one committee's year
 * (5,000 proposals, 4,500 assignments, 3,500 evaluations). The committee side of the proposal's own
 * region reads every such proposal, and a proposal's region is known without it:
 *
 * - each row carries its proposal's region, committee and year (`proposal_region`, `proposal_org_id`,
 *   `proposal_year`: copies of `owner_region`, `owner_org_id`, `year`), filled on insert by a trigger
 *   and held equal by a foreign key on the four columns, which also carries a change of the
 *   proposal's down (ON UPDATE CASCADE): the copies cannot disagree with the proposal;
 * - the read rule decides two cases from the row alone, with the roles checked once per statement,
 *   and means exactly what it meant (the old rule: the proposal is readable, and a handling unit's
 *   own row): a handling unit reads its own assignment rows (such a row is itself what makes the
 *   proposal readable to the unit: app_assigned_to_me), and the committee side (not a unit) reads
 *   the rows of its own region's proposals (proposals_read: committee side and owner region). Every
 *   other reader still goes through the proposal. An evaluation names its unit but not that the unit
 *   was assigned: for a unit that is still asked (app_assigned_to_me).
 *
 * - the dashboard reads one committee's year of assignments and evaluations by the copies (an index
 *   each) and matches them to the readable proposals in one join, instead of looking each
 *   proposal's children up through the proposal's index, 5,000 times.
 *
 * Decision 22. Measured at 100,000 proposals (tests/bench/proposal-registry.bench.ts), the dashboard's statement
 * for that year: 74 → 47 ms p50 on PostgreSQL with the rule, 35 ms with the join.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(`
    ALTER TABLE proposals ADD CONSTRAINT proposals_place_key UNIQUE (id, owner_region, owner_org_id, year);

    CREATE FUNCTION app_copy_proposal_place() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
      BEGIN
        SELECT p.owner_region, p.owner_org_id, p.year INTO NEW.proposal_region, NEW.proposal_org_id, NEW.proposal_year
          FROM proposals p WHERE p.id = NEW.proposal_id;
        RETURN NEW;
      END $$;
    REVOKE EXECUTE ON FUNCTION app_copy_proposal_place() FROM PUBLIC;
${['proposal_assignments', 'proposal_evaluations'].map((t) => `
    ALTER TABLE ${t} ADD COLUMN proposal_region text, ADD COLUMN proposal_org_id uuid, ADD COLUMN proposal_year integer;
    UPDATE ${t} c SET proposal_region = p.owner_region, proposal_org_id = p.owner_org_id, proposal_year = p.year
      FROM proposals p WHERE p.id = c.proposal_id;
    ALTER TABLE ${t} ALTER COLUMN proposal_region SET NOT NULL, ALTER COLUMN proposal_org_id SET NOT NULL,
      ALTER COLUMN proposal_year SET NOT NULL,
      ADD CONSTRAINT ${t}_place_fkey FOREIGN KEY (proposal_id, proposal_region, proposal_org_id, proposal_year)
        REFERENCES proposals (id, owner_region, owner_org_id, year) ON UPDATE CASCADE ON DELETE CASCADE;
    CREATE TRIGGER ${t}_place BEFORE INSERT OR UPDATE OF proposal_id ON ${t}
      FOR EACH ROW EXECUTE FUNCTION app_copy_proposal_place();
    CREATE INDEX ${t}_place_idx ON ${t} (proposal_org_id, proposal_year);`).join('\n')}

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
  throw new Error('proposal child place migration cannot be reverted');
}
