import { sql, type Kysely } from 'kysely';

/**
 * The shared calendar of joint consultations (协商日程). An event is a shared record like a notice:
 * owned by an org and region, in a workspace, with a visibility, and read under the same rule
 * (app_can_read), so a feed and a page see exactly the same rows.
 *
 * - events: times are instants (timestamptz); a recurring event keeps its first occurrence and an
 *   RFC 5545 RRULE read in Beijing wall-clock time; `sequence` rises with every change (iCalendar).
 * - event_exceptions: one occurrence of a recurring event cancelled or moved, by its original start.
 * - events.minutes_draft_id: the draft of the meeting's minutes (会议纪要), linked after the event.
 * - event_invitees: invited people, their answer (参加/请假/待定) and, after the event, attendance.
 *   An invitee answers for themselves; the owning region manages the list and records attendance.
 * - calendar_feeds: one private subscription token per user. The token is an HMAC of a random salt
 *   under the server's secret, so the page can show it again while the database alone never holds
 *   it (only its hash, looked up before anyone is acting, like sessions: no row-level security).
 * - event_reminders: which occurrence has been reminded; the primary key makes a reminder go out
 *   once however many processes look for due events.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(`
    CREATE TABLE events (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      owner_org_id uuid NOT NULL,
      owner_region text NOT NULL,
      visibility text NOT NULL CHECK (visibility IN ('org', 'region', 'joint')),
      author_id uuid NOT NULL REFERENCES users(id),
      kind text NOT NULL,
      title text NOT NULL,
      place text NOT NULL DEFAULT '',
      online_url text NOT NULL DEFAULT '',
      description text NOT NULL DEFAULT '',
      starts_at timestamptz NOT NULL,
      ends_at timestamptz NOT NULL,
      all_day boolean NOT NULL DEFAULT false,
      rrule text,
      sequence integer NOT NULL DEFAULT 0,
      minutes_draft_id uuid REFERENCES drafts(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (ends_at >= starts_at),
      FOREIGN KEY (owner_org_id, owner_region) REFERENCES orgs (id, region)
    );
    CREATE INDEX events_workspace_start_idx ON events (workspace_id, starts_at);

    CREATE TABLE event_exceptions (
      event_id uuid NOT NULL REFERENCES events(id) ON DELETE CASCADE,
      occurrence_start timestamptz NOT NULL,
      cancelled boolean NOT NULL DEFAULT false,
      starts_at timestamptz,
      ends_at timestamptz,
      PRIMARY KEY (event_id, occurrence_start),
      CHECK (cancelled OR (starts_at IS NOT NULL AND ends_at IS NOT NULL AND ends_at >= starts_at))
    );

    CREATE TABLE event_invitees (
      event_id uuid NOT NULL REFERENCES events(id) ON DELETE CASCADE,
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      answer text NOT NULL DEFAULT 'pending' CHECK (answer IN ('pending', 'attend', 'leave', 'tentative')),
      reason text NOT NULL DEFAULT '',
      answered_at timestamptz,
      attended boolean,
      PRIMARY KEY (event_id, user_id)
    );
    CREATE INDEX event_invitees_user_idx ON event_invitees (user_id);

    CREATE TABLE calendar_feeds (
      user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
      salt text NOT NULL,
      token_hash text NOT NULL UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE event_reminders (
      event_id uuid NOT NULL REFERENCES events(id) ON DELETE CASCADE,
      occurrence_start timestamptz NOT NULL,
      sent_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (event_id, occurrence_start)
    );

    ALTER TABLE events ENABLE ROW LEVEL SECURITY;
    ALTER TABLE event_exceptions ENABLE ROW LEVEL SECURITY;
    ALTER TABLE event_invitees ENABLE ROW LEVEL SECURITY;

    CREATE POLICY events_read ON events FOR SELECT
      USING (app_can_read(workspace_id, owner_org_id, owner_region, visibility));
    CREATE POLICY events_insert ON events FOR INSERT
      WITH CHECK (owner_region = app_region() AND app_is_member(workspace_id));
    CREATE POLICY events_update ON events FOR UPDATE
      USING (owner_region = app_region() AND app_can_read(workspace_id, owner_org_id, owner_region, visibility))
      WITH CHECK (owner_region = app_region() AND app_can_read(workspace_id, owner_org_id, owner_region, visibility));
    CREATE POLICY events_delete ON events FOR DELETE
      USING (owner_region = app_region() AND app_can_read(workspace_id, owner_org_id, owner_region, visibility));

    -- Children follow their event: readable with it (the subquery applies events_read), written by its region.
    CREATE POLICY event_exceptions_read ON event_exceptions FOR SELECT
      USING (EXISTS (SELECT 1 FROM events e WHERE e.id = event_exceptions.event_id));
    CREATE POLICY event_exceptions_write ON event_exceptions FOR ALL
      USING (EXISTS (SELECT 1 FROM events e WHERE e.id = event_exceptions.event_id AND e.owner_region = app_region()))
      WITH CHECK (EXISTS (SELECT 1 FROM events e WHERE e.id = event_exceptions.event_id AND e.owner_region = app_region()));

    CREATE POLICY event_invitees_read ON event_invitees FOR SELECT
      USING (EXISTS (SELECT 1 FROM events e WHERE e.id = event_invitees.event_id));
    CREATE POLICY event_invitees_insert ON event_invitees FOR INSERT
      WITH CHECK (EXISTS (SELECT 1 FROM events e WHERE e.id = event_invitees.event_id AND e.owner_region = app_region()));
    CREATE POLICY event_invitees_delete ON event_invitees FOR DELETE
      USING (EXISTS (SELECT 1 FROM events e WHERE e.id = event_invitees.event_id AND e.owner_region = app_region()));
    -- An invitee answers for themselves; the owning region records attendance.
    CREATE POLICY event_invitees_update ON event_invitees FOR UPDATE
      USING (EXISTS (SELECT 1 FROM events e WHERE e.id = event_invitees.event_id
                     AND (event_invitees.user_id = app_user_id() OR e.owner_region = app_region())))
      WITH CHECK (EXISTS (SELECT 1 FROM events e WHERE e.id = event_invitees.event_id
                     AND (event_invitees.user_id = app_user_id() OR e.owner_region = app_region())));

    GRANT SELECT, INSERT, DELETE ON events, event_exceptions, event_invitees TO cppcc_app;
    GRANT UPDATE (kind, title, place, online_url, description, starts_at, ends_at, all_day, rrule, visibility, sequence, minutes_draft_id, updated_at)
      ON events TO cppcc_app;
    GRANT UPDATE (cancelled, starts_at, ends_at) ON event_exceptions TO cppcc_app;
    GRANT UPDATE (answer, reason, answered_at, attended) ON event_invitees TO cppcc_app;
    GRANT SELECT, INSERT, UPDATE, DELETE ON calendar_feeds TO cppcc_app;
    GRANT SELECT, INSERT ON event_reminders TO cppcc_app;

    -- Who is busy when (conflict warnings): events of the given people in a window, including ones
    -- the caller may not read; for those only the time is returned (title NULL, readable false).
    CREATE FUNCTION app_busy_events(people uuid[], from_at timestamptz, to_at timestamptz)
      RETURNS TABLE (user_id uuid, event_id uuid, starts_at timestamptz, ends_at timestamptz, rrule text,
                     readable boolean, title text)
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
      $$ SELECT i.user_id, e.id, e.starts_at, e.ends_at, e.rrule, r.readable,
                CASE WHEN r.readable THEN e.title END
           FROM event_invitees i JOIN events e ON e.id = i.event_id
           CROSS JOIN LATERAL (SELECT app_can_read(e.workspace_id, e.owner_org_id, e.owner_region, e.visibility) AS readable) r
          WHERE i.user_id = ANY(people) AND i.answer <> 'leave' AND e.starts_at < to_at
            AND (e.rrule IS NOT NULL OR e.ends_at > from_at) $$;
    REVOKE EXECUTE ON FUNCTION app_busy_events(uuid[], timestamptz, timestamptz) FROM PUBLIC;

    -- A feed's cache key: how many events the given workspaces hold and when any last changed,
    -- whoever may read them (a change the reader cannot see only costs a render). Without row-level
    -- security per row: that check made the key cost as much as the feed. Numbers only.
    CREATE FUNCTION app_events_fingerprint(workspaces uuid[]) RETURNS text
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
      $$ SELECT count(*) || ':' || coalesce(extract(epoch from max(updated_at))::text, '0') || ':' || coalesce(sum(sequence), 0)
           FROM events WHERE workspace_id = ANY(workspaces) $$;
    REVOKE EXECUTE ON FUNCTION app_events_fingerprint(uuid[]) FROM PUBLIC;

    -- The reminder sweep: events that may have an occurrence starting in [from_at, to_at), whoever
    -- may read them (the sweep acts for no one; each reminder is then sent as the event's author, to
    -- invitees who may read it). One-off events starting in the window, recurring ones begun before its end.
    CREATE FUNCTION app_events_starting(from_at timestamptz, to_at timestamptz)
      RETURNS TABLE (id uuid, author_id uuid, title text, starts_at timestamptz, ends_at timestamptz, rrule text, exceptions json)
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
      $$ SELECT e.id, e.author_id, e.title, e.starts_at, e.ends_at, e.rrule,
                (SELECT json_agg(json_build_object('occurrenceStart', x.occurrence_start, 'cancelled', x.cancelled,
                   'startsAt', x.starts_at, 'endsAt', x.ends_at)) FROM event_exceptions x WHERE x.event_id = e.id)
           FROM events e
          WHERE e.starts_at < to_at AND (e.rrule IS NOT NULL OR e.starts_at >= from_at) $$;
    REVOKE EXECUTE ON FUNCTION app_events_starting(timestamptz, timestamptz) FROM PUBLIC;
    GRANT EXECUTE ON FUNCTION app_events_starting(timestamptz, timestamptz) TO cppcc_app;
    GRANT EXECUTE ON FUNCTION app_events_fingerprint(uuid[]) TO cppcc_app;
    GRANT EXECUTE ON FUNCTION app_busy_events(uuid[], timestamptz, timestamptz) TO cppcc_app;
  `).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('calendar migration cannot be reverted');
}
