/**
 * Server code the bench calls as a library: to migrate and seed a database before the server
 * process starts (the embedded database can only be opened by one process at a time, so bulk
 * data must be in place before `serve`), and to time the recommendation query exactly as the
 * server runs it. Imported from the sources (tsx compiles them); the server under load is
 * always the built CLI in its own process.
 */
export { buildApp, loadConfig, migrate, openDatabase } from '@sigap/server';
export type { Db, Queryable } from '../../../packages/server/src/db/index.js';
export { withTenant } from '../../../packages/server/src/db/tenant.js';
export { recommendUnits } from '../../../packages/server/src/dispatch/recommend.js';
export { straightLine } from '../../../packages/server/src/dispatch/travel-time/straight-line.js';
export { DEMO_TENANT_ID, ensureDemoTenant } from '../../../packages/server/src/tenants/demo.js';
export { createApiKey, createTenant } from '../../../packages/server/src/tenants/provision.js';
