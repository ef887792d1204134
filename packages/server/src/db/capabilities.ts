import type { Capabilities, Queryable } from './types.js';

/**
 * Asks the database what it can do; used by both backends after connecting. Features are
 * probed by calling them, not by looking them up: PGlite's PostGIS declares `ST_AsMVT` in
 * `pg_proc` but is compiled without protobuf, so the function exists and fails when called.
 */
export async function probeCapabilities(db: Queryable, multiInstance: boolean): Promise<Capabilities> {
  const { rows } = await db.query<{
    server_version: string;
    postgis: string | null;
    trigram: boolean;
    unaccent: boolean;
  }>(
    `SELECT current_setting('server_version') AS server_version,
            (SELECT extversion FROM pg_extension WHERE extname = 'postgis') AS postgis,
            EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') AS trigram,
            EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'unaccent') AS unaccent`,
  );
  const row = rows[0]!;
  return {
    serverVersion: row.server_version,
    postgisVersion: row.postgis,
    mvt: row.postgis ? await canCall(db, MVT_PROBE) : false,
    trigram: row.trigram,
    unaccent: row.unaccent,
    multiInstance,
  };
}

const MVT_PROBE = `SELECT ST_AsMVT(t.*) FROM (
  SELECT 1 AS id, ST_AsMVTGeom(ST_MakePoint(0.5, 0.5), ST_MakeEnvelope(0, 0, 1, 1)) AS geom
) t`;

async function canCall(db: Queryable, sql: string): Promise<boolean> {
  try {
    await db.query(sql);
    return true;
  } catch {
    return false;
  }
}
