import type { Config } from '../config.js';
import { openDatabase } from '../db/index.js';
import { migrate } from '../db/migrate.js';
import type { ImportKind } from './common.js';
import { formatSummary, IMPORT_KINDS, ImportFileError, importFile } from './index.js';

export const IMPORT_USAGE =
  '  import areas|places|units <file> --tenant CODE [--source NAME] [--no-repair] [--move-units] [--dry-run]\n' +
  '                              import GeoJSON (or CSV with lon/lat columns) into a tenant';

export interface ImportCommandOptions {
  tenant?: string;
  source?: string;
  'no-repair'?: boolean;
  'move-units'?: boolean;
  'dry-run'?: boolean;
}

/** Exit codes as in cli.ts: 64 bad usage; 65 (EX_DATAERR) when some features were rejected. */
const EXIT_USAGE = 64;
const EXIT_DATAERR = 65;

/**
 * `sigap import <kind> <file> --tenant 35.15`: one transaction per file, a summary line, and one
 * line per rejected or repaired feature. Returns the process exit code.
 */
export async function importCommand(
  config: Config,
  args: readonly string[],
  options: ImportCommandOptions,
): Promise<number> {
  const [kind, file] = args;
  if (!kind || !IMPORT_KINDS.includes(kind as ImportKind) || !file || args.length > 2) {
    console.error(`sigap: usage:\n${IMPORT_USAGE}`);
    return EXIT_USAGE;
  }
  if (!options.tenant || !/^[0-9]{2}\.[0-9]{2}$/.test(options.tenant)) {
    console.error('sigap: import needs --tenant with a Kemendagri regency code such as 35.15');
    return EXIT_USAGE;
  }
  const db = await openDatabase(config.database);
  try {
    await migrate(db);
    const summary = await importFile(db, kind as ImportKind, options.tenant, file, {
      source: options.source,
      repair: !options['no-repair'],
      moveUnits: options['move-units'],
      dryRun: options['dry-run'],
    });
    const label = `${kind} from ${file} into ${options.tenant}${options['dry-run'] ? ' (dry run, nothing saved)' : ''}`;
    console.log(formatSummary(summary, label));
    return summary.rejected > 0 ? EXIT_DATAERR : 0;
  } catch (error) {
    if (error instanceof ImportFileError) {
      console.error(`sigap: ${file}: ${error.message}`);
      return EXIT_DATAERR;
    }
    throw error;
  } finally {
    await db.close();
  }
}
