import { sql, type Kysely } from 'kysely';

/**
 * The calendar's organising committees (主办单位) and its feed's cache key over what it now carries
 * besides events (docs/calendar.md, decision 20).
 *
 * - event_organisers: the committees that organise an event together (a joint consultation of
 *   四川省政协 and 重庆市政协, of the 川渝八市政协). The owner org is always one of them (existing
 *   events get their owner's row here). Read with the event; written by whoever may change it.
 * - app_may_change_event: who may write an event's row and its children at all: its owning region,
 *   as before, or a co-organising committee (which leader/coordinator of it is the policy's
 *   `event.update`). Deleting the event stays with the owning region, and so does its visibility
 *   (app_guard_event_visibility): the boundary is the owner's to move.
 * - app_calendar_fingerprint: app_events_fingerprint plus the inspections' itinerary stops of the
 *   same workspaces (a stop's change touches its inspection) and the key proposals' supervision
 *   activities, which the feed now carries too. Numbers only, whoever may read them. A feed's poll
 *   (app_feed_state, migration 013) reads it from now on; the supervision part counts every
 *   region's, so it applies to a user of no workspace too.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(`
    CREATE TABLE event_organisers (
      event_id uuid NOT NULL REFERENCES events(id) ON DELETE CASCADE,
      org_id uuid NOT NULL REFERENCES orgs(id),
      PRIMARY KEY (event_id, org_id)
    );
    CREATE INDEX event_organisers_org_idx ON event_organisers (org_id);
    INSERT INTO event_organisers (event_id, org_id) SELECT id, owner_org_id FROM events;

    -- Whether the caller's committee organises the event. SECURITY DEFINER so that the events'
    -- policies do not recurse through the organisers' policy (which reads events).
    CREATE FUNCTION app_organises_event(ev uuid) RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER
      SET search_path = public AS
      $$ SELECT app_org_id() IS NOT NULL AND EXISTS (SELECT 1 FROM event_organisers o WHERE o.event_id = ev AND o.org_id = app_org_id()) $$;
    REVOKE EXECUTE ON FUNCTION app_organises_event(uuid) FROM PUBLIC;
    GRANT EXECUTE ON FUNCTION app_organises_event(uuid) TO cppcc_app;

    -- Who may write an event's row and its children: its owning region, or a co-organising committee.
    -- Which of them may make which change is shared/policy's (event.update, record.delete, record.setVisibility).
    CREATE FUNCTION app_may_change_event(ev uuid, owner_region text) RETURNS boolean LANGUAGE sql STABLE AS
      $$ SELECT owner_region = app_region() OR app_organises_event(ev) $$;
    GRANT EXECUTE ON FUNCTION app_may_change_event(uuid, text) TO cppcc_app;

    ALTER POLICY events_update ON events
      USING (app_may_change_event(id, owner_region) AND app_can_read(workspace_id, owner_org_id, owner_region, visibility))
      WITH CHECK (app_may_change_event(id, owner_region) AND app_can_read(workspace_id, owner_org_id, owner_region, visibility));

    -- A co-organiser of the other region edits the event but never moves its boundary.
    CREATE FUNCTION app_guard_event_visibility() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        IF app_user_id() IS NOT NULL AND NEW.visibility IS DISTINCT FROM OLD.visibility AND OLD.owner_region IS DISTINCT FROM app_region() THEN
          RAISE EXCEPTION 'only the owning region changes an event''s visibility' USING ERRCODE = '42501';
        END IF;
        RETURN NEW;
      END $fn$;
    CREATE TRIGGER events_visibility_guard BEFORE UPDATE ON events
      FOR EACH ROW EXECUTE FUNCTION app_guard_event_visibility();

    -- Children follow their event: readable with it, written by whoever may change it.
    ALTER POLICY event_exceptions_write ON event_exceptions
      USING (EXISTS (SELECT 1 FROM events e WHERE e.id = event_exceptions.event_id AND app_may_change_event(e.id, e.owner_region)))
      WITH CHECK (EXISTS (SELECT 1 FROM events e WHERE e.id = event_exceptions.event_id AND app_may_change_event(e.id, e.owner_region)));
    ALTER POLICY event_invitees_insert ON event_invitees
      WITH CHECK (EXISTS (SELECT 1 FROM events e WHERE e.id = event_invitees.event_id AND app_may_change_event(e.id, e.owner_region)));
    ALTER POLICY event_invitees_delete ON event_invitees
      USING (EXISTS (SELECT 1 FROM events e WHERE e.id = event_invitees.event_id AND app_may_change_event(e.id, e.owner_region)));
    ALTER POLICY event_invitees_update ON event_invitees
      USING (EXISTS (SELECT 1 FROM events e WHERE e.id = event_invitees.event_id
                     AND (event_invitees.user_id = app_user_id() OR app_may_change_event(e.id, e.owner_region))))
      WITH CHECK (EXISTS (SELECT 1 FROM events e WHERE e.id = event_invitees.event_id
                     AND (event_invitees.user_id = app_user_id() OR app_may_change_event(e.id, e.owner_region))));

    ALTER TABLE event_organisers ENABLE ROW LEVEL SECURITY;
    CREATE POLICY event_organisers_read ON event_organisers FOR SELECT
      USING (EXISTS (SELECT 1 FROM events e WHERE e.id = event_organisers.event_id));
    CREATE POLICY event_organisers_insert ON event_organisers FOR INSERT
      WITH CHECK (EXISTS (SELECT 1 FROM events e WHERE e.id = event_organisers.event_id AND app_may_change_event(e.id, e.owner_region)));
    CREATE POLICY event_organisers_delete ON event_organisers FOR DELETE
      USING (EXISTS (SELECT 1 FROM events e WHERE e.id = event_organisers.event_id AND app_may_change_event(e.id, e.owner_region)));
    GRANT SELECT, INSERT, DELETE ON event_organisers TO cppcc_app;

    -- The feed's cache key: its events (app_events_fingerprint), the itinerary stops of the
    -- inspections of the same workspaces (adding or removing a stop touches its inspection), and
    -- every supervision activity with its proposal's last change (few rows: key proposals only).
    CREATE FUNCTION app_calendar_fingerprint(workspaces uuid[]) RETURNS text
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
      $$ SELECT app_events_fingerprint(workspaces)
           || '|' || (SELECT count(*) || ':' || coalesce(extract(epoch from max(i.updated_at))::text, '0')
                        FROM inspections i WHERE i.workspace_id = ANY(workspaces))
           || ':' || (SELECT count(*) FROM inspection_stops s JOIN inspections i ON i.id = s.inspection_id
                        WHERE i.workspace_id = ANY(workspaces))
           || '|' || (SELECT count(*) || ':' || coalesce(extract(epoch from max(s.created_at))::text, '0')
                        || ':' || coalesce(extract(epoch from max(p.updated_at))::text, '0')
                        FROM supervision_records s JOIN proposals p ON p.id = s.proposal_id) $$;
    REVOKE EXECUTE ON FUNCTION app_calendar_fingerprint(uuid[]) FROM PUBLIC;
    GRANT EXECUTE ON FUNCTION app_calendar_fingerprint(uuid[]) TO cppcc_app;

    CREATE OR REPLACE FUNCTION app_feed_state(token text)
      RETURNS TABLE (id uuid, region text, org_id uuid, roles text[], workspaces json, fingerprint text)
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
      $$ SELECT u.id, u.region, u.org_id, u.roles, m.workspaces, app_calendar_fingerprint(coalesce(m.ids, '{}'::uuid[]))
           FROM calendar_feeds f
           JOIN users u ON u.id = f.user_id AND u.status = 'active'
           CROSS JOIN LATERAL (
             SELECT json_object_agg(w.workspace_id, w.role ORDER BY w.workspace_id) AS workspaces,
                    array_agg(w.workspace_id ORDER BY w.workspace_id) AS ids
               FROM workspace_members w WHERE w.user_id = u.id) m
          WHERE f.token_hash = token $$;
  `).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('event organisers migration cannot be reverted');
}
