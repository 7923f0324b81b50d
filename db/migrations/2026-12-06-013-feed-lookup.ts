import { sql, type Kysely } from 'kysely';

/**
 * A calendar app polls its feed again and again, and the answer is almost always the feed it already
 * has. Checking that took a transaction of six round trips (token, identity, memberships,
 * fingerprint), each waiting for the pool and the database under load. app_feed_state answers it in
 * one statement: the token's owner (active only), their memberships and the fingerprint of the
 * events in their workspaces (app_events_fingerprint, numbers only). It tells nothing about anyone
 * but the owner, and the events themselves are still read as the owner under row-level security
 * when the feed has changed (server/services/calendar-feed.ts).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(`
    CREATE FUNCTION app_feed_state(token text)
      RETURNS TABLE (id uuid, region text, org_id uuid, roles text[], workspaces json, fingerprint text)
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
      $$ SELECT u.id, u.region, u.org_id, u.roles, m.workspaces,
                CASE WHEN m.ids IS NULL THEN 'none' ELSE app_events_fingerprint(m.ids) END
           FROM calendar_feeds f
           JOIN users u ON u.id = f.user_id AND u.status = 'active'
           CROSS JOIN LATERAL (
             SELECT json_object_agg(w.workspace_id, w.role ORDER BY w.workspace_id) AS workspaces,
                    array_agg(w.workspace_id ORDER BY w.workspace_id) AS ids
               FROM workspace_members w WHERE w.user_id = u.id) m
          WHERE f.token_hash = token $$;
    REVOKE EXECUTE ON FUNCTION app_feed_state(text) FROM PUBLIC;
    GRANT EXECUTE ON FUNCTION app_feed_state(text) TO cppcc_app;
  `).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('feed lookup migration cannot be reverted');
}
