-- Incident core: agencies, units, categories, API keys, calls, incidents, assignments,
-- the immutable event trail, idempotency records, and row-level security per tenant.

-- Tenant-scoped requests run as this role (SET LOCAL ROLE) with `sigap.tenant_id` set, so the
-- row-level security policies below apply even when the server connects as a superuser.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'sigap_app') THEN
    CREATE ROLE sigap_app NOLOGIN;
  END IF;
  -- A non-superuser server login must be a member to SET ROLE sigap_app.
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    EXECUTE format('GRANT sigap_app TO %I', current_user);
  END IF;
END
$$;

-- The tenant the current transaction acts for ('' when none: matches no row).
CREATE FUNCTION sigap_current_tenant() RETURNS text
  LANGUAGE sql STABLE AS $$ SELECT coalesce(current_setting('sigap.tenant_id', true), '') $$;

CREATE TABLE agencies (
  tenant_id  text NOT NULL REFERENCES tenants (id),
  id         uuid NOT NULL DEFAULT gen_random_uuid(),
  code       text NOT NULL CHECK (code ~ '^[A-Z0-9_-]{2,40}$'),
  type       text NOT NULL CHECK (type ~ '^[A-Z0-9_]{2,20}$'),
  kind       text NOT NULL CHECK (kind IN ('opd', 'vertical')),
  name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  active     boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (id),
  UNIQUE (tenant_id, code),
  UNIQUE (tenant_id, id)
);

CREATE TABLE units (
  tenant_id         text NOT NULL REFERENCES tenants (id),
  id                uuid NOT NULL DEFAULT gen_random_uuid(),
  agency_id         uuid NOT NULL,
  code              text NOT NULL CHECK (code ~ '^[A-Za-z0-9_.-]{1,60}$'),
  name              text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  kind              text NOT NULL CHECK (length(kind) BETWEEN 1 AND 40),
  location          geography(Point, 4326) NOT NULL,
  service_area      geography(MultiPolygon, 4326),
  status            text NOT NULL DEFAULT 'available' CHECK (status IN ('available', 'busy', 'offline')),
  expected_free_at  timestamptz,
  position_at       timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (id),
  UNIQUE (tenant_id, code),
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, agency_id) REFERENCES agencies (tenant_id, id)
);
-- Nearest-unit search: KNN (<->) on geography through this index.
CREATE INDEX units_location_gist ON units USING gist (location);
CREATE INDEX units_service_area_gist ON units USING gist (service_area);

CREATE TABLE categories (
  tenant_id          text NOT NULL REFERENCES tenants (id),
  code               text NOT NULL CHECK (code ~ '^[a-z][a-z0-9_]{1,39}$'),
  label_id           text NOT NULL CHECK (length(label_id) BETWEEN 1 AND 120),
  label_en           text NOT NULL CHECK (length(label_en) BETWEEN 1 AND 120),
  default_priority   text NOT NULL CHECK (default_priority IN ('P1', 'P2', 'P3')),
  -- Agency types in order of responsibility; each group is needed together
  -- (traffic_accident: {PSC119, POLRI}), later groups are fallbacks.
  responsible        jsonb NOT NULL CHECK (jsonb_typeof(responsible) = 'array'),
  -- Per-category overrides of the tenant's per-priority targets (seconds); null = tenant default.
  ack_target_s       integer CHECK (ack_target_s > 0),
  on_scene_target_s  integer CHECK (on_scene_target_s > 0),
  resolve_target_s   integer CHECK (resolve_target_s > 0),
  active             boolean NOT NULL DEFAULT true,
  PRIMARY KEY (tenant_id, code)
);

CREATE TABLE api_keys (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id    text NOT NULL REFERENCES tenants (id),
  name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
  role         text NOT NULL CHECK (role IN ('integrator', 'call_taker', 'dispatcher', 'agency', 'viewer', 'admin')),
  agency_id    uuid,
  -- SHA-256 of the secret: keys are long random strings, so a fast hash is enough and a
  -- database leak reveals no usable key. The prefix identifies a key in lists and logs.
  key_hash     bytea NOT NULL UNIQUE,
  key_prefix   text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  revoked_at   timestamptz,
  last_used_at timestamptz,
  CHECK ((role = 'agency') = (agency_id IS NOT NULL)),
  FOREIGN KEY (tenant_id, agency_id) REFERENCES agencies (tenant_id, id)
);

-- Gapless per-tenant counters: the row lock taken by UPDATE ... RETURNING serialises writers of
-- one tenant until commit, so sequence numbers become visible in order and a rollback leaves no gap.
CREATE TABLE tenant_counters (
  tenant_id text NOT NULL REFERENCES tenants (id),
  name      text NOT NULL,
  value     bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, name)
);

CREATE TABLE calls (
  tenant_id        text NOT NULL REFERENCES tenants (id),
  id               uuid NOT NULL DEFAULT gen_random_uuid(),
  channel          text NOT NULL CHECK (channel IN ('phone', 'app', 'sms', 'web', 'radio', 'walk_in')),
  caller_number    text CHECK (length(caller_number) <= 40),
  caller_e164      text CHECK (caller_e164 ~ '^\+[1-9][0-9]{6,14}$'),
  caller_valid     boolean NOT NULL DEFAULT false,
  started_at       timestamptz NOT NULL,
  ended_at         timestamptz CHECK (ended_at IS NULL OR ended_at >= started_at),
  call_taker       text CHECK (length(call_taker) <= 120),
  -- NULL while the call is going on: a call is logged when answered and classified at the end.
  outcome          text CHECK (outcome IN ('incident', 'prank', 'silent', 'misdial', 'info', 'duplicate', 'non_emergency')),
  incident_id      uuid,
  lapor_reference  text CHECK (length(lapor_reference) <= 80),
  block_overridden boolean NOT NULL DEFAULT false,
  notes            text CHECK (length(notes) <= 2000),
  created_by       uuid REFERENCES api_keys (id),
  created_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (id),
  UNIQUE (tenant_id, id)
);
CREATE INDEX calls_caller ON calls (tenant_id, caller_e164, started_at DESC);
CREATE INDEX calls_started ON calls (tenant_id, started_at);
-- Calls still waiting for their outcome (the call-taking screen's "unclassified" list).
CREATE INDEX calls_pending ON calls (tenant_id, started_at) WHERE outcome IS NULL;

-- Soft blocks of repeat pranksters: calls are still logged and can be answered.
CREATE TABLE caller_blocks (
  tenant_id     text NOT NULL REFERENCES tenants (id),
  caller_e164   text NOT NULL,
  blocked_until timestamptz NOT NULL,
  reason        text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, caller_e164)
);

CREATE TABLE incidents (
  tenant_id             text NOT NULL REFERENCES tenants (id),
  id                    uuid NOT NULL DEFAULT gen_random_uuid(),
  number                text NOT NULL,
  status                text NOT NULL CHECK (status IN ('received', 'verified', 'dispatched', 'acknowledged', 'en_route',
                          'on_scene', 'resolved', 'closed', 'cancelled', 'rejected', 'merged')),
  category              text NOT NULL,
  priority              text NOT NULL CHECK (priority IN ('P1', 'P2', 'P3')),
  description           text NOT NULL CHECK (length(description) <= 4000),
  condition             jsonb NOT NULL DEFAULT '{}'::jsonb,
  location              geography(Point, 4326),
  location_accuracy_m   double precision CHECK (location_accuracy_m >= 0),
  location_source       text CHECK (location_source IN ('device_gps', 'aml', 'geocoded', 'map_pick', 'area_centroid')),
  address_text          text CHECK (length(address_text) <= 500),
  desa_code             text,
  kecamatan_code        text,
  outside_jurisdiction  boolean NOT NULL DEFAULT false,
  jurisdiction_code     text,
  reporter_name         text CHECK (length(reporter_name) <= 120),
  reporter_phone        text CHECK (length(reporter_phone) <= 40),
  external_refs         jsonb NOT NULL DEFAULT '{}'::jsonb,
  call_id               uuid,
  created_by            uuid REFERENCES api_keys (id),
  merged_into           uuid,
  no_unit_available     boolean NOT NULL DEFAULT false,
  -- P3 "answer to the reporter" target (maksimal 1x24 jam) and whether its breach was reported.
  answer_due_at         timestamptz,
  answer_breached       boolean NOT NULL DEFAULT false,
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  resolved_at           timestamptz,
  last_seq              bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (id),
  UNIQUE (tenant_id, id),
  UNIQUE (tenant_id, number),
  FOREIGN KEY (tenant_id, category) REFERENCES categories (tenant_id, code)
);
CREATE INDEX incidents_location_gist ON incidents USING gist (location);
CREATE INDEX incidents_list ON incidents (tenant_id, created_at DESC, id DESC);
CREATE INDEX incidents_open ON incidents (tenant_id, status) WHERE status NOT IN ('closed', 'cancelled', 'rejected', 'merged');

CREATE TABLE assignments (
  tenant_id         text NOT NULL REFERENCES tenants (id),
  id                uuid NOT NULL DEFAULT gen_random_uuid(),
  incident_id       uuid NOT NULL,
  agency_id         uuid NOT NULL,
  unit_id           uuid,
  status            text NOT NULL CHECK (status IN ('dispatched', 'acknowledged', 'en_route', 'on_scene', 'resolved', 'declined', 'cancelled')),
  declined_reason   text CHECK (length(declined_reason) <= 500),
  -- A hand-off to a vertical institution: its ticket number, promised date, who confirmed it.
  handoff           jsonb,
  ack_due_at        timestamptz,
  on_scene_due_at   timestamptz,
  resolve_due_at    timestamptz,
  dispatched_at     timestamptz NOT NULL DEFAULT now(),
  acknowledged_at   timestamptz,
  en_route_at       timestamptz,
  on_scene_at       timestamptz,
  resolved_at       timestamptz,
  -- Which targets already produced their one sla_breached event.
  breached          text[] NOT NULL DEFAULT '{}',
  reopen_count      integer NOT NULL DEFAULT 0,
  updated_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (id),
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, incident_id) REFERENCES incidents (tenant_id, id),
  FOREIGN KEY (tenant_id, agency_id) REFERENCES agencies (tenant_id, id),
  FOREIGN KEY (tenant_id, unit_id) REFERENCES units (tenant_id, id)
);
CREATE INDEX assignments_incident ON assignments (tenant_id, incident_id);
CREATE INDEX assignments_agency_open ON assignments (tenant_id, agency_id) WHERE status NOT IN ('resolved', 'declined', 'cancelled');

-- The regency a point falls in, across tenants, for `outsideJurisdiction`. SECURITY DEFINER so
-- it can look past the caller's tenant policy, but it reveals only the regency's code.
CREATE FUNCTION sigap_regency_at(p geometry) RETURNS text
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT code FROM areas WHERE level = 'kabupaten' AND boundary IS NOT NULL AND ST_Intersects(boundary, p)
  ORDER BY code LIMIT 1
$$;

-- The audit trail: one row per change, appended in the same transaction as the change.
CREATE TABLE events (
  tenant_id     text NOT NULL REFERENCES tenants (id),
  seq           bigint NOT NULL CHECK (seq > 0),
  type          text NOT NULL,
  incident_id   uuid,
  assignment_id uuid,
  unit_id       uuid,
  call_id       uuid,
  actor         jsonb NOT NULL,
  at            timestamptz NOT NULL DEFAULT now(),
  payload       jsonb NOT NULL DEFAULT '{}'::jsonb,
  PRIMARY KEY (tenant_id, seq)
);
CREATE INDEX events_incident ON events (tenant_id, incident_id, seq) WHERE incident_id IS NOT NULL;

-- The database itself refuses to change history, whoever asks (owner and superuser included).
CREATE FUNCTION sigap_events_immutable() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'events are immutable: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER events_no_update BEFORE UPDATE OR DELETE ON events
  FOR EACH ROW EXECUTE FUNCTION sigap_events_immutable();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
  FOR EACH STATEMENT EXECUTE FUNCTION sigap_events_immutable();

-- Idempotency-Key records: a retried POST returns the first response.
CREATE TABLE idempotency_keys (
  tenant_id       text NOT NULL REFERENCES tenants (id),
  api_key_id      uuid NOT NULL REFERENCES api_keys (id),
  key             text NOT NULL,
  request_hash    text NOT NULL,
  response_status integer,
  response_body   jsonb,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, api_key_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- Row-level security: every tenant table is visible only to its own tenant.
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['tenants', 'areas', 'agencies', 'units', 'categories', 'api_keys', 'tenant_counters',
                           'calls', 'caller_blocks', 'incidents', 'assignments', 'events', 'idempotency_keys']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I TO sigap_app USING (%I = sigap_current_tenant()) WITH CHECK (%I = sigap_current_tenant())',
      t, CASE WHEN t = 'tenants' THEN 'id' ELSE 'tenant_id' END, CASE WHEN t = 'tenants' THEN 'id' ELSE 'tenant_id' END);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO sigap_app', t);
  END LOOP;
END
$$;
-- The trail is append-only for the application role as well (the trigger above stops everyone else).
REVOKE UPDATE, DELETE ON events FROM sigap_app;
-- Not FORCEd: platform-level work (start-up, migrations, API-key look-up, the SLA job across
-- tenants) runs as the connecting user, who owns the tables and so bypasses the policies.
-- Everything done on behalf of an API key runs as sigap_app, to which they always apply.
