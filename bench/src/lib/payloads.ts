/**
 * Request bodies for intake load: deterministic (the i-th request is always the same) and
 * spread over the regency, so reverse geocoding, the duplicate check and the nearest-unit
 * search see different points, as real calls would.
 */

/** Categories as a call centre sees them: mostly P1 (auto-dispatch may apply) with some P2/P3. */
const CATEGORIES = ['traffic_accident', 'fire', 'medical', 'fallen_tree', 'crime', 'flood', 'power_outage'];

/** The i-th point of a low-discrepancy sequence in the inner part of the regency. */
export function pointAt(i: number): { lon: number; lat: number } {
  const u = (i * 0.618_033_988_75) % 1;
  const v = (i * 0.414_213_562_37) % 1;
  return { lon: round(112.6 + 0.2 * u), lat: round(-7.52 + 0.14 * v) };
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

export function incidentBody(i: number, category = CATEGORIES[i % CATEGORIES.length]!): string {
  return JSON.stringify({
    category,
    description: `Laporan warga nomor ${i}: butuh bantuan segera (bench)`,
    location: { point: pointAt(i), source: 'device_gps', accuracyM: 15 },
    reporter: { name: 'Pelapor Bench', phone: '+6281234567890' },
  });
}
