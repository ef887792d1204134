import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parseCsv } from './csv.js';

/** One feature of an import file, numbered from 0 as in the file (CSV: data rows from 0). */
export interface ImportFeature {
  index: number;
  properties: Record<string, unknown>;
  geometry: unknown;
}

/** The file as a whole cannot be read: nothing is imported. */
export class ImportFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportFileError';
  }
}

const LON_COLUMNS = ['lon', 'lng', 'long', 'longitude', 'x', 'bujur'];
const LAT_COLUMNS = ['lat', 'latitude', 'y', 'lintang'];

/** Reads a GeoJSON FeatureCollection (.geojson, .json) or a CSV with lon/lat columns (.csv). */
export async function readImportFile(path: string): Promise<ImportFeature[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ImportFileError(`cannot read ${path}: ${(error as Error).message}`);
  }
  return extname(path).toLowerCase() === '.csv' ? featuresFromCsv(text) : featuresFromGeoJson(text);
}

export function featuresFromGeoJson(text: string): ImportFeature[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new ImportFileError(`not valid JSON: ${(error as Error).message}`);
  }
  const fc = doc as { type?: unknown; features?: unknown };
  if (fc?.type !== 'FeatureCollection' || !Array.isArray(fc.features)) {
    throw new ImportFileError(
      'not a GeoJSON FeatureCollection (expected {"type": "FeatureCollection", "features": [...]})',
    );
  }
  return fc.features.map((f: unknown, index) => {
    const feature = (f ?? {}) as { properties?: unknown; geometry?: unknown };
    const properties =
      feature.properties && typeof feature.properties === 'object' && !Array.isArray(feature.properties)
        ? (feature.properties as Record<string, unknown>)
        : {};
    return { index, properties, geometry: feature.geometry ?? null };
  });
}

/** CSV rows become Point features; a row without a usable lon/lat gets no geometry (and is rejected). */
export function featuresFromCsv(text: string): ImportFeature[] {
  const [header, ...rows] = parseCsv(text);
  if (!header) throw new ImportFileError('the CSV file is empty');
  const names = header.map((h) => h.trim().toLowerCase());
  const lonAt = names.findIndex((n) => LON_COLUMNS.includes(n));
  const latAt = names.findIndex((n) => LAT_COLUMNS.includes(n));
  if (lonAt < 0 || latAt < 0) {
    throw new ImportFileError(
      `the CSV file needs a lon and a lat column; its columns are: ${names.join(', ')}`,
    );
  }
  return rows.map((row, index) => {
    const properties: Record<string, unknown> = {};
    names.forEach((name, i) => {
      const value = row[i]?.trim();
      if (i !== lonAt && i !== latAt && value) properties[name] = value;
    });
    // A decimal comma ("112,72") is how Indonesian spreadsheets write numbers.
    const lon = Number(row[lonAt]?.trim().replace(',', '.') || Number.NaN);
    const lat = Number(row[latAt]?.trim().replace(',', '.') || Number.NaN);
    const geometry =
      Number.isFinite(lon) && Number.isFinite(lat) ? { type: 'Point', coordinates: [lon, lat] } : null;
    return { index, properties, geometry };
  });
}
