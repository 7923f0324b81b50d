import { sql, type Kysely } from 'kysely';

/**
 * Notifications (通知提醒) and each user's choice of which kinds to receive.
 *
 * A notification is written by the acting user's transaction for someone else, so inserting is
 * open to any signed-in actor (in their own name); reading and marking read are the recipient's
 * alone. That a recipient may read the record a notification names is checked by the service
 * (server/services/notifications.ts, shared/policy) before the row is written.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(`
    CREATE TABLE notifications (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL,              -- the recipient
      region text NOT NULL,               -- the recipient's region
      kind text NOT NULL
        CHECK (kind IN ('mention', 'invitation', 'assignment', 'deadline', 'overdue', 'status', 'reply')),
      record_kind text NOT NULL CHECK (record_kind ~ '^[a-z]+$'),
      record_id uuid NOT NULL,
      workspace_id uuid REFERENCES workspaces(id) ON DELETE CASCADE,
      text text NOT NULL CHECK (length(text) <= 500),  -- what it is about (usually the record's title)
      actor_id uuid REFERENCES users(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      read_at timestamptz,
      FOREIGN KEY (user_id, region) REFERENCES users (id, region) ON DELETE CASCADE ON UPDATE CASCADE
    );
    CREATE INDEX notifications_user_idx ON notifications (user_id, created_at DESC);
    CREATE INDEX notifications_unread_idx ON notifications (user_id) WHERE read_at IS NULL;

    -- A kind without a row is received (the default); a row with enabled = false turns it off.
    CREATE TABLE notification_preferences (
      user_id uuid NOT NULL,
      region text NOT NULL,
      kind text NOT NULL
        CHECK (kind IN ('mention', 'invitation', 'assignment', 'deadline', 'overdue', 'status', 'reply')),
      enabled boolean NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (user_id, kind),
      FOREIGN KEY (user_id, region) REFERENCES users (id, region) ON DELETE CASCADE ON UPDATE CASCADE
    );

    ALTER TABLE notifications ENABLE ROW LEVEL SECURITY;
    ALTER TABLE notification_preferences ENABLE ROW LEVEL SECURITY;

    CREATE POLICY notifications_read ON notifications FOR SELECT USING (user_id = app_user_id());
    CREATE POLICY notifications_update ON notifications FOR UPDATE
      USING (user_id = app_user_id()) WITH CHECK (user_id = app_user_id());
    -- Anyone signed in may notify others, but only in their own name.
    CREATE POLICY notifications_insert ON notifications FOR INSERT
      WITH CHECK (app_user_id() IS NOT NULL AND actor_id = app_user_id());

    CREATE POLICY notification_preferences_own ON notification_preferences FOR ALL
      USING (user_id = app_user_id()) WITH CHECK (user_id = app_user_id());

    -- Which of these recipients turned a kind off: the sender's transaction cannot read others'
    -- preferences, so this answers that one question and nothing else.
    CREATE FUNCTION app_notification_muted(recipients uuid[], k text) RETURNS SETOF uuid
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
      $$ SELECT p.user_id FROM notification_preferences p
         WHERE p.user_id = ANY (recipients) AND p.kind = k AND NOT p.enabled AND app_user_id() IS NOT NULL $$;

    -- Unread counts for the bells of several users, announced after a commit (counts only).
    CREATE FUNCTION app_unread_notifications(recipients uuid[]) RETURNS TABLE (user_id uuid, unread integer)
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
      $$ SELECT r.id, (SELECT count(*)::int FROM notifications n WHERE n.user_id = r.id AND n.read_at IS NULL)
         FROM unnest(recipients) AS r(id) $$;

    GRANT SELECT, INSERT ON notifications TO cppcc_app;
    GRANT UPDATE (read_at) ON notifications TO cppcc_app;  -- marking read is the only change
    GRANT SELECT, INSERT, UPDATE, DELETE ON notification_preferences TO cppcc_app;
    GRANT EXECUTE ON FUNCTION app_notification_muted(uuid[], text), app_unread_notifications(uuid[]) TO cppcc_app;
  `).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('notifications migration cannot be reverted');
}
