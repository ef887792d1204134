-- Issue 18: keys that expire, and (below) the hash-chained audit trail.

-- A key may be given an end date: authentication and open live streams stop honouring it then.
ALTER TABLE api_keys ADD COLUMN expires_at timestamptz;

-- A hash-chained audit trail. Each event stores sha256(previous event's hash || its canonical
-- content), per tenant, so changing, inserting or deleting any event breaks every later link:
-- `sigap verify` recomputes the chain and names the first broken seq, and `sigap anchor` prints
-- each tenant's head (seq, hash) for an auditor to keep outside the database (docs/reliability.md,
-- "Tamper evidence", says what this does and does not prove against a database superuser).

-- The canonical content is a JSON array of every column but the hash: jsonb's text form is
-- deterministic (keys sorted), uuids are lower-case text and the time is UTC with microseconds.
CREATE FUNCTION sigap_event_hash(prev bytea, tenant_id text, seq bigint, type text, actor jsonb,
  incident_id uuid, assignment_id uuid, unit_id uuid, call_id uuid, at timestamptz, payload jsonb)
  RETURNS bytea LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT sha256(coalesce(prev, '\x'::bytea) || convert_to(jsonb_build_array(
    tenant_id, seq, type, actor, incident_id, assignment_id, unit_id, call_id,
    to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), payload)::text, 'UTF8'))
$$;

ALTER TABLE events ADD COLUMN hash bytea;

-- History written before this migration is chained now: its evidence starts at this migration.
ALTER TABLE events DISABLE TRIGGER events_no_update;
DO $$
DECLARE
  r record;
  prev bytea;
  current_tenant text;
BEGIN
  FOR r IN SELECT * FROM events ORDER BY tenant_id, seq LOOP
    IF current_tenant IS DISTINCT FROM r.tenant_id THEN
      prev := NULL;
      current_tenant := r.tenant_id;
    END IF;
    prev := sigap_event_hash(prev, r.tenant_id, r.seq, r.type, r.actor, r.incident_id, r.assignment_id,
      r.unit_id, r.call_id, r.at, r.payload);
    UPDATE events SET hash = prev WHERE tenant_id = r.tenant_id AND seq = r.seq;
  END LOOP;
END
$$;
ALTER TABLE events ENABLE TRIGGER events_no_update;
ALTER TABLE events ALTER COLUMN hash SET NOT NULL;

-- The link is computed by the database within the INSERT that appends the event (whatever the
-- client sends as hash is replaced). Seqs are gapless and the tenant's counter row is locked
-- until commit (audit/events.ts), so the previous event exists and is final; a row inserted
-- without its predecessor (only possible outside the application) chains from nothing, and
-- `sigap verify` reports it. SECURITY DEFINER: the previous row is read whatever the session's
-- tenant setting.
CREATE FUNCTION sigap_events_chain() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  prev bytea;
BEGIN
  SELECT e.hash INTO prev FROM events e WHERE e.tenant_id = NEW.tenant_id AND e.seq = NEW.seq - 1;
  NEW.hash := sigap_event_hash(prev, NEW.tenant_id, NEW.seq, NEW.type, NEW.actor, NEW.incident_id,
    NEW.assignment_id, NEW.unit_id, NEW.call_id, NEW.at, NEW.payload);
  RETURN NEW;
END
$$;
CREATE TRIGGER events_chain BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION sigap_events_chain();
