import { sql, type Kysely } from 'kysely';

/**
 * The feed's cache key without reading the calendar (docs/calendar.md, decision 21). Each poll used
 * to aggregate every event, inspection and stop of the reader's workspaces (count, newest change,
 * sum of sequences): with 2,000 events about 1 ms of the database's time, the larger part of a poll.
 *
 * - calendar_versions: a counter per workspace, raised by triggers whenever an event, an event's
 *   exception or organiser, an inspection or an itinerary stop of that workspace is written or
 *   deleted, in the writer's transaction. Numbers only; no policy lets the app role read it: only
 *   the functions below (SECURITY DEFINER) do. No foreign key: a counter outliving its workspace is
 *   harmless, and a cascade deleting a workspace's events must not fail on it.
 * - app_calendar_fingerprint now reads those counters (one index lookup per workspace) and, as
 *   before, the key proposals' supervision activities (few rows, every region's). It and
 *   app_feed_state become PL/pgSQL, whose plans are kept per connection. A poll's statement: 1.0 →
 *   0.24 ms (pgbench, 2,000 events, one client).
 * - app_events_fingerprint, which only it used, is dropped.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(`
    CREATE TABLE calendar_versions (
      workspace_id uuid PRIMARY KEY,
      version bigint NOT NULL
    );
    ALTER TABLE calendar_versions ENABLE ROW LEVEL SECURITY;

    CREATE FUNCTION app_bump_calendar(workspace uuid) RETURNS void
      LANGUAGE sql SECURITY DEFINER SET search_path = public AS
      $$ INSERT INTO calendar_versions AS v (workspace_id, version) SELECT workspace, 1 WHERE workspace IS NOT NULL
           ON CONFLICT (workspace_id) DO UPDATE SET version = v.version + 1 $$;
    REVOKE EXECUTE ON FUNCTION app_bump_calendar(uuid) FROM PUBLIC;

    -- Rows that carry their workspace (events, inspections): the old one and, if it moved, the new.
    CREATE FUNCTION app_calendar_row_changed() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          PERFORM app_bump_calendar(NEW.workspace_id);
        ELSE
          PERFORM app_bump_calendar(OLD.workspace_id);
          IF TG_OP = 'UPDATE' AND NEW.workspace_id IS DISTINCT FROM OLD.workspace_id THEN
            PERFORM app_bump_calendar(NEW.workspace_id);
          END IF;
        END IF;
        RETURN NULL;
      END $$;
    REVOKE EXECUTE ON FUNCTION app_calendar_row_changed() FROM PUBLIC;

    -- Rows of an event or an inspection (TG_ARGV[0]): their parent's workspace. A parent deleted in
    -- the same statement (a cascade) is found no more; its own trigger raised the counter.
    CREATE FUNCTION app_calendar_child_changed() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
      DECLARE
        child jsonb := to_jsonb(CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END);
      BEGIN
        IF TG_ARGV[0] = 'event' THEN
          PERFORM app_bump_calendar((SELECT workspace_id FROM events WHERE id = (child->>'event_id')::uuid));
        ELSE
          PERFORM app_bump_calendar((SELECT workspace_id FROM inspections WHERE id = (child->>'inspection_id')::uuid));
        END IF;
        RETURN NULL;
      END $$;
    REVOKE EXECUTE ON FUNCTION app_calendar_child_changed() FROM PUBLIC;

    CREATE TRIGGER events_calendar_version AFTER INSERT OR UPDATE OR DELETE ON events
      FOR EACH ROW EXECUTE FUNCTION app_calendar_row_changed();
    CREATE TRIGGER inspections_calendar_version AFTER INSERT OR UPDATE OR DELETE ON inspections
      FOR EACH ROW EXECUTE FUNCTION app_calendar_row_changed();
    CREATE TRIGGER event_exceptions_calendar_version AFTER INSERT OR UPDATE OR DELETE ON event_exceptions
      FOR EACH ROW EXECUTE FUNCTION app_calendar_child_changed('event');
    CREATE TRIGGER event_organisers_calendar_version AFTER INSERT OR UPDATE OR DELETE ON event_organisers
      FOR EACH ROW EXECUTE FUNCTION app_calendar_child_changed('event');
    CREATE TRIGGER inspection_stops_calendar_version AFTER INSERT OR UPDATE OR DELETE ON inspection_stops
      FOR EACH ROW EXECUTE FUNCTION app_calendar_child_changed('inspection');

    -- What is here now counts as one change of each workspace with a calendar.
    INSERT INTO calendar_versions (workspace_id, version)
      SELECT workspace_id, 1 FROM events UNION SELECT workspace_id, 1 FROM inspections;

    -- PL/pgSQL, unlike a SQL function that is not inlined, keeps its plans per connection: a poll is
    -- then executed, not planned again. Supervision: each record's proposal by its key, never a scan
    -- of every proposal.
    CREATE OR REPLACE FUNCTION app_calendar_fingerprint(workspaces uuid[]) RETURNS text
      LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public AS $$
      BEGIN
        RETURN coalesce((SELECT string_agg(v.workspace_id || '.' || v.version, ',' ORDER BY v.workspace_id)
                           FROM calendar_versions v WHERE v.workspace_id = ANY(workspaces)), '')
          || '|' || (SELECT count(*) || ':' || coalesce(extract(epoch from max(s.created_at))::text, '0')
                       || ':' || coalesce(extract(epoch from max((SELECT p.updated_at FROM proposals p WHERE p.id = s.proposal_id)))::text, '0')
                       FROM supervision_records s);
      END $$;
    CREATE OR REPLACE FUNCTION app_feed_state(token text)
      RETURNS TABLE (id uuid, region text, org_id uuid, roles text[], workspaces json, fingerprint text)
      LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public AS $$
      BEGIN
        RETURN QUERY
          SELECT u.id, u.region, u.org_id, u.roles, m.workspaces, app_calendar_fingerprint(coalesce(m.ids, '{}'::uuid[]))
            FROM calendar_feeds f
            JOIN users u ON u.id = f.user_id AND u.status = 'active'
            CROSS JOIN LATERAL (
              SELECT json_object_agg(w.workspace_id, w.role ORDER BY w.workspace_id) AS workspaces,
                     array_agg(w.workspace_id ORDER BY w.workspace_id) AS ids
                FROM workspace_members w WHERE w.user_id = u.id) m
           WHERE f.token_hash = token;
      END $$;
    DROP FUNCTION app_events_fingerprint(uuid[]);
  `).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('calendar versions migration cannot be reverted');
}
