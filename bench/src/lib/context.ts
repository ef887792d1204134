import type { DemoKeys } from './database.js';
import type { Plan } from './plan.js';
import type { Backend, SigapProcess } from './sigap.js';

/** What every benchmark of one backend gets. */
export interface Context {
  backend: Backend;
  plan: Plan;
  server: SigapProcess;
  keys: DemoKeys;
  /** The bench database (PostgreSQL only): the fan-out writer commits into it directly. */
  database: { name: string; url: string } | null;
  pgbenchPath: string | null;
  /** pgbench tps by client count from the PostgreSQL phase; the embedded rows compare with them too. */
  pgbenchTps: Map<number, number>;
  /** The intake replay script (lib/intake-replay.ts), captured on the PostgreSQL phase's database. */
  replayScript: string | null;
  /** Its tps by client count from the PostgreSQL phase; the embedded rows are compared with them. */
  replayTps: Map<number, number>;
  /** Call-taker keys of copies of the demo tenant: intake spread over tenants (a diagnostic). */
  spreadKeys: string[];
}

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
