-- Dispatch for real incidents (issue 15): tenant unit types, response plans, one open
-- assignment per unit enforced by the database, and the watchdog for stuck incidents.

-- A tenant's own unit types. The built-in ones (fire_engine, ambulance_als, boat...) live in
-- code (src/fleet/defaults.ts) so every tenant has them without rows; units.kind names either.
CREATE TABLE unit_types (
  tenant_id    text NOT NULL REFERENCES tenants (id),
  code         text NOT NULL CHECK (code ~ '^[a-z][a-z0-9_]{1,39}$'),
  label_id     text NOT NULL CHECK (length(label_id) BETWEEN 1 AND 120),
  label_en     text NOT NULL CHECK (length(label_en) BETWEEN 1 AND 120),
  capabilities text[] NOT NULL DEFAULT '{}' CHECK (cardinality(capabilities) <= 20),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, code)
);

-- A tenant's own response plan for a category; without a row the built-in default applies.
-- plan = { slots: [{ unitType, count, agencyTypes? }], rules: [{ when, add }] } (contract ResponsePlanBody).
CREATE TABLE response_plans (
  tenant_id  text NOT NULL,
  category   text NOT NULL,
  plan       jsonb NOT NULL CHECK (jsonb_typeof(plan) = 'object'),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, category),
  FOREIGN KEY (tenant_id, category) REFERENCES categories (tenant_id, code)
);

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['unit_types', 'response_plans']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I TO sigap_app USING (tenant_id = sigap_current_tenant()) WITH CHECK (tenant_id = sigap_current_tenant())',
      t);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO sigap_app', t);
  END LOOP;
END
$$;

-- Before the one-open-assignment-per-unit index can exist, double bookings made by older
-- versions (a reopen put assignments back without re-booking their units) are resolved: the
-- unit stays with its most recent assignment; older open ones are cancelled with an event.
DO $$
DECLARE
  r record;
  next_seq bigint;
BEGIN
  FOR r IN
    SELECT a.tenant_id, a.id, a.incident_id, a.unit_id, a.status
      FROM (SELECT a.*, row_number() OVER (PARTITION BY a.tenant_id, a.unit_id
                                           ORDER BY a.dispatched_at DESC, a.id DESC) AS rank
              FROM assignments a
             WHERE a.unit_id IS NOT NULL AND a.status NOT IN ('resolved', 'declined', 'cancelled')) a
     WHERE a.rank > 1
  LOOP
    UPDATE assignments SET status = 'cancelled', updated_at = now() WHERE id = r.id;
    INSERT INTO tenant_counters (tenant_id, name, value) VALUES (r.tenant_id, 'events', 1)
      ON CONFLICT (tenant_id, name) DO UPDATE SET value = tenant_counters.value + 1
      RETURNING value INTO next_seq;
    INSERT INTO events (tenant_id, seq, type, actor, incident_id, assignment_id, unit_id, payload)
    VALUES (r.tenant_id, next_seq, 'assignment.status_changed',
            '{"keyId": null, "role": "system", "name": "sigap migration 0007"}'::jsonb,
            r.incident_id, r.id, r.unit_id,
            jsonb_build_object('from', r.status, 'to', 'cancelled',
                               'reason', 'the unit was booked twice; it stays with its latest assignment'));
    UPDATE incidents SET last_seq = next_seq, updated_at = now() WHERE tenant_id = r.tenant_id AND id = r.incident_id;
  END LOOP;
END
$$;

-- A unit is never double-booked: at most one open assignment per unit, whoever writes.
-- The dispatch service checks first (to name the conflicting incident in its 409) and inserts
-- with ON CONFLICT on this index, so a race that slips past the check still cannot book twice.
CREATE UNIQUE INDEX assignments_unit_open ON assignments (tenant_id, unit_id)
  WHERE unit_id IS NOT NULL AND status NOT IN ('resolved', 'declined', 'cancelled');

-- Watchdog: when the incident was verified (the dispatch clock starts there), and which
-- overdue events ('verification', 'dispatch') were already appended, so each fires once.
ALTER TABLE incidents
  ADD COLUMN verified_at timestamptz,
  ADD COLUMN overdue_reported text[] NOT NULL DEFAULT '{}';
UPDATE incidents i SET verified_at = e.at
  FROM (SELECT tenant_id, incident_id, min(at) AS at FROM events
         WHERE type = 'incident.status_changed' AND payload->>'to' = 'verified'
         GROUP BY tenant_id, incident_id) e
 WHERE e.tenant_id = i.tenant_id AND e.incident_id = i.id;
-- The watchdog scans only incidents still waiting for verification or dispatch.
CREATE INDEX incidents_waiting ON incidents (created_at) WHERE status IN ('received', 'verified');
