import { sql, type Kysely } from 'kysely';

/**
 * The collaboration server's database work on connect in one statement each (issue 15: connecting
 * 500 clients took 3× the reference server, most of it waiting on round trips). Each function does
 * exactly what the transaction it replaces did, statement by statement, under the same row-level
 * security (SECURITY INVOKER: the app role, acting as the user set here with set_config, local to the
 * calling transaction):
 *
 * - app_collab_open: the upgrade check (server/collab/auth.ts). The live session and its user, read
 *   with no actor (findLiveSession); then, acting as that user, their memberships
 *   (listUserMemberships), the session touched when last seen before `touch_before` (touchSession),
 *   and the draft as findDraftRef reads it, or null when they may not see it. The access decision
 *   itself stays in shared/policy, in the server.
 * - app_collab_document: a document's first load (Persistence.load): snapshot and log as
 *   readStoredDocument reads them, and the owners of its Yjs client ids (listClientIds), as `actor`.
 * - app_collab_claim: claimClientIds as `actor` (an editor's client id, claimed when it connects).
 *
 * - app_collab_open_many, app_collab_claim_many: several of these in one statement, each element
 *   acting as its own user (connections arrive together; the server batches what waits meanwhile).
 *
 * Was 6–8 round trips per connection (BEGIN, set_config, queries, COMMIT) plus 5 for each document
 * load and 5 for each claim; now one each, or one for many.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(`
    CREATE FUNCTION app_collab_open(p_session text, p_idle_since timestamptz, p_touch_before timestamptz, p_now timestamptz, p_draft uuid)
      RETURNS json LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = public AS $$
    DECLARE
      live record;
      memberships json;
      draft json;
    BEGIN
      PERFORM set_config('app.user_id', '', true), set_config('app.region', '', true), set_config('app.org_id', '', true);
      SELECT s.id AS session_id, s.last_seen_at, u.id, u.username, u.display_name, u.org_id, u.region, u.roles, o.name AS org_name
        INTO live
        FROM sessions s JOIN users u ON u.id = s.user_id JOIN orgs o ON o.id = u.org_id
       WHERE s.id = p_session AND s.revoked_at IS NULL AND s.expires_at > now() AND s.last_seen_at > p_idle_since
         AND u.status = 'active';
      IF NOT FOUND THEN RETURN NULL; END IF;
      PERFORM set_config('app.user_id', live.id::text, true), set_config('app.region', live.region, true),
              set_config('app.org_id', live.org_id::text, true);
      SELECT json_agg(json_build_object('workspaceId', m.workspace_id, 'role', m.role)) INTO memberships
        FROM workspace_members m WHERE m.user_id = live.id;
      IF live.last_seen_at < p_touch_before THEN
        UPDATE sessions SET last_seen_at = p_now WHERE id = p_session;
      END IF;
      IF p_draft IS NOT NULL THEN
        SELECT json_build_object(
                 'id', d.id, 'title', d.title, 'workspaceId', d.workspace_id, 'ownerOrgId', d.owner_org_id,
                 'ownerRegion', d.owner_region, 'visibility', d.visibility, 'authorId', d.author_id,
                 'frozen', (d.signing_hash IS NOT NULL OR d.proposal_id IS NOT NULL),
                 'collaborators', (SELECT json_agg(json_build_object('userId', c.user_id, 'role', c.role))
                                     FROM draft_collaborators c WHERE c.draft_id = d.id))
          INTO draft
          FROM drafts d WHERE d.id = p_draft;
      END IF;
      RETURN json_build_object(
        'user', json_build_object('sessionId', live.session_id, 'id', live.id, 'username', live.username,
                                  'displayName', live.display_name, 'orgId', live.org_id, 'region', live.region,
                                  'roles', live.roles, 'orgName', live.org_name),
        'memberships', coalesce(memberships, '[]'::json),
        'draft', draft);
    END $$;

    CREATE FUNCTION app_collab_document(p_draft uuid, p_user uuid, p_region text, p_org uuid,
        OUT snapshot text, OUT log text, OUT owners text)
      LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = public AS $$
    BEGIN
      PERFORM set_config('app.user_id', p_user::text, true), set_config('app.region', p_region, true),
              set_config('app.org_id', p_org::text, true);
      SELECT encode(s.data, 'base64'),
             (SELECT encode(string_agg(int8send(u.id) || int4send(u.updates) || int4send(length(u.data)) || u.data, ''::bytea ORDER BY u.id), 'base64')
                FROM draft_updates u WHERE u.draft_id = p_draft)
        INTO snapshot, log
        FROM (SELECT 1) AS one LEFT JOIN draft_snapshots s ON s.draft_id = p_draft;
      SELECT encode(string_agg(int8send(c.client_id) || uuid_send(c.user_id), ''::bytea), 'base64') INTO owners
        FROM draft_client_ids c WHERE c.draft_id = p_draft;
    END $$;

    CREATE FUNCTION app_collab_claim(p_draft uuid, p_ids bigint[], p_user uuid, p_region text, p_org uuid)
      RETURNS json LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = public AS $$
    DECLARE
      stored json;
    BEGIN
      PERFORM set_config('app.user_id', p_user::text, true), set_config('app.region', p_region, true),
              set_config('app.org_id', p_org::text, true);
      INSERT INTO draft_client_ids (draft_id, client_id, user_id)
        SELECT p_draft, id, p_user FROM unnest(p_ids) AS id
        ON CONFLICT (draft_id, client_id) DO NOTHING;
      SELECT json_agg(json_build_array(c.client_id, c.user_id)) INTO stored
        FROM draft_client_ids c WHERE c.draft_id = p_draft AND c.client_id = ANY (p_ids);
      RETURN coalesce(stored, '[]'::json);
    END $$;

    -- Several connections' checks in one statement (connections arriving together): each element as
    -- app_collab_open does it, in order, each acting as its own user; no actor is left behind.
    CREATE FUNCTION app_collab_open_many(p_sessions text[], p_drafts uuid[], p_idle_since timestamptz, p_touch_before timestamptz, p_now timestamptz)
      RETURNS json LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = public AS $$
    DECLARE
      results json[] := '{}';
    BEGIN
      FOR i IN 1 .. coalesce(array_length(p_sessions, 1), 0) LOOP
        results := array_append(results, app_collab_open(p_sessions[i], p_idle_since, p_touch_before, p_now, p_drafts[i]));
      END LOOP;
      PERFORM set_config('app.user_id', '', true), set_config('app.region', '', true), set_config('app.org_id', '', true);
      RETURN array_to_json(results);
    END $$;

    -- Several claims (one client id each) in one statement, each as its own user.
    CREATE FUNCTION app_collab_claim_many(p_drafts uuid[], p_ids bigint[], p_users uuid[], p_regions text[], p_orgs uuid[])
      RETURNS json LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = public AS $$
    DECLARE
      results json[] := '{}';
    BEGIN
      FOR i IN 1 .. coalesce(array_length(p_drafts, 1), 0) LOOP
        results := array_append(results, app_collab_claim(p_drafts[i], ARRAY[p_ids[i]], p_users[i], p_regions[i], p_orgs[i]));
      END LOOP;
      PERFORM set_config('app.user_id', '', true), set_config('app.region', '', true), set_config('app.org_id', '', true);
      RETURN array_to_json(results);
    END $$;

    REVOKE EXECUTE ON FUNCTION app_collab_open(text, timestamptz, timestamptz, timestamptz, uuid) FROM PUBLIC;
    REVOKE EXECUTE ON FUNCTION app_collab_document(uuid, uuid, text, uuid) FROM PUBLIC;
    REVOKE EXECUTE ON FUNCTION app_collab_claim(uuid, bigint[], uuid, text, uuid) FROM PUBLIC;
    GRANT EXECUTE ON FUNCTION app_collab_open(text, timestamptz, timestamptz, timestamptz, uuid) TO cppcc_app;
    GRANT EXECUTE ON FUNCTION app_collab_document(uuid, uuid, text, uuid) TO cppcc_app;
    GRANT EXECUTE ON FUNCTION app_collab_claim(uuid, bigint[], uuid, text, uuid) TO cppcc_app;
    REVOKE EXECUTE ON FUNCTION app_collab_open_many(text[], uuid[], timestamptz, timestamptz, timestamptz) FROM PUBLIC;
    REVOKE EXECUTE ON FUNCTION app_collab_claim_many(uuid[], bigint[], uuid[], text[], uuid[]) FROM PUBLIC;
    GRANT EXECUTE ON FUNCTION app_collab_open_many(text[], uuid[], timestamptz, timestamptz, timestamptz) TO cppcc_app;
    GRANT EXECUTE ON FUNCTION app_collab_claim_many(uuid[], bigint[], uuid[], text[], uuid[]) TO cppcc_app;
  `).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('collab one-statement migration cannot be reverted');
}
