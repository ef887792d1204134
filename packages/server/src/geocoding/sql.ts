import type { Phrase } from './normalise.js';

export interface Sql {
  text: string;
  values: unknown[];
}

/** Nearest desa point accepted for a reverse answer when the desa has no boundary. */
export const DESA_POINT_RADIUS_M = 2000;

/**
 * Fixed trigram thresholds for this transaction, so that results do not depend on server
 * settings. `%` (similarity) and `<<%` (strict word similarity) are the operators the GIN
 * indexes answer; both use these thresholds. `%` is set low (0.3) so the index also yields
 * the candidates of the edit-distance check; a trigram match itself counts from 0.45.
 */
export function trigramThresholds(): Sql {
  return {
    text: `SELECT set_config('pg_trgm.similarity_threshold', '0.3', true),
                  set_config('pg_trgm.strict_word_similarity_threshold', '0.5', true)`,
    values: [],
  };
}

/**
 * The gazetteer: every phrase of the query is looked up (through the trigram GIN indexes) among
 * the tenant's kecamatan and desa names and its places; each hit is then scored in SQL:
 *
 * - the trigram similarity of the phrase to the name (typos, joined/split words);
 * - the address word before the phrase: "Ds./Kel." favours a desa, "Kec." a kecamatan, and
 *   each penalises the other level;
 * - support: a desa or place whose kecamatan is also named elsewhere in the query gains, and a
 *   place gains when its desa is named ("Kedungrejo Waru" → Kedungrejo in Kec. Waru, not Jabon);
 *   an explicit "Kec. X" that contradicts a candidate costs it;
 * - shadowing: a hit inside a longer, at least as good hit loses ("Pondok Jati" the housing
 *   estate beats Jati the desa, "Tanggulangin" beats Tanggul);
 * - a word that names both a kecamatan and its namesake desa ("Taman") is read as the kecamatan
 *   when another desa or place of that kecamatan is named too ("kalijatan taman" → Kalijaten),
 *   unless "Ds./Kel." stands before it;
 * - the regency's own name ("Sidoarjo" in "... Sidoarjo") is weak evidence for the kecamatan
 *   of the same name;
 * - a kecamatan alone ranks below a desa or place matched as well (it says less), and well
 *   below one of its own desa or places named beside it (which it then supports);
 *
 * Each phrase keeps its 8 best hits per table, so that a long query of common syllables cannot
 * make the scoring (which compares hits with each other) quadratic in the size of the gazetteer.
 *
 * Candidates sharing a score (the same desa name in two kecamatan) are all returned; the
 * `ties` count lowers their confidence.
 */
export function gazetteerSearch(tenantId: string, phrases: readonly Phrase[], limit: number): Sql {
  return {
    text: `
WITH phrase AS (
  SELECT sigap_compact(t) AS c, f, l, h, area_ok
    FROM unnest($2::text[], $3::int[], $4::int[], $5::text[], $6::bool[]) AS p (t, f, l, h, area_ok)
), kab AS (
  SELECT sigap_compact(regexp_replace(name, '^(kabupaten|kota)\\s+', '', 'i')) AS c
    FROM areas WHERE tenant_id = $1 AND code = $1
), area_near AS (
  -- Trigram neighbours of each phrase through the GIN index (similarity ≥ 0.3, the threshold
  -- set above): split or joined words, typos in longer names, and the candidates for the
  -- edit-distance check below.
  SELECT p.f, p.l, p.c AS pc, a.level, a.code, a.parent_code, a.name_compact AS c
    FROM phrase p
    CROSS JOIN LATERAL (
      SELECT level, code, name_compact, parent_code FROM areas
       WHERE tenant_id = $1 AND level IN ('kecamatan', 'desa') AND sigap_compact(name) % p.c
    ) a
   WHERE p.area_ok AND length(p.c) >= 3
), area_match AS (
  -- A neighbour counts by its trigram similarity from 0.45; or, for a one- or two-word phrase
  -- that names no area exactly, when it is within a Levenshtein distance of 1 (up to 5 letters)
  -- or 2: the slips that break most trigrams of a short name ("gdang", "kesmabi", "plumobn"),
  -- scored 0.9 × the share of letters that needed no edit. levenshtein() refuses strings over
  -- 255 characters: the CASE keeps long junk away from it whatever the evaluation order.
  SELECT f, l, level, code, parent_code, greatest(
           CASE WHEN similarity(c, pc) >= 0.45 THEN similarity(c, pc) ELSE 0 END,
           CASE WHEN l - f <= 1 AND NOT exact AND length(pc) BETWEEN 4 AND 40 AND abs(length(c) - length(pc)) <= 2
                 AND levenshtein_less_equal(c, pc, 2) <= CASE WHEN length(pc) >= 6 THEN 2 ELSE 1 END
                THEN 0.9 * sigap_edit_similarity(c, pc) ELSE 0 END) AS sim
    FROM (SELECT *, bool_or(c = pc) OVER (PARTITION BY f, l) AS exact FROM area_near) n
), area_hit AS (
  SELECT m.level, m.code, NULL::uuid AS place_id,
         CASE WHEN m.level = 'kecamatan' THEN m.code ELSE m.parent_code END AS kec,
         CASE WHEN m.level = 'desa' THEN m.code END AS desa, p.f, p.l, p.h, m.sim,
         EXISTS (SELECT 1 FROM kab WHERE kab.c = p.c) AS kab_word
    FROM area_match m JOIN phrase p ON p.f = m.f AND p.l = m.l
   WHERE m.sim > 0
), place_hit AS (
  SELECT 'place'::text AS level, pl.id::text AS code, pl.id AS place_id, pl.kecamatan_code AS kec,
         pl.desa_code AS desa,
         p.f, p.l, p.h, strict_word_similarity(p.c, pl.search_key) AS sim, false AS kab_word
    FROM phrase p
    CROSS JOIN LATERAL (
      SELECT id, kecamatan_code, desa_code, search_key FROM places
       WHERE tenant_id = $1 AND p.c <<% search_key
    ) pl
   WHERE length(p.c) >= 3
), hit AS MATERIALIZED (
  SELECT * FROM (
    SELECT h.*, row_number() OVER (PARTITION BY h.level = 'place', h.f, h.l ORDER BY h.sim DESC, h.code) AS n
      FROM (SELECT * FROM area_hit UNION ALL SELECT * FROM place_hit) h
  ) ranked_hit WHERE n <= 8
), judged AS (
  SELECT hit.*, hit.sim
    + CASE hit.level WHEN 'kecamatan' THEN -0.1 ELSE 0 END
    + CASE hit.h
        WHEN 'desa' THEN CASE hit.level WHEN 'desa' THEN 0.1 WHEN 'kecamatan' THEN -0.25 ELSE -0.1 END
        WHEN 'kecamatan' THEN CASE hit.level WHEN 'kecamatan' THEN 0.1 ELSE -0.25 END
        WHEN 'kabupaten' THEN CASE hit.level WHEN 'place' THEN 0 ELSE -0.3 END
        WHEN 'dusun' THEN CASE hit.level WHEN 'place' THEN 0 ELSE -0.15 END
        WHEN 'housing' THEN CASE hit.level WHEN 'place' THEN 0 ELSE -0.3 END
        ELSE 0 END
    + CASE WHEN hit.kab_word AND hit.h IS DISTINCT FROM hit.level THEN -0.2 ELSE 0 END
    - CASE WHEN EXISTS (
        SELECT 1 FROM hit o WHERE o.f <= hit.f AND o.l >= hit.l AND o.l - o.f > hit.l - hit.f
                              AND o.sim >= 0.8 AND o.sim >= hit.sim) THEN 0.4 ELSE 0 END
    + 0.25 * coalesce((
        SELECT max(o.sim * CASE WHEN o.kab_word AND o.h IS DISTINCT FROM 'kecamatan' THEN 0.5 ELSE 1 END)
          FROM hit o WHERE hit.level <> 'kecamatan' AND o.level = 'kecamatan' AND o.code = hit.kec
                       AND (o.l < hit.f OR o.f > hit.l)), 0)
    + 0.1 * coalesce((
        SELECT max(o.sim) FROM hit o WHERE hit.level = 'place' AND o.level = 'desa' AND o.code = hit.desa
                                      AND (o.l < hit.f OR o.f > hit.l)), 0)
    - CASE WHEN hit.level <> 'kecamatan' AND EXISTS (
        SELECT 1 FROM hit o WHERE o.level = 'kecamatan' AND o.h = 'kecamatan' AND o.sim >= 0.8
                              AND o.code IS DISTINCT FROM hit.kec AND (o.l < hit.f OR o.f > hit.l)) THEN 0.15 ELSE 0 END
    - CASE WHEN hit.level = 'desa' AND hit.h IS DISTINCT FROM 'desa' AND EXISTS (
        SELECT 1 FROM hit k WHERE k.level = 'kecamatan' AND k.code = hit.kec AND k.f = hit.f AND k.l = hit.l
                              AND k.sim >= 0.8) AND EXISTS (
        SELECT 1 FROM hit o WHERE o.level IN ('desa', 'place') AND o.kec = hit.kec AND o.code <> hit.code
                              AND (o.l < hit.f OR o.f > hit.l)) THEN 0.3 ELSE 0 END
    - CASE WHEN hit.level = 'kecamatan' AND EXISTS (
        SELECT 1 FROM hit o WHERE o.level IN ('desa', 'place') AND o.kec = hit.code
                              AND (o.l < hit.f OR o.f > hit.l)) THEN 0.3 ELSE 0 END
    + 0.02 * (hit.l - hit.f) AS score
    FROM hit
), best AS (
  SELECT DISTINCT ON (level, code) * FROM judged ORDER BY level, code, score DESC, l - f DESC
), ranked AS (
  SELECT best.*, count(*) OVER (PARTITION BY round(score::numeric, 3)) AS ties
    FROM best WHERE score > 0.3
   ORDER BY score DESC, CASE level WHEN 'place' THEN 0 WHEN 'desa' THEN 1 ELSE 2 END, code
   LIMIT $7
)
SELECT r.level, r.score, r.ties, r.kec AS kecamatan_code, r.desa AS desa_code,
       k.name AS kecamatan_name, d.name AS desa_name, pl.name AS place_name, pl.kind AS place_kind,
       ST_X(g.point) AS lon, ST_Y(g.point) AS lat
  FROM ranked r
  LEFT JOIN places pl ON pl.id = r.place_id
  LEFT JOIN areas d ON d.tenant_id = $1 AND d.code = r.desa
  LEFT JOIN areas k ON k.tenant_id = $1 AND k.code = r.kec
  CROSS JOIN LATERAL (
    SELECT CASE r.level WHEN 'place' THEN pl.point WHEN 'desa' THEN d.point ELSE k.point END AS point
  ) g
 ORDER BY r.score DESC, CASE r.level WHEN 'place' THEN 0 WHEN 'desa' THEN 1 ELSE 2 END, r.code`,
    values: [
      tenantId,
      phrases.map((p) => p.compact),
      phrases.map((p) => p.first),
      phrases.map((p) => p.last),
      phrases.map((p) => p.hint),
      phrases.map((p) => p.areaOk),
      limit,
    ],
  };
}

/**
 * Areas at each point: kabupaten, kecamatan and desa boundaries by `ST_Intersects` (GiST), and
 * for points whose desa has no boundary, the nearest desa point (KNN `<->`, GiST) in the same
 * kecamatan — the caller accepts it only within DESA_POINT_RADIUS_M and marks it approximate.
 */
export function areasAtPoints(tenantId: string, points: readonly { lon: number; lat: number }[]): Sql {
  return {
    text: `
WITH pt AS (
  SELECT i, ST_SetSRID(ST_MakePoint(lon, lat), 4326) AS g
    FROM unnest($2::float8[], $3::float8[]) WITH ORDINALITY AS u (lon, lat, i)
), has AS (
  SELECT EXISTS (SELECT 1 FROM areas WHERE tenant_id = $1 AND code = $1 AND boundary IS NOT NULL) AS kab,
         EXISTS (SELECT 1 FROM areas WHERE tenant_id = $1 AND level = 'kecamatan' AND boundary IS NOT NULL) AS kec,
         (SELECT name FROM areas WHERE tenant_id = $1 AND code = $1) AS tenant_name
)
SELECT pt.i, has.kab AS has_kab, has.kec AS has_kec, has.tenant_name,
       kab.code AS kab_code, kab.name AS kab_name, kec.code AS kec_code, kec.name AS kec_name,
       dp.code AS desa_code, dp.name AS desa_name,
       dn.code AS near_code, dn.name AS near_name, dn.parent_code AS near_kec_code,
       dn.kec_name AS near_kec_name, ST_Distance(dn.point::geography, pt.g::geography) AS near_m
  FROM pt CROSS JOIN has
  LEFT JOIN LATERAL (
    SELECT code, name FROM areas
     WHERE tenant_id = $1 AND code = $1 AND boundary IS NOT NULL AND ST_Intersects(boundary, pt.g)
  ) kab ON true
  LEFT JOIN LATERAL (
    SELECT code, name FROM areas
     WHERE tenant_id = $1 AND level = 'kecamatan' AND boundary IS NOT NULL AND ST_Intersects(boundary, pt.g)
     ORDER BY code LIMIT 1
  ) kec ON true
  LEFT JOIN LATERAL (
    SELECT code, name FROM areas
     WHERE tenant_id = $1 AND level = 'desa' AND boundary IS NOT NULL AND ST_Intersects(boundary, pt.g)
     ORDER BY code LIMIT 1
  ) dp ON true
  LEFT JOIN LATERAL (
    SELECT a.code, a.name, a.parent_code, a.point,
           (SELECT name FROM areas p WHERE p.tenant_id = $1 AND p.code = a.parent_code) AS kec_name
      FROM areas a
     WHERE a.tenant_id = $1 AND a.level = 'desa' AND a.point IS NOT NULL AND dp.code IS NULL
       AND (kec.code IS NOT NULL OR NOT has.kec) AND (kec.code IS NULL OR a.parent_code = kec.code)
       AND (kab.code IS NOT NULL OR NOT has.kab)
     ORDER BY a.point <-> pt.g LIMIT 1
  ) dn ON true
 ORDER BY pt.i`,
    values: [tenantId, points.map((p) => p.lon), points.map((p) => p.lat)],
  };
}

/** The tenant's extent (its kabupaten boundary, else all its area geometry), to bound external results. */
export function tenantBbox(tenantId: string): Sql {
  return {
    text: `SELECT ST_XMin(e) AS min_lon, ST_YMin(e) AS min_lat, ST_XMax(e) AS max_lon, ST_YMax(e) AS max_lat
             FROM (SELECT ST_Extent(coalesce(boundary, point)) AS e FROM areas
                    WHERE tenant_id = $1 AND (boundary IS NOT NULL OR point IS NOT NULL)) x
            WHERE e IS NOT NULL`,
    values: [tenantId],
  };
}
