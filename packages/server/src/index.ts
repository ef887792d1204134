export { type BuildAppOptions, buildApp } from './app.js';
export { type Config, ConfigError, loadConfig } from './config.js';
export type { Capabilities, Db, Queryable } from './db/index.js';
export { openDatabase } from './db/index.js';
export { migrate, migrationStatus } from './db/migrate.js';
export { type RunningServer, startServer } from './server.js';
