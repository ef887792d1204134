import type { Db } from '../db/index.js';
import { withTenant } from '../db/tenant.js';
import { type AreaImportOptions, importAreas } from './areas.js';
import type { ImportKind, ImportSummary } from './common.js';
import { importPlaces } from './places.js';
import { type ImportFeature, ImportFileError, readImportFile } from './read.js';
import { importUnits, type UnitImportOptions } from './units.js';

export { importAreas } from './areas.js';
export type { ImportKind, ImportSummary } from './common.js';
export { importPlaces } from './places.js';
export { featuresFromCsv, featuresFromGeoJson, ImportFileError, readImportFile } from './read.js';
export { importUnits } from './units.js';

export const IMPORT_KINDS: readonly ImportKind[] = ['areas', 'places', 'units'];

export interface ImportOptions extends AreaImportOptions, UnitImportOptions {
  /** For places: who supplied them (default: the file name). */
  source?: string;
  /** Do everything, report it, and roll back. */
  dryRun?: boolean;
}

class DryRun extends Error {
  constructor(readonly summary: ImportSummary) {
    super('dry run');
  }
}

/**
 * Imports one file's features for one tenant in ONE transaction, acting as that tenant (row-level
 * security on), so an import can neither half-apply nor touch another tenant. Rejected features
 * are skipped and listed; the others are applied.
 *
 * @example
 * const summary = await runImport(db, 'places', '35.15', await readImportFile('places.geojson'), { source: 'osm' });
 * // → { kind: 'places', inserted: 120, updated: 0, unchanged: 0, rejected: 1, rejections: [...], repaired: [] }
 */
export async function runImport(
  db: Db,
  kind: ImportKind,
  tenantId: string,
  features: readonly ImportFeature[],
  options: ImportOptions = {},
): Promise<ImportSummary> {
  try {
    return await withTenant(db, tenantId, async (tx) => {
      const { rowCount } = await tx.query('SELECT 1 FROM tenants WHERE id = $1', [tenantId]);
      if (rowCount === 0) throw new ImportFileError(`there is no tenant ${tenantId}`);
      const summary =
        kind === 'areas'
          ? await importAreas(tx, tenantId, features, options)
          : kind === 'places'
            ? await importPlaces(tx, tenantId, features, { source: options.source ?? 'import' })
            : await importUnits(tx, tenantId, features, options);
      if (options.dryRun) throw new DryRun(summary);
      return summary;
    });
  } catch (error) {
    if (error instanceof DryRun) return error.summary;
    throw error;
  }
}

/** Reads `path` and imports it: what `sigap import <kind> <path>` does. */
export async function importFile(
  db: Db,
  kind: ImportKind,
  tenantId: string,
  path: string,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  const source =
    options.source ??
    path
      .split(/[\\/]/)
      .pop()!
      .replace(/\.[^.]+$/, '');
  return runImport(db, kind, tenantId, await readImportFile(path), { ...options, source });
}

/** The summary as the CLI prints it: one line per rejected or repaired feature, then the totals. */
export function formatSummary(summary: ImportSummary, label: string): string {
  const lines: string[] = [];
  for (const r of summary.repaired) lines.push(`  feature ${r.index}: repaired (${r.reason})`);
  for (const r of summary.rejections) lines.push(`  feature ${r.index}: rejected: ${r.reason}`);
  lines.push(
    `${label}: ${summary.inserted} inserted, ${summary.updated} updated, ${summary.unchanged} unchanged, ` +
      `${summary.rejected} rejected${summary.repaired.length ? ` (${summary.repaired.length} repaired)` : ''}`,
  );
  return lines.join('\n');
}
