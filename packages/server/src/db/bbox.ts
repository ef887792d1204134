/**
 * A `minLon,minLat,maxLon,maxLat` box as a geography for `&&` against an indexed geography
 * column. Geography edges are great-circle arcs: an envelope edge spanning 180° of longitude
 * (`-180,-90,180,90`) joins antipodal points and PostGIS refuses it ("Antipodal edge
 * detected"), and any wide edge bends away from its parallel. Segmentizing the envelope in
 * degrees first keeps every edge short, so any box inside WGS 84 bounds is accepted, and the
 * box keeps close to the parallels the client meant.
 *
 * The arguments are SQL placeholders (e.g. `$3`), in bbox order.
 */
export function bboxGeography(minLon: string, minLat: string, maxLon: string, maxLat: string): string {
  return `ST_Segmentize(ST_MakeEnvelope(${minLon}, ${minLat}, ${maxLon}, ${maxLat}, 4326), 1)::geography`;
}
