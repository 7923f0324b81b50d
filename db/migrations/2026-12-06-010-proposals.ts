import { sql, type Kysely } from 'kysely';

/**
 * Proposals (提案) and their handling, from co-sponsorship of a draft to closing (docs/proposals.md).
 *
 * - draft_sponsors: the lead sponsor (领衔人, the draft's author) and the co-sponsors (联名人) a draft
 *   gathers before it is submitted; each signs the exact text (a SHA-256 of the document's content)
 *   that `drafts.signing_hash` froze. `drafts.proposal_id` set: submitted, read-only for ever.
 * - proposals: received by a committee (owner org, owner region), numbered per committee and year,
 *   in one state of the machine in shared/domain/proposal.ts. `regions` are the regions concerned
 *   (sponsors' and handling units'): leaders and staff of each supervise a joint proposal.
 * - proposal_sponsors, proposal_assignments (主办/会办 units, deadlines), proposal_replies (the lead
 *   unit's reply, co-units' opinions to it), proposal_evaluations (双向评价: sponsor → unit,
 *   unit → proposal), proposal_notes (internal notes, seen by their own side), proposal_timeline,
 *   supervision_records (督办活动) and proposal_alerts (a deadline reminder sent once).
 *
 * Reading (app_can_read_proposal, kept in step with `proposal.read` in shared/policy): a handling
 * unit reads only proposals assigned to it, and of their children only its own rows; everyone else
 * reads what they sponsor, what their region's committee received (staff, leaders, coordinators),
 * a joint proposal concerning their region (staff, leaders), or what its workspace lets them read.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(`
    -- The acting user's roles, for rules that depend on them (handling units, committee staff).
    CREATE FUNCTION app_has_role(r text) RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER
      SET search_path = public AS
      $$ SELECT EXISTS (SELECT 1 FROM users u WHERE u.id = app_user_id() AND u.status = 'active' AND r = ANY(u.roles)) $$;
    -- Roles now decide what rows a user reads: only an administrator of the region changes them. (The
    -- app role acting for nobody updates no user at all: users_update needs the actor's region.)
    CREATE FUNCTION app_guard_roles() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.roles IS DISTINCT FROM OLD.roles AND app_user_id() IS NOT NULL AND NOT app_has_role('admin') THEN
          RAISE EXCEPTION 'only an administrator changes roles' USING ERRCODE = '42501';
        END IF;
        RETURN NEW;
      END $$;
    CREATE TRIGGER users_roles_guard BEFORE UPDATE OF roles ON users FOR EACH ROW EXECUTE FUNCTION app_guard_roles();

    ALTER TABLE drafts ADD COLUMN signing_hash text, ADD COLUMN signing_version_id uuid REFERENCES draft_versions(id) ON DELETE SET NULL,
      ADD COLUMN proposal_id uuid;
    GRANT UPDATE (signing_hash, signing_version_id, proposal_id) ON drafts TO cppcc_app;

    CREATE TABLE draft_sponsors (
      draft_id uuid NOT NULL REFERENCES drafts(id) ON DELETE CASCADE,
      user_id uuid NOT NULL,
      region text NOT NULL,
      role text NOT NULL CHECK (role IN ('lead', 'co')),
      status text NOT NULL DEFAULT 'invited' CHECK (status IN ('invited', 'accepted', 'declined')),
      signed_hash text,
      signed_at timestamptz,
      invited_by uuid REFERENCES users(id),
      invited_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (draft_id, user_id),
      FOREIGN KEY (user_id, region) REFERENCES users (id, region) ON DELETE CASCADE ON UPDATE CASCADE
    );
    CREATE INDEX draft_sponsors_user_idx ON draft_sponsors (user_id);

    CREATE TABLE proposals (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      owner_org_id uuid NOT NULL,
      owner_region text NOT NULL,
      workspace_id uuid REFERENCES workspaces(id) ON DELETE SET NULL,
      visibility text NOT NULL CHECK (visibility IN ('org', 'region', 'joint')),
      regions text[] NOT NULL,
      author_id uuid NOT NULL REFERENCES users(id),
      draft_id uuid REFERENCES drafts(id) ON DELETE SET NULL,
      version_id uuid REFERENCES draft_versions(id) ON DELETE SET NULL,
      text_hash text,
      year integer NOT NULL,
      sequence integer NOT NULL,
      number text NOT NULL,
      title text NOT NULL,
      category text NOT NULL DEFAULT 'economy',
      body text NOT NULL DEFAULT '',
      state text NOT NULL DEFAULT 'submitted' CHECK (state IN
        ('submitted', 'under_review', 'filed', 'not_filed', 'assigned', 'handling', 'replied', 'evaluated', 'closed')),
      sent_back boolean NOT NULL DEFAULT false,
      not_filed_reason text,
      -- 不予立案 is often turned into a letter to the department (委员来信) or a 社情民意 item.
      not_filed_as text CHECK (not_filed_as IN ('letter', 'social_opinion')),
      is_key boolean NOT NULL DEFAULT false,
      key_leader_id uuid REFERENCES users(id),
      deadline date,
      reply_category text CHECK (reply_category IN ('A', 'B', 'C')),
      submitted_at timestamptz NOT NULL DEFAULT now(),
      filed_at timestamptz,
      replied_at timestamptz,
      closed_at timestamptz,
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (owner_org_id, year, sequence),
      FOREIGN KEY (owner_org_id, owner_region) REFERENCES orgs (id, region)
    );
    CREATE INDEX proposals_registry_idx ON proposals (owner_org_id, year, state);
    CREATE INDEX proposals_submitted_idx ON proposals (submitted_at DESC, id);
    CREATE INDEX proposals_regions_idx ON proposals USING gin (regions);
    -- Search (as migration 004 does for notices and drafts): substring matches on title and number.
    CREATE INDEX proposals_title_trgm_idx ON proposals USING gin (title gin_trgm_ops);
    ALTER TABLE drafts ADD FOREIGN KEY (proposal_id) REFERENCES proposals(id) ON DELETE SET NULL;

    CREATE TABLE proposal_counters (
      owner_org_id uuid NOT NULL REFERENCES orgs(id),
      year integer NOT NULL,
      last integer NOT NULL,
      PRIMARY KEY (owner_org_id, year)
    );

    CREATE TABLE proposal_sponsors (
      proposal_id uuid NOT NULL REFERENCES proposals(id) ON DELETE CASCADE,
      user_id uuid NOT NULL REFERENCES users(id),
      region text NOT NULL,
      role text NOT NULL CHECK (role IN ('lead', 'co')),
      signed_at timestamptz,
      PRIMARY KEY (proposal_id, user_id)
    );
    CREATE INDEX proposal_sponsors_user_idx ON proposal_sponsors (user_id);

    CREATE TABLE proposal_assignments (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      proposal_id uuid NOT NULL REFERENCES proposals(id) ON DELETE CASCADE,
      unit_org_id uuid NOT NULL REFERENCES orgs(id),
      unit_region text NOT NULL,
      role text NOT NULL CHECK (role IN ('lead', 'co')),
      deadline date NOT NULL,
      status text NOT NULL DEFAULT 'assigned' CHECK (status IN ('assigned', 'handling', 'returned', 'replied')),
      return_reason text,
      quality text CHECK (quality IN ('good', 'fair', 'poor')),
      assigned_at timestamptz NOT NULL DEFAULT now(),
      replied_at timestamptz
    );
    CREATE INDEX proposal_assignments_proposal_idx ON proposal_assignments (proposal_id);
    CREATE INDEX proposal_assignments_unit_idx ON proposal_assignments (unit_org_id, status);

    CREATE TABLE proposal_replies (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      proposal_id uuid NOT NULL REFERENCES proposals(id) ON DELETE CASCADE,
      assignment_id uuid NOT NULL REFERENCES proposal_assignments(id) ON DELETE CASCADE,
      unit_org_id uuid NOT NULL REFERENCES orgs(id),
      kind text NOT NULL CHECK (kind IN ('reply', 'opinion')),
      category text CHECK (category IN ('A', 'B', 'C')),
      body text NOT NULL,
      author_id uuid NOT NULL REFERENCES users(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((kind = 'reply') = (category IS NOT NULL))
    );
    CREATE INDEX proposal_replies_proposal_idx ON proposal_replies (proposal_id, created_at);

    CREATE TABLE proposal_evaluations (
      proposal_id uuid NOT NULL REFERENCES proposals(id) ON DELETE CASCADE,
      assignment_id uuid NOT NULL REFERENCES proposal_assignments(id) ON DELETE CASCADE,
      unit_org_id uuid NOT NULL REFERENCES orgs(id),
      rating text NOT NULL CHECK (rating IN ('satisfied', 'basically', 'dissatisfied')),
      comment text NOT NULL DEFAULT '',
      author_id uuid NOT NULL REFERENCES users(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (assignment_id)
    );
    CREATE INDEX proposal_evaluations_proposal_idx ON proposal_evaluations (proposal_id);

    CREATE TABLE proposal_notes (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      proposal_id uuid NOT NULL REFERENCES proposals(id) ON DELETE CASCADE,
      org_id uuid NOT NULL,
      region text NOT NULL,
      author_id uuid NOT NULL REFERENCES users(id),
      body text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      FOREIGN KEY (org_id, region) REFERENCES orgs (id, region)
    );
    CREATE INDEX proposal_notes_proposal_idx ON proposal_notes (proposal_id, created_at);

    -- What happened, in order; an entry about one unit (its assignment, its return) names it, and
    -- other units do not see it.
    CREATE TABLE proposal_timeline (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      proposal_id uuid NOT NULL REFERENCES proposals(id) ON DELETE CASCADE,
      action text NOT NULL,
      from_state text,
      to_state text,
      unit_org_id uuid REFERENCES orgs(id),
      actor_id uuid REFERENCES users(id),
      note text NOT NULL DEFAULT '',
      at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX proposal_timeline_proposal_idx ON proposal_timeline (proposal_id, id);

    CREATE TABLE supervision_records (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      proposal_id uuid NOT NULL REFERENCES proposals(id) ON DELETE CASCADE,
      kind text NOT NULL CHECK (kind IN ('onsite', 'forum', 'inspection', 'urge')),
      day date NOT NULL,
      participants text NOT NULL DEFAULT '',
      outcome text NOT NULL DEFAULT '',
      region text NOT NULL,
      author_id uuid NOT NULL REFERENCES users(id),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX supervision_records_proposal_idx ON supervision_records (proposal_id, day);

    -- A deadline reminder (7 days before, or passed) goes out once per assignment and kind, however
    -- many processes sweep: the primary key decides who sends it.
    CREATE TABLE proposal_alerts (
      assignment_id uuid NOT NULL REFERENCES proposal_assignments(id) ON DELETE CASCADE,
      kind text NOT NULL CHECK (kind IN ('approaching', 'overdue')),
      sent_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (assignment_id, kind)
    );

    CREATE FUNCTION app_assigned_to_me(p uuid) RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER
      SET search_path = public AS
      $$ SELECT EXISTS (SELECT 1 FROM proposal_assignments a WHERE a.proposal_id = p AND a.unit_org_id = app_org_id()) $$;
    CREATE FUNCTION app_sponsors(p uuid) RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER
      SET search_path = public AS
      $$ SELECT EXISTS (SELECT 1 FROM proposal_sponsors s WHERE s.proposal_id = p AND s.user_id = app_user_id()) $$;
    -- The lead unit of a proposal reads its co-units' opinions.
    CREATE FUNCTION app_leads(p uuid) RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER
      SET search_path = public AS
      $$ SELECT EXISTS (SELECT 1 FROM proposal_assignments a WHERE a.proposal_id = p AND a.unit_org_id = app_org_id()
                        AND a.role = 'lead' AND a.status <> 'returned') $$;

    CREATE FUNCTION app_can_read_proposal(p uuid, ws uuid, owner_org uuid, owner_region text, visibility text, regions text[])
      RETURNS boolean LANGUAGE sql STABLE AS
      $$ SELECT CASE WHEN app_has_role('handler') THEN app_assigned_to_me(p)
           ELSE app_sponsors(p)
             OR (owner_region = app_region() AND (app_has_role('staff') OR app_has_role('leader') OR app_has_role('coordinator')))
             OR (visibility = 'joint' AND app_region() = ANY(regions) AND (app_has_role('staff') OR app_has_role('leader')))
             OR (ws IS NOT NULL AND app_can_read(ws, owner_org, owner_region, visibility))
           END $$;

    -- Who may write a proposal's row at all: an assigned unit, or the receiving region (its lead
    -- sponsor and committee side); the other region of a joint proposal supervises through rows of
    -- its own (supervision_records, proposal_notes) and never rewrites this one. Which of them may make
    -- which transition is shared/policy's (tested against the machine in shared/domain/proposal.ts).
    CREATE FUNCTION app_may_change_proposal(p uuid, owner_region text, author uuid)
      RETURNS boolean LANGUAGE sql STABLE AS
      $$ SELECT CASE WHEN app_has_role('handler') THEN app_assigned_to_me(p)
           ELSE owner_region = app_region()
             AND (author = app_user_id() OR app_has_role('staff') OR app_has_role('leader') OR app_has_role('coordinator'))
           END $$;

    ALTER TABLE draft_sponsors ENABLE ROW LEVEL SECURITY;
    ALTER TABLE proposals ENABLE ROW LEVEL SECURITY;
    ALTER TABLE proposal_counters ENABLE ROW LEVEL SECURITY;
    ALTER TABLE proposal_sponsors ENABLE ROW LEVEL SECURITY;
    ALTER TABLE proposal_assignments ENABLE ROW LEVEL SECURITY;
    ALTER TABLE proposal_replies ENABLE ROW LEVEL SECURITY;
    ALTER TABLE proposal_evaluations ENABLE ROW LEVEL SECURITY;
    ALTER TABLE proposal_notes ENABLE ROW LEVEL SECURITY;
    ALTER TABLE proposal_timeline ENABLE ROW LEVEL SECURITY;
    ALTER TABLE supervision_records ENABLE ROW LEVEL SECURITY;
    ALTER TABLE proposal_alerts ENABLE ROW LEVEL SECURITY;

    -- Sponsors of a draft: read with the draft; the draft's region invites; each sponsor answers and signs for themselves.
    CREATE POLICY draft_sponsors_read ON draft_sponsors FOR SELECT
      USING (EXISTS (SELECT 1 FROM drafts d WHERE d.id = draft_sponsors.draft_id));
    CREATE POLICY draft_sponsors_insert ON draft_sponsors FOR INSERT
      WITH CHECK (EXISTS (SELECT 1 FROM drafts d WHERE d.id = draft_sponsors.draft_id AND d.owner_region = app_region()));
    CREATE POLICY draft_sponsors_delete ON draft_sponsors FOR DELETE
      USING (EXISTS (SELECT 1 FROM drafts d WHERE d.id = draft_sponsors.draft_id AND d.owner_region = app_region()));
    CREATE POLICY draft_sponsors_update ON draft_sponsors FOR UPDATE
      USING (EXISTS (SELECT 1 FROM drafts d WHERE d.id = draft_sponsors.draft_id
                     AND (draft_sponsors.user_id = app_user_id() OR d.owner_region = app_region())))
      WITH CHECK (EXISTS (SELECT 1 FROM drafts d WHERE d.id = draft_sponsors.draft_id
                     AND (draft_sponsors.user_id = app_user_id() OR d.owner_region = app_region())));

    CREATE POLICY proposals_read ON proposals FOR SELECT
      USING (app_can_read_proposal(id, workspace_id, owner_org_id, owner_region, visibility, regions));
    -- Submitted by a sponsor for their own committee's region.
    CREATE POLICY proposals_insert ON proposals FOR INSERT
      WITH CHECK (owner_region = app_region() AND author_id = app_user_id() AND NOT app_has_role('handler'));
    CREATE POLICY proposals_update ON proposals FOR UPDATE
      USING (app_may_change_proposal(id, owner_region, author_id))
      WITH CHECK (app_may_change_proposal(id, owner_region, author_id));

    CREATE POLICY proposal_counters_all ON proposal_counters FOR ALL
      USING (EXISTS (SELECT 1 FROM orgs o WHERE o.id = owner_org_id AND o.region = app_region()))
      WITH CHECK (EXISTS (SELECT 1 FROM orgs o WHERE o.id = owner_org_id AND o.region = app_region()));

    CREATE POLICY proposal_sponsors_read ON proposal_sponsors FOR SELECT
      USING (EXISTS (SELECT 1 FROM proposals p WHERE p.id = proposal_sponsors.proposal_id));
    CREATE POLICY proposal_sponsors_insert ON proposal_sponsors FOR INSERT
      WITH CHECK (EXISTS (SELECT 1 FROM proposals p WHERE p.id = proposal_sponsors.proposal_id AND p.owner_region = app_region()));

    -- A unit reads its own assignments only; the committee side reads them all.
    CREATE POLICY proposal_assignments_read ON proposal_assignments FOR SELECT
      USING (EXISTS (SELECT 1 FROM proposals p WHERE p.id = proposal_assignments.proposal_id)
             AND (NOT app_has_role('handler') OR unit_org_id = app_org_id()));
    CREATE POLICY proposal_assignments_insert ON proposal_assignments FOR INSERT
      WITH CHECK (EXISTS (SELECT 1 FROM proposals p WHERE p.id = proposal_assignments.proposal_id AND p.owner_region = app_region()));
    CREATE POLICY proposal_assignments_update ON proposal_assignments FOR UPDATE
      USING (EXISTS (SELECT 1 FROM proposals p WHERE p.id = proposal_assignments.proposal_id)
             AND (NOT app_has_role('handler') OR unit_org_id = app_org_id()))
      WITH CHECK (NOT app_has_role('handler') OR unit_org_id = app_org_id());

    -- Replies: the committee side and the sponsors read the lead unit's reply; a unit reads its own
    -- rows, and the lead unit its co-units' opinions.
    CREATE POLICY proposal_replies_read ON proposal_replies FOR SELECT
      USING (EXISTS (SELECT 1 FROM proposals p WHERE p.id = proposal_replies.proposal_id)
             AND CASE WHEN app_has_role('handler') THEN unit_org_id = app_org_id() OR app_leads(proposal_id)
                 ELSE kind = 'reply' OR NOT app_sponsors(proposal_id) OR app_has_role('staff') OR app_has_role('leader') END);
    CREATE POLICY proposal_replies_insert ON proposal_replies FOR INSERT
      WITH CHECK (unit_org_id = app_org_id() AND author_id = app_user_id() AND app_assigned_to_me(proposal_id));

    CREATE POLICY proposal_evaluations_read ON proposal_evaluations FOR SELECT
      USING (EXISTS (SELECT 1 FROM proposals p WHERE p.id = proposal_evaluations.proposal_id)
             AND (NOT app_has_role('handler') OR unit_org_id = app_org_id()));
    CREATE POLICY proposal_evaluations_insert ON proposal_evaluations FOR INSERT
      WITH CHECK (author_id = app_user_id() AND app_sponsors(proposal_id));
    CREATE POLICY proposal_evaluations_update ON proposal_evaluations FOR UPDATE
      USING (author_id = app_user_id()) WITH CHECK (author_id = app_user_id());

    -- Internal notes stay on their own side: a unit's with that unit, a committee's within its region.
    CREATE POLICY proposal_notes_read ON proposal_notes FOR SELECT
      USING (EXISTS (SELECT 1 FROM proposals p WHERE p.id = proposal_notes.proposal_id)
             AND CASE WHEN app_has_role('handler') THEN org_id = app_org_id()
                 ELSE region = app_region() AND (app_has_role('staff') OR app_has_role('leader') OR app_has_role('coordinator')) END);
    CREATE POLICY proposal_notes_insert ON proposal_notes FOR INSERT
      WITH CHECK (org_id = app_org_id() AND region = app_region() AND author_id = app_user_id()
                  AND EXISTS (SELECT 1 FROM proposals p WHERE p.id = proposal_notes.proposal_id));

    CREATE POLICY proposal_timeline_read ON proposal_timeline FOR SELECT
      USING (EXISTS (SELECT 1 FROM proposals p WHERE p.id = proposal_timeline.proposal_id)
             AND (unit_org_id IS NULL OR NOT app_has_role('handler') OR unit_org_id = app_org_id()));
    CREATE POLICY proposal_timeline_insert ON proposal_timeline FOR INSERT
      WITH CHECK (actor_id = app_user_id() AND EXISTS (SELECT 1 FROM proposals p WHERE p.id = proposal_timeline.proposal_id));

    CREATE POLICY supervision_records_read ON supervision_records FOR SELECT
      USING (EXISTS (SELECT 1 FROM proposals p WHERE p.id = supervision_records.proposal_id));
    CREATE POLICY supervision_records_insert ON supervision_records FOR INSERT
      WITH CHECK (region = app_region() AND author_id = app_user_id()
                  AND EXISTS (SELECT 1 FROM proposals p WHERE p.id = supervision_records.proposal_id AND app_region() = ANY(p.regions)));

    -- The deadline sweep acts for no one (like the calendar's reminders): it claims alerts directly.
    CREATE POLICY proposal_alerts_all ON proposal_alerts FOR ALL USING (true) WITH CHECK (true);

    -- The deadline sweep: open assignments due by a day, whoever may read them (numbers and ids only;
    -- each reminder is then written as a notification to people who may read the proposal).
    CREATE FUNCTION app_assignments_due(until_day date)
      RETURNS TABLE (assignment_id uuid, proposal_id uuid, unit_org_id uuid, deadline date, title text, number text,
                     owner_region text, regions text[], key_leader_id uuid, author_id uuid)
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
      $$ SELECT a.id, p.id, a.unit_org_id, a.deadline, p.title, p.number, p.owner_region, p.regions, p.key_leader_id, p.author_id
           FROM proposal_assignments a JOIN proposals p ON p.id = a.proposal_id
          WHERE a.status IN ('assigned', 'handling') AND a.deadline <= until_day
            AND p.state IN ('assigned', 'handling') $$;
    REVOKE EXECUTE ON FUNCTION app_assignments_due(date) FROM PUBLIC;
    GRANT EXECUTE ON FUNCTION app_assignments_due(date) TO cppcc_app;

    GRANT SELECT, INSERT, DELETE ON draft_sponsors TO cppcc_app;
    GRANT UPDATE (status, signed_hash, signed_at) ON draft_sponsors TO cppcc_app;
    GRANT SELECT, INSERT ON proposals, proposal_sponsors, proposal_replies, proposal_notes, proposal_timeline,
      supervision_records, proposal_assignments, proposal_evaluations TO cppcc_app;
    GRANT UPDATE (state, sent_back, not_filed_reason, not_filed_as, is_key, key_leader_id, deadline, reply_category, regions,
      filed_at, replied_at, closed_at, updated_at) ON proposals TO cppcc_app;
    GRANT UPDATE (status, return_reason, quality, replied_at, deadline) ON proposal_assignments TO cppcc_app;
    GRANT UPDATE (rating, comment, created_at) ON proposal_evaluations TO cppcc_app;
    GRANT SELECT, INSERT, UPDATE ON proposal_counters TO cppcc_app;
    GRANT SELECT, INSERT ON proposal_alerts TO cppcc_app;
    GRANT EXECUTE ON FUNCTION app_has_role(text), app_assigned_to_me(uuid), app_sponsors(uuid), app_leads(uuid),
      app_can_read_proposal(uuid, uuid, uuid, text, text, text[]), app_may_change_proposal(uuid, text, uuid) TO cppcc_app;
  `).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('proposals migration cannot be reverted');
}
