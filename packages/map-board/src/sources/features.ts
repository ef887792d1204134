/**
 * GeoJSON for the map, made from the board's state: plain functions, tested in Node. Geometry
 * is Turf's (bounds, a label point inside each kecamatan), not hand-written.
 */
import { bbox } from '@turf/bbox';
import { featureCollection, lineString, point } from '@turf/helpers';
import { pointOnFeature } from '@turf/point-on-feature';
import type { Feature, FeatureCollection, Geometry, LineString, Point } from 'geojson';
import { ACTIVE_ASSIGNMENT_STATUSES, type Incident, type Unit } from '../state/model.js';

export type BBox = [number, number, number, number];

export interface IncidentProps {
  id: string;
  number: string;
  priority: Incident['priority'];
  category: string;
  status: Incident['status'];
}

/**
 * An incident as a map feature (`null` without a point: it is listed, not drawn).
 *
 * @example
 * incidentFeature(incident)?.properties.priority; // 'P1'
 */
export function incidentFeature(incident: Incident): Feature<Point, IncidentProps> | null {
  const p = incident.location.point;
  if (!p) return null;
  return point(
    [p.lon, p.lat],
    {
      id: incident.id,
      number: incident.number,
      priority: incident.priority,
      category: incident.category,
      status: incident.status,
    },
    { id: incident.id },
  );
}

export interface UnitProps {
  id: string;
  code: string;
  status: Unit['status'];
  agencyType: string;
}

export function unitFeature(unit: Unit): Feature<Point, UnitProps> {
  return point(
    [unit.location.lon, unit.location.lat],
    { id: unit.id, code: unit.code, status: unit.status, agencyType: unit.agencyType },
    { id: unit.id },
  );
}

/**
 * One line per active assignment with a unit: from the unit to the incident.
 *
 * @example
 * source.setData(assignmentLines(state.incidents.values(), state.units));
 */
export function assignmentLines(
  incidents: Iterable<Incident>,
  units: ReadonlyMap<string, Unit>,
): FeatureCollection<LineString, { incidentId: string; unitId: string; status: string }> {
  const lines: Feature<LineString, { incidentId: string; unitId: string; status: string }>[] = [];
  for (const incident of incidents) {
    const to = incident.location.point;
    if (!to) continue;
    for (const a of incident.assignments) {
      if (!a.unitId || !ACTIVE_ASSIGNMENT_STATUSES.has(a.status)) continue;
      const unit = units.get(a.unitId);
      if (!unit) continue;
      lines.push(
        lineString(
          [
            [unit.location.lon, unit.location.lat],
            [to.lon, to.lat],
          ],
          { incidentId: incident.id, unitId: unit.id, status: a.status },
          { id: a.id },
        ),
      );
    }
  }
  return featureCollection(lines);
}

/**
 * A label point for each area: a point guaranteed inside the polygon (a centroid can fall
 * outside a crescent-shaped kecamatan).
 *
 * @example
 * map.getSource('area-labels').setData(areaLabelPoints(kecamatan));
 */
export function areaLabelPoints(
  areas: FeatureCollection<Geometry | null, { code?: unknown; name?: unknown }>,
): FeatureCollection<Point, { code: string; name: string }> {
  const out: Feature<Point, { code: string; name: string }>[] = [];
  for (const f of areas.features) {
    if (!f.geometry) continue;
    const name = typeof f.properties?.name === 'string' ? f.properties.name : '';
    const code = typeof f.properties?.code === 'string' ? f.properties.code : '';
    if (!name) continue;
    const at = pointOnFeature(f as Feature<Geometry>);
    out.push(point(at.geometry.coordinates, { code, name }));
  }
  return featureCollection(out);
}

/**
 * Area names by code (`35.15.13` → `Taman`), for the panel.
 *
 * @example
 * areaNames(kecamatan).get('35.15.13'); // 'Taman'
 */
export function areaNames(areas: FeatureCollection<Geometry | null, { code?: unknown; name?: unknown }>) {
  const names = new Map<string, string>();
  for (const f of areas.features) {
    const { code, name } = f.properties ?? {};
    if (typeof code === 'string' && typeof name === 'string') names.set(code, name);
  }
  return names;
}

/**
 * Where the board looks when it starts: the tenant's extent from `GET /v1/tenant`, else the
 * extent of its areas, else of the incidents and units on the board; `null` when nothing
 * is known yet.
 *
 * @example
 * const b = boardBounds(tenant.bbox, areas, []);
 * if (b) map.fitBounds(b, { padding: 40 });
 */
export function boardBounds(
  tenantBbox: readonly number[] | null | undefined,
  areas: FeatureCollection | null,
  points: Feature<Point>[],
): BBox | null {
  if (tenantBbox && tenantBbox.length === 4 && tenantBbox.every(Number.isFinite))
    return [...tenantBbox] as BBox;
  for (const fc of [areas, points.length > 0 ? featureCollection(points) : null]) {
    if (!fc || fc.features.length === 0) continue;
    const b = bbox(fc) as number[];
    if (b.every(Number.isFinite)) return [b[0]!, b[1]!, b[2]!, b[3]!];
  }
  return null;
}
