-- Geocoding: text folding for matching, a typo-tolerant index on area names, and the places
-- gazetteer (landmarks, markets, mosques, schools, housing estates, streets) of each tenant.

-- Folds text for matching: lower case without accents ("Kéc. TAMAN" -> "kéc. taman" -> "kec. taman").
-- unaccent(text) is only STABLE (it looks its dictionary up through search_path), so it cannot
-- appear in an index. The two-argument form with the dictionary named here is resolved once,
-- when this function is created (a SQL-standard body is parsed at creation), so declaring the
-- wrapper IMMUTABLE is safe — the usual trick.
CREATE FUNCTION sigap_fold(t text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  RETURN lower(unaccent('unaccent'::regdictionary, t));

-- The folded text without spaces and punctuation: official names are written joined
-- ("Wadungasri", "Tanggulangin") while callers say "wadung asri", "tanggul angin"; comparing
-- compact forms makes both the same string, and trigrams then absorb the typos.
CREATE FUNCTION sigap_compact(t text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  RETURN regexp_replace(sigap_fold(t), '[^a-z0-9]+', '', 'g');

-- Forward geocoding looks kecamatan and desa names up by trigram similarity of compact forms.
CREATE INDEX areas_compact_name_trgm ON areas USING gin (sigap_compact(name) gin_trgm_ops);

CREATE TABLE places (
  tenant_id      text NOT NULL REFERENCES tenants (id),
  id             uuid NOT NULL DEFAULT gen_random_uuid(),
  kind           text NOT NULL CHECK (kind IN ('landmark', 'market', 'mosque', 'church', 'school', 'hospital',
                                               'office', 'housing', 'street', 'other')),
  name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  aliases        text[] NOT NULL DEFAULT '{}' CHECK (cardinality(aliases) <= 20),
  -- Where a candidate puts its pin: the place itself, or a point on the street for streets.
  point          geometry(Point, 4326) NOT NULL,
  line           geometry(MultiLineString, 4326) CHECK (line IS NULL OR kind = 'street'),
  desa_code      text,
  kecamatan_code text,
  -- Who supplied it ('demo', 'osm', 'bpbd-2026'...) and that source's own id, when it has one.
  source         text NOT NULL CHECK (length(source) BETWEEN 1 AND 100),
  source_id      text CHECK (length(source_id) BETWEEN 1 AND 200),
  -- The name and aliases as the geocoder's normaliser reads queries (folded, abbreviations
  -- expanded, noise words dropped, each name compacted), space-separated. Written by the
  -- importer with the same code that normalises queries, so both sides always agree.
  search_key     text NOT NULL CHECK (length(search_key) BETWEEN 1 AND 8000),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (id),
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, desa_code) REFERENCES areas (tenant_id, code),
  FOREIGN KEY (tenant_id, kecamatan_code) REFERENCES areas (tenant_id, code)
);
CREATE INDEX places_point_gist ON places USING gist (point);
CREATE INDEX places_line_gist ON places USING gist (line);
-- Typo-tolerant look-up of names and aliases (strict word similarity, `<<%`).
CREATE INDEX places_search_trgm ON places USING gin (search_key gin_trgm_ops);
-- Re-imports find a place again by its source id, or else by its kind and folded name.
CREATE UNIQUE INDEX places_source_id ON places (tenant_id, source, source_id) WHERE source_id IS NOT NULL;
CREATE UNIQUE INDEX places_kind_name ON places (tenant_id, kind, sigap_fold(name)) WHERE source_id IS NULL;

-- Row-level security exactly as for the other tenant tables (0002).
ALTER TABLE places ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON places TO sigap_app
  USING (tenant_id = sigap_current_tenant()) WITH CHECK (tenant_id = sigap_current_tenant());
GRANT SELECT, INSERT, UPDATE, DELETE ON places TO sigap_app;
