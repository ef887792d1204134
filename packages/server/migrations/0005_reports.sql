-- Monitoring-and-evaluation reports (src/reports/sql.ts) read three kinds of event per incident
-- or assignment. The general events_incident index (tenant_id, incident_id, seq) makes each of
-- those look-ups read every event of the incident (ten or more) from the heap; this partial,
-- covering index holds only the three types and answers them from the index alone:
--   'assignment.created' → handlingTimes: first dispatch of an incident (min(at));
--   'incident.reopened'  → incidentRollup: reopened incidents;
--   'sla_breached'       → agencyStats: breaches per assignment (assignment_id).
-- Measured on PostgreSQL 15 with a year of a busy regency (250k calls, 25k incidents, 245k events):
-- handlingTimes 1.1 s → 0.2-0.3 s, agencyStats 1.4 s → 0.1-0.2 s (with its per-assignment lateral
-- count), incidentRollup 93 → 25 ms. The other report queries use existing indexes:
-- calls_started (calls by started_at), incidents_list (incidents by created_at) and
-- assignments_incident (assignments of an incident).
CREATE INDEX events_report ON events (tenant_id, type, incident_id) INCLUDE (assignment_id, at)
  WHERE type IN ('assignment.created', 'incident.reopened', 'sla_breached');
