-- Foundation: extensions, tenants (regencies/cities) and their areas (kecamatan, desa).

CREATE EXTENSION IF NOT EXISTS postgis;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS unaccent;

-- A tenant is one kabupaten/kota, identified by its Kemendagri code (e.g. '35.15').
CREATE TABLE tenants (
  id            text PRIMARY KEY CHECK (id ~ '^[0-9]{2}\.[0-9]{2}$'),
  name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  -- WIB, WITA or WIT as IANA zones: "today", SLA clocks and reports use it.
  time_zone     text NOT NULL CHECK (time_zone IN ('Asia/Jakarta', 'Asia/Makassar', 'Asia/Jayapura')),
  -- Prefix of human incident numbers, e.g. 'SDA' in SDA-20261122-0042.
  number_prefix text NOT NULL CHECK (number_prefix ~ '^[A-Z]{2,6}$'),
  settings      jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at    timestamptz NOT NULL DEFAULT now()
);

-- Official areas of a tenant. Names and codes come from idn-area-data (Kemendagri); geometry
-- comes from `sigap import areas` (or the approximate demo data) and may be missing.
CREATE TABLE areas (
  tenant_id   text NOT NULL REFERENCES tenants (id),
  code        text NOT NULL CHECK (code ~ '^[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?$'),
  level       text NOT NULL CHECK (level IN ('provinsi', 'kabupaten', 'kecamatan', 'desa')),
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  parent_code text,
  boundary    geometry(MultiPolygon, 4326) CHECK (boundary IS NULL OR ST_IsValid(boundary)),
  -- A representative point: the centroid of the boundary, or a known point when no boundary exists.
  point       geometry(Point, 4326),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, code)
);

CREATE INDEX areas_boundary_gist ON areas USING gist (boundary);
CREATE INDEX areas_point_gist ON areas USING gist (point);
CREATE INDEX areas_level ON areas (tenant_id, level);
-- Gazetteer look-ups by name tolerate typos (trigram similarity on the folded name).
CREATE INDEX areas_name_trgm ON areas USING gin (lower(name) gin_trgm_ops);
