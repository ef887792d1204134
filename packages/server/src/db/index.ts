import type { Config } from '../config.js';
import type { Db } from './types.js';

export type { Backend, Capabilities, Db, Queryable, QueryResult } from './types.js';
export { DatabaseUnavailableError, isDatabaseUnavailable } from './types.js';

/** Opens the backend the configuration names; each backend is loaded only when used. */
export async function openDatabase(database: Config['database']): Promise<Db> {
  if (database.backend === 'postgres') {
    const { openPostgresDb } = await import('./postgres.js');
    return openPostgresDb(database);
  }
  const { openEmbeddedDb } = await import('./embedded.js');
  return openEmbeddedDb(database.dataDir);
}
