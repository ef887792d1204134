import { join } from 'node:path';
import type { Queryable } from '../db/index.js';
import { dataDir } from '../paths.js';
import { importPlaces } from './places.js';
import { readImportFile } from './read.js';

/**
 * The demo tenant's places (landmarks, markets, housing estates, streets of Kabupaten Sidoarjo;
 * approximate, see the demo README), imported like any file. The demo data must be clean: any
 * rejected feature is a bug in the file, so it fails loudly.
 */
export async function loadDemoPlaces(tx: Queryable, tenantId: string): Promise<void> {
  const features = await readImportFile(join(dataDir, 'demo/sidoarjo/places.geojson'));
  const summary = await importPlaces(tx, tenantId, features, { source: 'demo' });
  if (summary.rejected > 0) {
    const first = summary.rejections[0]!;
    throw new Error(`demo places.geojson: feature ${first.index} rejected: ${first.reason}`);
  }
}
