-- Every incident gets a place: address-only incidents are geocoded at intake or wait for review,
-- locations can be corrected, calls carry a location before their incident exists, and the
-- desa code can come from the nearest desa point (flagged approximate).

-- `network`: a cell or Wi-Fi position from the operator or a telephony integration.
ALTER TABLE incidents DROP CONSTRAINT IF EXISTS incidents_location_source_check;
ALTER TABLE incidents ADD CONSTRAINT incidents_location_source_check
  CHECK (location_source IN ('device_gps', 'aml', 'geocoded', 'map_pick', 'area_centroid', 'network'));

-- needs_review: only an address that the geocoder could not place with enough confidence; the
-- incident has no point until a call taker picks one. Derived from the point, kept as a column so
-- that the wall-board's list of incidents to place is an index scan.
ALTER TABLE incidents
  ADD COLUMN location_status text NOT NULL DEFAULT 'located'
    CHECK (location_status IN ('located', 'needs_review')),
  -- The confidence of the geocoding candidate the point came from (null for other sources).
  ADD COLUMN location_confidence double precision CHECK (location_confidence BETWEEN 0 AND 1),
  -- desa_code is the nearest desa point within the tenant's radius, not a boundary or address match.
  ADD COLUMN desa_approximate boolean NOT NULL DEFAULT false,
  ADD CONSTRAINT incidents_location_status_point
    CHECK ((location_status = 'located') = (location IS NOT NULL)) NOT VALID;
UPDATE incidents SET location_status = 'needs_review' WHERE location IS NULL;
ALTER TABLE incidents VALIDATE CONSTRAINT incidents_location_status_point;
CREATE INDEX incidents_needs_review ON incidents (tenant_id, created_at) WHERE location_status = 'needs_review';
-- Desa hotspots (reports) group by desa_code.
CREATE INDEX incidents_desa ON incidents (tenant_id, desa_code) WHERE desa_code IS NOT NULL;

-- A call's location before any incident exists (AML SMS, the operator's cell position); an
-- incident created from the call without a point of its own inherits it.
ALTER TABLE calls
  ADD COLUMN location            geography(Point, 4326),
  ADD COLUMN location_accuracy_m double precision CHECK (location_accuracy_m >= 0),
  ADD COLUMN location_source     text CHECK (location_source IN ('device_gps', 'aml', 'network', 'map_pick')),
  ADD COLUMN location_address    text CHECK (length(location_address) <= 500),
  ADD COLUMN location_at         timestamptz,
  ADD CONSTRAINT calls_location_complete
    CHECK ((location IS NULL) = (location_source IS NULL) AND (location IS NULL) = (location_at IS NULL));

-- Typing slips that trigrams miss in short names ("gdang" for Gedang, "kesmabi" for Kesambi):
-- the gazetteer also accepts a name within a small Levenshtein distance (fuzzystrmatch), scored
-- as the share of letters that did not need an edit. levenshtein_less_equal stops counting past
-- the bound, so the many far-off names cost almost nothing.
CREATE EXTENSION IF NOT EXISTS fuzzystrmatch;
CREATE FUNCTION sigap_edit_similarity(a text, b text) RETURNS double precision
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  RETURN 1 - least(levenshtein_less_equal(a, b, 3), 3)::double precision / greatest(length(a), length(b), 1);

-- The compact name, stored: the gazetteer compares it with every phrase's neighbours (trigram
-- similarity, edit distance), and unaccent() per row and comparison was most of its time.
-- Lookups still go through the expression index areas_compact_name_trgm (0004).
ALTER TABLE areas ADD COLUMN name_compact text GENERATED ALWAYS AS (sigap_compact(name)) STORED;
