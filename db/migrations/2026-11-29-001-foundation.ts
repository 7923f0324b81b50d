import { sql, type Kysely } from 'kysely';

/**
 * Foundation: regions, committees and units, users, sessions, joint workspaces, the first
 * shared record (workspace notices) and the append-only audit log, with row-level security.
 *
 * Roles: the migration runs as the owner. The app runs as `cppcc_app`, which owns nothing and
 * has no BYPASSRLS; each transaction sets app.user_id / app.region / app.org_id locally.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    DO $$ BEGIN
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'cppcc_app') THEN
        CREATE ROLE cppcc_app NOLOGIN NOBYPASSRLS;
      END IF;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; -- another test database created it first
    END $$;
  `.execute(db);
  // The owner joins cppcc_app (needed only with a single DATABASE_URL, which switches to it with SET
  // ROLE) when it may: a superuser or, on PostgreSQL 15, CREATEROLE. A plain owner may not (PostgreSQL
  // asks for ADMIN OPTION) and needs no membership when the app has its own login; a failed GRANT would
  // abort the whole migration, so it is tried in a block of its own. Changed after landing (it was an
  // unconditional GRANT whose error aborted the migration): wherever that GRANT ran, this does the same.
  await sql`
    DO $$ BEGIN
      IF NOT pg_has_role(current_user, 'cppcc_app', 'MEMBER') THEN
        EXECUTE format('GRANT cppcc_app TO %I', current_user);
      END IF;
    EXCEPTION WHEN insufficient_privilege THEN
      RAISE NOTICE 'the owner % may not join cppcc_app: give the app its own login (DATABASE_URL)', current_user;
    END $$;
  `.execute(db);

  await sql.raw(`
    -- Request context, set with set_config(..., true) per transaction. A pooled connection reads an
    -- unset local setting back as '' rather than NULL, so both mean "nobody".
    CREATE FUNCTION app_user_id() RETURNS uuid LANGUAGE sql STABLE AS
      $$ SELECT nullif(current_setting('app.user_id', true), '')::uuid $$;
    CREATE FUNCTION app_region() RETURNS text LANGUAGE sql STABLE AS
      $$ SELECT nullif(current_setting('app.region', true), '') $$;
    CREATE FUNCTION app_org_id() RETURNS uuid LANGUAGE sql STABLE AS
      $$ SELECT nullif(current_setting('app.org_id', true), '')::uuid $$;

    CREATE TABLE regions (
      code text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]*$'),
      name_zh text NOT NULL,
      name_en text NOT NULL
    );

    -- Committees (政协) in a hierarchy, and handling units (承办单位), each in one region.
    CREATE TABLE orgs (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('committee', 'unit')),
      level text CHECK (level IN ('province', 'city', 'district')),
      parent_id uuid REFERENCES orgs(id),
      region text NOT NULL REFERENCES regions(code),
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (region, name),
      UNIQUE (id, region)
    );

    CREATE TABLE users (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      username text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9][a-z0-9_.-]{1,39}$'),
      display_name text NOT NULL,
      org_id uuid NOT NULL,
      region text NOT NULL,
      roles text[] NOT NULL DEFAULT '{}'
        CHECK (roles <@ ARRAY['member','staff','coordinator','leader','handler','admin']),
      status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
      password_hash text NOT NULL,
      password_changed_at timestamptz NOT NULL DEFAULT now(),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (id, region),
      FOREIGN KEY (org_id, region) REFERENCES orgs (id, region)  -- a user's region is their org's
    );
    CREATE INDEX users_org_idx ON users (org_id);

    -- Personal fields never cross regions: kept apart so row-level security can fence them.
    CREATE TABLE user_contacts (
      user_id uuid PRIMARY KEY,
      region text NOT NULL,
      phone text,
      email text,
      id_number text,
      address text,
      FOREIGN KEY (user_id, region) REFERENCES users (id, region) ON DELETE CASCADE ON UPDATE CASCADE
    );

    CREATE TABLE sessions (
      id text PRIMARY KEY,  -- sha256 of the cookie token; the token itself is never stored
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_seen_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      revoked_at timestamptz,
      ip text,
      user_agent text
    );
    CREATE INDEX sessions_user_idx ON sessions (user_id);

    CREATE TABLE login_attempts (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      username text NOT NULL,
      ip text NOT NULL,
      succeeded boolean NOT NULL,
      at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX login_attempts_username_idx ON login_attempts (username, at);
    CREATE INDEX login_attempts_ip_idx ON login_attempts (ip, at);

    -- Joint workspaces (合作平台) and each region's own.
    CREATE TABLE workspaces (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL UNIQUE,
      description text NOT NULL DEFAULT '',
      owner_region text NOT NULL REFERENCES regions(code),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE workspace_orgs (
      workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      org_id uuid NOT NULL,
      region text NOT NULL,
      PRIMARY KEY (workspace_id, org_id),
      FOREIGN KEY (org_id, region) REFERENCES orgs (id, region)
    );
    CREATE TABLE workspace_members (
      workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      user_id uuid NOT NULL,
      region text NOT NULL,
      role text NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'coordinator')),
      added_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (workspace_id, user_id),
      FOREIGN KEY (user_id, region) REFERENCES users (id, region) ON DELETE CASCADE ON UPDATE CASCADE
    );
    CREATE INDEX workspace_members_user_idx ON workspace_members (user_id);

    -- Membership and participation checks used by policies; SECURITY DEFINER so that a policy on
    -- one table does not recurse through the policies of another.
    CREATE FUNCTION app_is_member(ws uuid) RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER
      SET search_path = public AS
      $$ SELECT EXISTS (SELECT 1 FROM workspace_members m JOIN users u ON u.id = m.user_id
                        WHERE m.workspace_id = ws AND m.user_id = app_user_id() AND u.status = 'active') $$;
    CREATE FUNCTION app_region_participates(ws uuid) RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER
      SET search_path = public AS
      $$ SELECT EXISTS (SELECT 1 FROM workspace_orgs o WHERE o.workspace_id = ws AND o.region = app_region()) $$;

    -- The read rule of every shared record (docs/domain.md): inside a workspace the user belongs to, and
    -- joint, or region-visible in the user's region, or org-visible in the user's org.
    CREATE FUNCTION app_can_read(ws uuid, owner_org uuid, owner_region text, visibility text)
      RETURNS boolean LANGUAGE sql STABLE AS
      $$ SELECT app_is_member(ws) AND (
           visibility = 'joint'
           OR (visibility = 'region' AND owner_region = app_region())
           OR (visibility = 'org' AND owner_org = app_org_id())) $$;

    -- First shared record: a notice (通知公告) posted in a workspace.
    CREATE TABLE notices (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      owner_org_id uuid NOT NULL,
      owner_region text NOT NULL,
      visibility text NOT NULL CHECK (visibility IN ('org', 'region', 'joint')),
      title text NOT NULL,
      body text NOT NULL DEFAULT '',
      author_id uuid NOT NULL REFERENCES users(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      FOREIGN KEY (owner_org_id, owner_region) REFERENCES orgs (id, region)
    );
    CREATE INDEX notices_workspace_idx ON notices (workspace_id, created_at DESC);

    -- Append-only: the app role may insert and read, never update or delete.
    CREATE TABLE audit_log (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      at timestamptz NOT NULL DEFAULT now(),
      actor_id uuid REFERENCES users(id),
      actor_name text,
      region text REFERENCES regions(code),   -- whose administrators see the entry
      action text NOT NULL,
      target_type text,
      target_id text,
      detail jsonb NOT NULL DEFAULT '{}',
      ip text
    );
    CREATE INDEX audit_log_region_idx ON audit_log (region, at DESC);

    ALTER TABLE users ENABLE ROW LEVEL SECURITY;
    ALTER TABLE user_contacts ENABLE ROW LEVEL SECURITY;
    ALTER TABLE orgs ENABLE ROW LEVEL SECURITY;
    ALTER TABLE workspaces ENABLE ROW LEVEL SECURITY;
    ALTER TABLE workspace_orgs ENABLE ROW LEVEL SECURITY;
    ALTER TABLE workspace_members ENABLE ROW LEVEL SECURITY;
    ALTER TABLE notices ENABLE ROW LEVEL SECURITY;
    ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;

    -- Names, committees and roles are public inside the system (co-drafters see each other);
    -- changes stay inside the acting user's region.
    CREATE POLICY users_read ON users FOR SELECT USING (true);
    CREATE POLICY users_write ON users FOR INSERT WITH CHECK (region = app_region());
    CREATE POLICY users_update ON users FOR UPDATE USING (region = app_region() OR id = app_user_id())
      WITH CHECK (region = app_region());

    CREATE POLICY contacts_region ON user_contacts FOR ALL
      USING (region = app_region()) WITH CHECK (region = app_region());

    CREATE POLICY orgs_read ON orgs FOR SELECT USING (true);
    CREATE POLICY orgs_insert ON orgs FOR INSERT WITH CHECK (region = app_region());
    CREATE POLICY orgs_update ON orgs FOR UPDATE USING (region = app_region()) WITH CHECK (region = app_region());

    CREATE POLICY workspaces_read ON workspaces FOR SELECT
      USING (app_is_member(id) OR app_region_participates(id) OR owner_region = app_region());
    CREATE POLICY workspaces_insert ON workspaces FOR INSERT WITH CHECK (owner_region = app_region());
    CREATE POLICY workspaces_update ON workspaces FOR UPDATE
      USING (app_region_participates(id) OR owner_region = app_region());

    CREATE POLICY workspace_orgs_read ON workspace_orgs FOR SELECT
      USING (app_is_member(workspace_id) OR app_region_participates(workspace_id) OR region = app_region());
    CREATE POLICY workspace_orgs_write ON workspace_orgs FOR INSERT WITH CHECK (region = app_region());
    CREATE POLICY workspace_orgs_delete ON workspace_orgs FOR DELETE USING (region = app_region());

    -- Each region adds and removes its own people only.
    CREATE POLICY workspace_members_read ON workspace_members FOR SELECT
      USING (app_is_member(workspace_id) OR app_region_participates(workspace_id) OR region = app_region());
    CREATE POLICY workspace_members_insert ON workspace_members FOR INSERT WITH CHECK (region = app_region());
    CREATE POLICY workspace_members_update ON workspace_members FOR UPDATE
      USING (region = app_region()) WITH CHECK (region = app_region());
    CREATE POLICY workspace_members_delete ON workspace_members FOR DELETE USING (region = app_region());

    CREATE POLICY notices_read ON notices FOR SELECT
      USING (app_can_read(workspace_id, owner_org_id, owner_region, visibility));
    CREATE POLICY notices_insert ON notices FOR INSERT
      WITH CHECK (owner_region = app_region() AND app_is_member(workspace_id));
    CREATE POLICY notices_update ON notices FOR UPDATE
      USING (owner_region = app_region() AND app_can_read(workspace_id, owner_org_id, owner_region, visibility))
      WITH CHECK (owner_region = app_region());
    CREATE POLICY notices_delete ON notices FOR DELETE
      USING (owner_region = app_region() AND app_can_read(workspace_id, owner_org_id, owner_region, visibility));

    CREATE POLICY audit_read ON audit_log FOR SELECT USING (region = app_region());
    CREATE POLICY audit_insert ON audit_log FOR INSERT WITH CHECK (true);

    GRANT USAGE ON SCHEMA public TO cppcc_app;
    GRANT SELECT ON regions TO cppcc_app;
    GRANT SELECT, INSERT, UPDATE ON orgs, users, user_contacts, workspaces TO cppcc_app;
    GRANT SELECT, INSERT, UPDATE, DELETE ON workspace_orgs, workspace_members, notices, sessions TO cppcc_app;
    GRANT SELECT, INSERT, DELETE ON login_attempts TO cppcc_app;
    GRANT SELECT, INSERT ON audit_log TO cppcc_app;
    GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO cppcc_app;
    GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO cppcc_app;
  `).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('foundation migration cannot be reverted');
}
