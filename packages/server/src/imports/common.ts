import { isDatabaseUnavailable, type Queryable } from '../db/index.js';

export type ImportKind = 'areas' | 'places' | 'units';

/** What an import did, feature by feature where something needs saying. */
export interface ImportSummary {
  kind: ImportKind;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  /** Each rejected feature: its index in the file and why. */
  rejections: { index: number; reason: string }[];
  /** Invalid polygons that were repaired with ST_MakeValid (and imported): index and ST_IsValidReason. */
  repaired: { index: number; reason: string }[];
}

export function emptySummary(kind: ImportKind): ImportSummary {
  return { kind, inserted: 0, updated: 0, unchanged: 0, rejected: 0, rejections: [], repaired: [] };
}

/** A feature that cannot be imported; the message says why in words an operator can act on. */
export class Rejected extends Error {}

export function reject(summary: ImportSummary, index: number, reason: string): void {
  summary.rejected++;
  summary.rejections.push({ index, reason: reason.slice(0, 500) });
}

export function count(summary: ImportSummary, outcome: 'inserted' | 'updated' | 'unchanged'): void {
  summary[outcome]++;
}

/**
 * Runs one feature's statements in a savepoint: a statement PostGIS refuses (an unreadable
 * geometry) rejects that feature only, and the file's transaction goes on. Database outages
 * are not a feature's fault and abort the whole import.
 */
export async function perFeature<T>(tx: Queryable, fn: () => Promise<T>): Promise<T> {
  await tx.exec('SAVEPOINT sigap_import_feature');
  try {
    const result = await fn();
    await tx.exec('RELEASE SAVEPOINT sigap_import_feature');
    return result;
  } catch (error) {
    await tx.exec('ROLLBACK TO SAVEPOINT sigap_import_feature');
    if (error instanceof Rejected || isDatabaseUnavailable(error) || !(error instanceof Error)) throw error;
    throw new Rejected(`the database refused it: ${error.message}`);
  }
}

/** The first non-empty text among the given property names (files spell them differently). */
export function text(props: Record<string, unknown>, ...names: string[]): string | null {
  for (const name of names) {
    const value = props[name];
    if (typeof value === 'string' && value.trim()) return value.trim();
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  }
  return null;
}

/** A list property: a JSON array, or text separated by ';' or '|' (CSV cells). */
export function list(props: Record<string, unknown>, ...names: string[]): string[] {
  for (const name of names) {
    const value = props[name];
    if (Array.isArray(value))
      return value.filter((v): v is string => typeof v === 'string' && v.trim() !== '');
    if (typeof value === 'string' && value.trim()) {
      return value
        .split(/[;|]/)
        .map((v) => v.trim())
        .filter(Boolean);
    }
  }
  return [];
}

/** Indonesia with a margin: a point outside has its longitude and latitude swapped, or is not ours. */
const INDONESIA = { minLon: 94, maxLon: 142, minLat: -11.5, maxLat: 6.5 };

type Position = [number, number];

/**
 * Checks a GeoJSON geometry's shape before PostGIS sees it, so the common mistakes get plain
 * messages: a wrong type, a position that is not [lon, lat], coordinates outside Indonesia
 * (usually swapped), an unclosed or too short ring. Returns the geometry as JSON text.
 */
export function checkGeometry(geometry: unknown, allowed: readonly string[]): string {
  const g = geometry as { type?: unknown; coordinates?: unknown } | null;
  if (!g || typeof g !== 'object') throw new Rejected('has no geometry');
  if (typeof g.type !== 'string' || !allowed.includes(g.type)) {
    throw new Rejected(
      `geometry type ${String(g.type)} is not allowed here (allowed: ${allowed.join(', ')})`,
    );
  }
  const depth = { Point: 0, LineString: 1, MultiLineString: 2, Polygon: 2, MultiPolygon: 3 }[g.type];
  if (depth === undefined) throw new Rejected(`geometry type ${g.type} is not supported`);
  const polygonal = g.type === 'Polygon' || g.type === 'MultiPolygon';
  const visit = (value: unknown, level: number, path: string): void => {
    if (level === 0) {
      position(value, path);
      return;
    }
    if (!Array.isArray(value) || value.length === 0)
      throw new Rejected(`coordinates${path} are empty or not a list`);
    for (const [i, child] of value.entries()) visit(child, level - 1, `${path}[${i}]`);
    if (level === 1 && polygonal) ring(value as Position[], path);
    if (level === 1 && value.length < 2) throw new Rejected(`line${path} needs at least 2 positions`);
  };
  visit(g.coordinates, depth, '');
  return JSON.stringify({ type: g.type, coordinates: g.coordinates });
}

function position(value: unknown, path: string): void {
  if (
    !Array.isArray(value) ||
    value.length < 2 ||
    !value.every((n) => typeof n === 'number' && Number.isFinite(n))
  ) {
    throw new Rejected(`position${path} is not [longitude, latitude]`);
  }
  const [lon, lat] = value as Position;
  if (lon < INDONESIA.minLon || lon > INDONESIA.maxLon || lat < INDONESIA.minLat || lat > INDONESIA.maxLat) {
    throw new Rejected(
      `position${path} [${lon}, ${lat}] is outside Indonesia (GeoJSON is [longitude, latitude]: swapped?)`,
    );
  }
}

function ring(positions: Position[], path: string): void {
  if (positions.length < 4)
    throw new Rejected(`ring${path} has ${positions.length} positions; a ring needs at least 4`);
  const first = positions[0]!;
  const last = positions[positions.length - 1]!;
  if (first[0] !== last[0] || first[1] !== last[1]) {
    throw new Rejected(`ring${path} is not closed (its last position must repeat the first)`);
  }
}

/** Official names are joined ("Lemahputro"); files may write "Kel. Lemah Putro". Compared compact. */
export function sameAreaName(given: string, official: string): boolean {
  const compact = (s: string) =>
    s
      .normalize('NFKD')
      .replace(/\p{M}+/gu, '')
      .toLowerCase()
      .replace(/\b(desa|ds|kelurahan|kel|kecamatan|kec|kabupaten|kab|kota)\b\.?/g, '')
      .replace(/[^a-z0-9]+/g, '');
  const a = compact(given);
  const b = compact(official);
  return a === b || (a.length >= 3 && b.includes(a)) || (b.length >= 3 && a.includes(b));
}
