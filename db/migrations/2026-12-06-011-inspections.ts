import { sql, type Kysely } from 'kysely';

/**
 * Joint inspections and research trips (联合视察 / 联合调研, docs/inspections.md).
 *
 * - inspections: a shared record like an event (owner org and region, workspace, visibility, author),
 *   read under app_can_read; a handling unit also reads the inspection of a rectification item
 *   assigned to its org (app_inspection_unit), and nothing else of it.
 * - inspection_leads: the lead committee(s) of each side, a third region (贵州) included.
 * - inspection_members: the roster; each side adds and removes only its own region's people.
 * - inspection_stops: the itinerary (day, time, place, host unit).
 * - inspection_tasks: the board's cards; `version` rises with every change so two concurrent moves
 *   of one card cannot both win (compare-and-set in db/queries/inspections.ts).
 * - inspection_findings: 问题线索/隐患, owned by the reporter's org and region with their own
 *   visibility: a finding stays within its region until shared. `client_key` makes an offline entry
 *   arrive once (unique per reporter).
 * - inspection_finding_photos: photo bytes (and a thumbnail) in the database, readable exactly when
 *   their finding is (the subquery applies the findings' policy), on PGlite and PostgreSQL alike.
 * - rectification_items (整改清单) made from findings; the responsible unit reads its own items.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(`
    CREATE TABLE inspections (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      owner_org_id uuid NOT NULL,
      owner_region text NOT NULL,
      visibility text NOT NULL CHECK (visibility IN ('org', 'region', 'joint')),
      author_id uuid NOT NULL REFERENCES users(id),
      kind text NOT NULL CHECK (kind IN ('inspection', 'research', 'supervision')),
      title text NOT NULL,
      topic text NOT NULL DEFAULT '',
      starts_on text NOT NULL CHECK (starts_on ~ '^\\d{4}-\\d{2}-\\d{2}$'),
      ends_on text NOT NULL CHECK (ends_on ~ '^\\d{4}-\\d{2}-\\d{2}$'),
      status text NOT NULL DEFAULT 'planning' CHECK (status IN ('planning', 'in_progress', 'reporting', 'closed')),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (ends_on >= starts_on),
      FOREIGN KEY (owner_org_id, owner_region) REFERENCES orgs (id, region)
    );
    CREATE INDEX inspections_workspace_idx ON inspections (workspace_id, starts_on);

    CREATE TABLE inspection_leads (
      inspection_id uuid NOT NULL REFERENCES inspections(id) ON DELETE CASCADE,
      org_id uuid NOT NULL,
      region text NOT NULL,
      PRIMARY KEY (inspection_id, org_id),
      FOREIGN KEY (org_id, region) REFERENCES orgs (id, region)
    );

    CREATE TABLE inspection_members (
      inspection_id uuid NOT NULL REFERENCES inspections(id) ON DELETE CASCADE,
      user_id uuid NOT NULL,
      region text NOT NULL,
      added_by uuid REFERENCES users(id),
      added_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (inspection_id, user_id),
      FOREIGN KEY (user_id, region) REFERENCES users (id, region) ON DELETE CASCADE ON UPDATE CASCADE
    );
    CREATE INDEX inspection_members_user_idx ON inspection_members (user_id);

    CREATE TABLE inspection_stops (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      inspection_id uuid NOT NULL REFERENCES inspections(id) ON DELETE CASCADE,
      day text NOT NULL CHECK (day ~ '^\\d{4}-\\d{2}-\\d{2}$'),
      time text NOT NULL DEFAULT '' CHECK (time = '' OR time ~ '^\\d{2}:\\d{2}$'),
      place text NOT NULL,
      host_unit text NOT NULL DEFAULT '',
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX inspection_stops_idx ON inspection_stops (inspection_id, day, time);

    CREATE TABLE inspection_tasks (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      inspection_id uuid NOT NULL REFERENCES inspections(id) ON DELETE CASCADE,
      title text NOT NULL,
      description text NOT NULL DEFAULT '',
      assignee_id uuid REFERENCES users(id) ON DELETE SET NULL,
      due_on text CHECK (due_on ~ '^\\d{4}-\\d{2}-\\d{2}$'),
      status text NOT NULL DEFAULT 'todo' CHECK (status IN ('todo', 'doing', 'done', 'blocked')),
      position double precision NOT NULL DEFAULT 0,
      checklist jsonb NOT NULL DEFAULT '[]'::jsonb,
      version integer NOT NULL DEFAULT 1,
      created_by uuid NOT NULL REFERENCES users(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX inspection_tasks_idx ON inspection_tasks (inspection_id, status, position);
    CREATE INDEX inspection_tasks_assignee_idx ON inspection_tasks (assignee_id);

    CREATE TABLE inspection_findings (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      inspection_id uuid NOT NULL REFERENCES inspections(id) ON DELETE CASCADE,
      owner_org_id uuid NOT NULL,
      owner_region text NOT NULL,
      visibility text NOT NULL CHECK (visibility IN ('org', 'region', 'joint')),
      reporter_id uuid NOT NULL REFERENCES users(id),
      description text NOT NULL,
      place text NOT NULL DEFAULT '',
      latitude double precision CHECK (latitude BETWEEN -90 AND 90),
      longitude double precision CHECK (longitude BETWEEN -180 AND 180),
      category text NOT NULL,
      severity text NOT NULL CHECK (severity IN ('general', 'major', 'critical')),
      client_key text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (reporter_id, client_key),
      FOREIGN KEY (owner_org_id, owner_region) REFERENCES orgs (id, region)
    );
    CREATE INDEX inspection_findings_idx ON inspection_findings (inspection_id, created_at);

    CREATE TABLE inspection_finding_photos (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      finding_id uuid NOT NULL REFERENCES inspection_findings(id) ON DELETE CASCADE,
      content_type text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp')),
      bytes bytea NOT NULL,
      thumb bytea NOT NULL,
      width integer NOT NULL,
      height integer NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX inspection_finding_photos_idx ON inspection_finding_photos (finding_id);

    CREATE TABLE rectification_items (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      inspection_id uuid NOT NULL REFERENCES inspections(id) ON DELETE CASCADE,
      owner_org_id uuid NOT NULL,
      owner_region text NOT NULL,
      visibility text NOT NULL CHECK (visibility IN ('org', 'region', 'joint')),
      author_id uuid NOT NULL REFERENCES users(id),
      responsible_org_id uuid NOT NULL REFERENCES orgs(id),
      measure text NOT NULL,
      deadline text NOT NULL CHECK (deadline ~ '^\\d{4}-\\d{2}-\\d{2}$'),
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'in_progress', 'rectified', 'verified', 'returned')),
      progress text NOT NULL DEFAULT '',
      return_reason text NOT NULL DEFAULT '',
      verified_by uuid REFERENCES users(id),
      verified_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (status <> 'returned' OR return_reason <> ''),
      FOREIGN KEY (owner_org_id, owner_region) REFERENCES orgs (id, region)
    );
    CREATE INDEX rectification_items_idx ON rectification_items (inspection_id, status);
    CREATE INDEX rectification_items_unit_idx ON rectification_items (responsible_org_id);

    CREATE TABLE rectification_item_findings (
      item_id uuid NOT NULL REFERENCES rectification_items(id) ON DELETE CASCADE,
      finding_id uuid NOT NULL REFERENCES inspection_findings(id) ON DELETE CASCADE,
      PRIMARY KEY (item_id, finding_id)
    );

    -- A handling unit reads the inspection of an item assigned to its org (its title, for its list).
    -- SECURITY DEFINER so that the inspections' policy does not recurse through the items' policy.
    CREATE FUNCTION app_inspection_unit(insp uuid) RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER
      SET search_path = public AS
      $$ SELECT app_org_id() IS NOT NULL AND EXISTS (SELECT 1 FROM rectification_items r
                        WHERE r.inspection_id = insp AND r.responsible_org_id = app_org_id()) $$;
    REVOKE EXECUTE ON FUNCTION app_inspection_unit(uuid) FROM PUBLIC;
    GRANT EXECUTE ON FUNCTION app_inspection_unit(uuid) TO cppcc_app;

    -- The inspection's own read rule, for its children (app_can_read only: a handling unit reads none of them).
    CREATE FUNCTION app_reads_inspection(insp uuid) RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER
      SET search_path = public AS
      $$ SELECT EXISTS (SELECT 1 FROM inspections i WHERE i.id = insp
                        AND app_can_read(i.workspace_id, i.owner_org_id, i.owner_region, i.visibility)) $$;
    REVOKE EXECUTE ON FUNCTION app_reads_inspection(uuid) FROM PUBLIC;
    GRANT EXECUTE ON FUNCTION app_reads_inspection(uuid) TO cppcc_app;

    -- Whether the caller's region takes part in the inspection's workspace (it may plan with the others).
    CREATE FUNCTION app_plans_inspection(insp uuid) RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER
      SET search_path = public AS
      $$ SELECT app_reads_inspection(insp) AND EXISTS (SELECT 1 FROM inspections i
                        WHERE i.id = insp AND app_region_participates(i.workspace_id)) $$;
    REVOKE EXECUTE ON FUNCTION app_plans_inspection(uuid) FROM PUBLIC;
    GRANT EXECUTE ON FUNCTION app_plans_inspection(uuid) TO cppcc_app;

    -- A record of the inspection (finding, item) readable under its own owner and visibility, in the inspection's workspace.
    -- Positional parameters: in a SQL function a column of the same name (inspections.visibility) would win.
    CREATE FUNCTION app_reads_in_inspection(insp uuid, rec_org uuid, rec_region text, rec_visibility text)
      RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
      $$ SELECT EXISTS (SELECT 1 FROM inspections i WHERE i.id = $1
                        AND app_can_read(i.workspace_id, i.owner_org_id, i.owner_region, i.visibility)
                        AND app_can_read(i.workspace_id, $2, $3, $4)) $$;
    REVOKE EXECUTE ON FUNCTION app_reads_in_inspection(uuid, uuid, text, text) FROM PUBLIC;
    GRANT EXECUTE ON FUNCTION app_reads_in_inspection(uuid, uuid, text, text) TO cppcc_app;

    ALTER TABLE inspections ENABLE ROW LEVEL SECURITY;
    ALTER TABLE inspection_leads ENABLE ROW LEVEL SECURITY;
    ALTER TABLE inspection_members ENABLE ROW LEVEL SECURITY;
    ALTER TABLE inspection_stops ENABLE ROW LEVEL SECURITY;
    ALTER TABLE inspection_tasks ENABLE ROW LEVEL SECURITY;
    ALTER TABLE inspection_findings ENABLE ROW LEVEL SECURITY;
    ALTER TABLE inspection_finding_photos ENABLE ROW LEVEL SECURITY;
    ALTER TABLE rectification_items ENABLE ROW LEVEL SECURITY;
    ALTER TABLE rectification_item_findings ENABLE ROW LEVEL SECURITY;

    CREATE POLICY inspections_read ON inspections FOR SELECT
      USING (app_can_read(workspace_id, owner_org_id, owner_region, visibility) OR app_inspection_unit(id));
    CREATE POLICY inspections_insert ON inspections FOR INSERT
      WITH CHECK (owner_region = app_region() AND app_is_member(workspace_id));
    CREATE POLICY inspections_update ON inspections FOR UPDATE
      USING (owner_region = app_region() AND app_can_read(workspace_id, owner_org_id, owner_region, visibility))
      WITH CHECK (owner_region = app_region() AND app_can_read(workspace_id, owner_org_id, owner_region, visibility));
    CREATE POLICY inspections_delete ON inspections FOR DELETE
      USING (owner_region = app_region() AND app_can_read(workspace_id, owner_org_id, owner_region, visibility));

    -- Leads, stops and tasks: read with the inspection, planned by every region taking part.
    CREATE POLICY inspection_leads_read ON inspection_leads FOR SELECT USING (app_reads_inspection(inspection_id));
    CREATE POLICY inspection_leads_write ON inspection_leads FOR ALL
      USING (app_plans_inspection(inspection_id)) WITH CHECK (app_plans_inspection(inspection_id));
    CREATE POLICY inspection_stops_read ON inspection_stops FOR SELECT USING (app_reads_inspection(inspection_id));
    CREATE POLICY inspection_stops_write ON inspection_stops FOR ALL
      USING (app_plans_inspection(inspection_id)) WITH CHECK (app_plans_inspection(inspection_id));
    CREATE POLICY inspection_tasks_read ON inspection_tasks FOR SELECT USING (app_reads_inspection(inspection_id));
    CREATE POLICY inspection_tasks_write ON inspection_tasks FOR ALL
      USING (app_plans_inspection(inspection_id)) WITH CHECK (app_plans_inspection(inspection_id));

    -- The roster: each side adds and removes only its own region's people.
    CREATE POLICY inspection_members_read ON inspection_members FOR SELECT USING (app_reads_inspection(inspection_id));
    CREATE POLICY inspection_members_insert ON inspection_members FOR INSERT
      WITH CHECK (region = app_region() AND app_plans_inspection(inspection_id));
    CREATE POLICY inspection_members_delete ON inspection_members FOR DELETE
      USING (region = app_region() AND app_plans_inspection(inspection_id));

    -- Findings: the boundary on their own owner and visibility; written by their region.
    CREATE POLICY inspection_findings_read ON inspection_findings FOR SELECT
      USING (app_reads_in_inspection(inspection_id, owner_org_id, owner_region, visibility));
    CREATE POLICY inspection_findings_insert ON inspection_findings FOR INSERT
      WITH CHECK (owner_region = app_region() AND app_plans_inspection(inspection_id));
    CREATE POLICY inspection_findings_update ON inspection_findings FOR UPDATE
      USING (owner_region = app_region() AND app_reads_in_inspection(inspection_id, owner_org_id, owner_region, visibility))
      WITH CHECK (owner_region = app_region() AND app_reads_in_inspection(inspection_id, owner_org_id, owner_region, visibility));
    CREATE POLICY inspection_findings_delete ON inspection_findings FOR DELETE
      USING (owner_region = app_region() AND app_reads_in_inspection(inspection_id, owner_org_id, owner_region, visibility));

    -- Photos follow their finding: the subquery applies inspection_findings_read.
    CREATE POLICY inspection_finding_photos_read ON inspection_finding_photos FOR SELECT
      USING (EXISTS (SELECT 1 FROM inspection_findings f WHERE f.id = inspection_finding_photos.finding_id));
    CREATE POLICY inspection_finding_photos_write ON inspection_finding_photos FOR ALL
      USING (EXISTS (SELECT 1 FROM inspection_findings f WHERE f.id = inspection_finding_photos.finding_id AND f.owner_region = app_region()))
      WITH CHECK (EXISTS (SELECT 1 FROM inspection_findings f WHERE f.id = inspection_finding_photos.finding_id AND f.owner_region = app_region()));

    -- Rectification items: the boundary, or the responsible unit's own items.
    CREATE POLICY rectification_items_read ON rectification_items FOR SELECT
      USING (responsible_org_id = app_org_id() OR app_reads_in_inspection(inspection_id, owner_org_id, owner_region, visibility));
    CREATE POLICY rectification_items_insert ON rectification_items FOR INSERT
      WITH CHECK (owner_region = app_region() AND app_plans_inspection(inspection_id));
    CREATE POLICY rectification_items_update ON rectification_items FOR UPDATE
      USING (responsible_org_id = app_org_id()
             OR (owner_region = app_region() AND app_reads_in_inspection(inspection_id, owner_org_id, owner_region, visibility)))
      WITH CHECK (responsible_org_id = app_org_id()
             OR (owner_region = app_region() AND app_reads_in_inspection(inspection_id, owner_org_id, owner_region, visibility)));
    -- The responsible unit (of any region) only reports: its moves (shared/domain/inspection.ts,
    -- RECTIFICATION_MOVES: pending/returned → in_progress → rectified) and its progress text. The
    -- measure, deadline and verification stay with the owning side, so a unit never verifies its own item.
    CREATE FUNCTION app_guard_unit_report() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        IF app_user_id() IS NOT NULL
           AND NOT (OLD.owner_region = app_region() AND app_reads_in_inspection(OLD.inspection_id, OLD.owner_org_id, OLD.owner_region, OLD.visibility))
           AND (NEW.measure IS DISTINCT FROM OLD.measure OR NEW.deadline IS DISTINCT FROM OLD.deadline
                OR NEW.verified_by IS DISTINCT FROM OLD.verified_by OR NEW.verified_at IS DISTINCT FROM OLD.verified_at
                OR (NEW.return_reason IS DISTINCT FROM OLD.return_reason AND NEW.return_reason <> '')
                OR (NEW.status IS DISTINCT FROM OLD.status AND (OLD.status, NEW.status) NOT IN
                    (('pending', 'in_progress'), ('returned', 'in_progress'), ('in_progress', 'rectified')))) THEN
          RAISE EXCEPTION 'a responsible unit only reports progress on its item' USING ERRCODE = '42501';
        END IF;
        RETURN NEW;
      END $fn$;
    CREATE TRIGGER rectification_items_unit_guard BEFORE UPDATE ON rectification_items
      FOR EACH ROW EXECUTE FUNCTION app_guard_unit_report();
    CREATE POLICY rectification_items_delete ON rectification_items FOR DELETE
      USING (owner_region = app_region() AND app_reads_in_inspection(inspection_id, owner_org_id, owner_region, visibility));
    CREATE POLICY rectification_item_findings_read ON rectification_item_findings FOR SELECT
      USING (EXISTS (SELECT 1 FROM rectification_items r WHERE r.id = rectification_item_findings.item_id));
    CREATE POLICY rectification_item_findings_write ON rectification_item_findings FOR ALL
      USING (EXISTS (SELECT 1 FROM rectification_items r WHERE r.id = rectification_item_findings.item_id AND r.owner_region = app_region()))
      WITH CHECK (EXISTS (SELECT 1 FROM rectification_items r WHERE r.id = rectification_item_findings.item_id AND r.owner_region = app_region()));

    -- Overdue items whose unit has been told: the primary key makes the notice go out once however
    -- many processes sweep. The sweep acts for no one, so it finds candidates through a function.
    CREATE TABLE rectification_overdue_notices (
      item_id uuid PRIMARY KEY REFERENCES rectification_items(id) ON DELETE CASCADE,
      sent_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE FUNCTION app_overdue_items(today text)
      RETURNS TABLE (id uuid, inspection_id uuid, author_id uuid, responsible_org_id uuid, measure text)
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
      $$ SELECT r.id, r.inspection_id, r.author_id, r.responsible_org_id, r.measure FROM rectification_items r
          WHERE r.deadline < today AND r.status IN ('pending', 'in_progress', 'returned')
            AND NOT EXISTS (SELECT 1 FROM rectification_overdue_notices n WHERE n.item_id = r.id) $$;
    REVOKE EXECUTE ON FUNCTION app_overdue_items(text) FROM PUBLIC;
    GRANT EXECUTE ON FUNCTION app_overdue_items(text) TO cppcc_app;
    GRANT SELECT, INSERT ON rectification_overdue_notices TO cppcc_app;

    GRANT SELECT, INSERT, DELETE ON inspections, inspection_leads, inspection_members, inspection_stops, inspection_tasks,
      inspection_findings, inspection_finding_photos, rectification_items, rectification_item_findings TO cppcc_app;
    GRANT UPDATE (kind, title, topic, starts_on, ends_on, status, visibility, updated_at) ON inspections TO cppcc_app;
    GRANT UPDATE (day, time, place, host_unit) ON inspection_stops TO cppcc_app;
    GRANT UPDATE (title, description, assignee_id, due_on, status, position, checklist, version, updated_at) ON inspection_tasks TO cppcc_app;
    GRANT UPDATE (description, place, latitude, longitude, category, severity, visibility, updated_at) ON inspection_findings TO cppcc_app;
    GRANT UPDATE (measure, deadline, status, progress, return_reason, verified_by, verified_at, updated_at) ON rectification_items TO cppcc_app;
  `).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('inspections migration cannot be reverted');
}
