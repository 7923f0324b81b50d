import { sql, type Kysely } from 'kysely';

/**
 * The proposal registry and dashboard read many proposals at once (docs/proposals.md, "Registry and
 * dashboard"): the read rules of migration 010 are rewritten here with the SAME meaning but cheaper
 * per row, and the registry's sort orders get their indexes.
 *
 * - The acting user's roles do not change within a statement, so each role check is an uncorrelated
 *   sub-select `(SELECT app_has_role(...))`, which PostgreSQL evaluates once per statement (an
 *   InitPlan) instead of once per row; app_has_role is SECURITY DEFINER and never inlined.
 * - Inside a policy, a sub-select is evaluated once per statement only if the rule is not hidden in
 *   a function (a SQL function with a sub-select is not inlined): app_proposal_readable takes the
 *   roles as arguments, and the policy passes the sub-selects.
 * - Its arms are reordered (OR commutes) so that committee staff, who read their whole region, pass
 *   on a column comparison before any per-row lookup (sponsors, workspace).
 *
 * Measured at 100,000 proposals (tests/bench/proposal-registry.bench.ts): counting one committee's
 * year of 5,000 went from about 114 ms to a few ms on PostgreSQL.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(`
    -- The rule of migration 010, with the reader's roles as arguments: no sub-select inside, so it is
    -- inlined into the policy, whose role checks are sub-selects evaluated once per statement.
    CREATE FUNCTION app_proposal_readable(p uuid, ws uuid, owner_org uuid, owner_region text, visibility text, regions text[],
        is_handler boolean, is_committee_side boolean, is_supervisor boolean)
      RETURNS boolean LANGUAGE sql STABLE AS
      $$ SELECT CASE WHEN is_handler THEN app_assigned_to_me(p)
           ELSE (owner_region = app_region() AND is_committee_side)
             OR (visibility = 'joint' AND app_region() = ANY(regions) AND is_supervisor)
             OR app_sponsors(p)
             OR (ws IS NOT NULL AND app_can_read(ws, owner_org, owner_region, visibility))
           END $$;
    -- Same meaning as before, for any caller that still asks row by row.
    CREATE OR REPLACE FUNCTION app_can_read_proposal(p uuid, ws uuid, owner_org uuid, owner_region text, visibility text, regions text[])
      RETURNS boolean LANGUAGE sql STABLE AS
      $$ SELECT app_proposal_readable(p, ws, owner_org, owner_region, visibility, regions, app_has_role('handler'),
           app_has_role('staff') OR app_has_role('leader') OR app_has_role('coordinator'), app_has_role('staff') OR app_has_role('leader')) $$;
    ALTER POLICY proposals_read ON proposals
      USING (app_proposal_readable(id, workspace_id, owner_org_id, owner_region, visibility, regions,
        (SELECT app_has_role('handler')),
        (SELECT app_has_role('staff') OR app_has_role('leader') OR app_has_role('coordinator')),
        (SELECT app_has_role('staff') OR app_has_role('leader'))));
    GRANT EXECUTE ON FUNCTION app_proposal_readable(uuid, uuid, uuid, text, text, text[], boolean, boolean, boolean) TO cppcc_app;

    ALTER POLICY proposal_assignments_read ON proposal_assignments
      USING (EXISTS (SELECT 1 FROM proposals p WHERE p.id = proposal_assignments.proposal_id)
             AND (NOT (SELECT app_has_role('handler')) OR unit_org_id = app_org_id()));
    ALTER POLICY proposal_evaluations_read ON proposal_evaluations
      USING (EXISTS (SELECT 1 FROM proposals p WHERE p.id = proposal_evaluations.proposal_id)
             AND (NOT (SELECT app_has_role('handler')) OR unit_org_id = app_org_id()));

    -- The registry's orders: by number within a year, by deadline.
    CREATE INDEX proposals_number_idx ON proposals (year, number, id);
    CREATE INDEX proposals_deadline_idx ON proposals (deadline, id);
    -- Where a reader outside the committee side starts (db/queries/proposal-registry.ts, CANDIDATES).
    CREATE INDEX proposals_joint_idx ON proposals (owner_org_id, year) WHERE visibility = 'joint';
    CREATE INDEX proposals_workspace_idx ON proposals (workspace_id) WHERE workspace_id IS NOT NULL;
  `).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('proposal registry migration cannot be reverted');
}
