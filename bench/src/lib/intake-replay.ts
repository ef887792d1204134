import { incidentBody, pointAt } from './payloads.js';
import { buildApp, type Db, loadConfig, type Queryable } from './server-internals.js';

/**
 * The fair baseline for intake (issue 16): pgbench replaying, one transaction per request,
 * exactly the statements one `POST /v1/incidents` sends — captured from the server itself, in
 * this process, on the bench database, with the same tables, indexes, triggers, row-level
 * security and role switches. Only HTTP, JSON, validation and Node are missing, so
 * intake ÷ replay says how much of the database's capacity the server keeps, and what the
 * server's own path (not the SQL) costs.
 *
 * The point of each request and the ids the statements hand to each other (the new incident's
 * id and number, a returned seq) become pgbench variables (`\gset`); every other value is
 * inlined as the literal the `pg` driver would have sent.
 */
export interface CapturedStatement {
  text: string;
  values: unknown[];
  /** The first row the statement returned, and how many rows there were. */
  firstRow: Record<string, unknown> | undefined;
  rowCount: number;
}

/** Records every statement sent through `db` while `recording` is on, BEGIN/COMMIT included. */
function recordingDb(db: Db): { db: Db; start(): void; stop(): CapturedStatement[] } {
  let log: CapturedStatement[] | null = null;
  const wrap = (q: Queryable): Queryable => ({
    async query<R = Record<string, unknown>>(text: string, values?: readonly unknown[]) {
      const result = await q.query<R>(text, values);
      log?.push({
        text,
        values: [...(values ?? [])],
        firstRow: result.rows[0] as Record<string, unknown> | undefined,
        rowCount: result.rows.length,
      });
      return result;
    },
    exec: (sql) => q.exec(sql),
  });
  const marker = (text: string) => log?.push({ text, values: [], firstRow: undefined, rowCount: 0 });
  const wrapped: Db = Object.assign(Object.create(db) as Db, {
    query: wrap(db).query,
    transaction: <T>(fn: (tx: Queryable) => Promise<T>) =>
      db.transaction(async (tx) => {
        marker('BEGIN');
        const out = await fn(wrap(tx));
        marker('COMMIT');
        return out;
      }),
  });
  return {
    db: wrapped,
    start: () => {
      log = [];
    },
    stop: () => {
      const out = log ?? [];
      log = null;
      return out;
    },
  };
}

/**
 * Sends two intakes through the real application on `db` (the first warms it) and returns the
 * statements of the second. Key look-ups are included: every request pays for one.
 */
export async function captureIntake(db: Db, callTakerKey: string): Promise<CapturedStatement[]> {
  const recorder = recordingDb(db);
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    DATABASE_URL: 'postgres://unused@127.0.0.1/bench',
    RATE_LIMIT_PER_MINUTE: '1000000',
    MAX_EVENT_LOOP_DELAY_MS: '0',
    SLA_CHECK_INTERVAL_MS: '0',
  });
  const app = await buildApp({
    config,
    db: recorder.db,
    capabilities: await db.detectCapabilities(),
    logger: false,
  });
  try {
    const send = async (i: number) => {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/incidents',
        headers: { authorization: `Bearer ${callTakerKey}`, 'content-type': 'application/json' },
        payload: incidentBody(i),
      });
      if (res.statusCode !== 201) throw new Error(`capturing intake: ${res.statusCode} ${res.body}`);
    };
    await send(REPLAY_SAMPLE - 1);
    recorder.start();
    await send(REPLAY_SAMPLE);
    return recorder.stop();
  } finally {
    await app.close();
  }
}

/** The request whose statements are replayed (its point is where the variables go). */
const REPLAY_SAMPLE = 7;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The SQL literal for a value, serialised as the `pg` driver serialises parameters. */
function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  const quote = (text: string) => `'${text.replace(/'/g, "''")}'`;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return quote(value.toISOString());
  if (value instanceof Uint8Array) return quote(`\\x${Buffer.from(value).toString('hex')}`);
  if (Array.isArray(value)) {
    const items = value.map((v) => (v === null ? 'NULL' : `"${String(v).replace(/(["\\])/g, '\\$1')}"`));
    return quote(`{${items.join(',')}}`);
  }
  if (typeof value === 'object') return quote(JSON.stringify(value));
  return quote(String(value));
}

/**
 * A pgbench script (simple protocol) for the captured statements: the point is random within
 * the same box as the HTTP load's, ids returned by one statement and sent to a later one are
 * carried through `\gset`. Throws when a value repeats that would collide across transactions.
 */
export function replayScript(statements: CapturedStatement[]): string {
  const point = pointAt(REPLAY_SAMPLE);
  const produced = new Map<string, string>(); // value -> variable
  const lines = [
    '\\set lon 112.6 + 0.2 * random(0, 999999) / 1000000.0',
    '\\set lat -7.52 + 0.14 * random(0, 999999) / 1000000.0',
  ];
  statements.forEach((s, index) => {
    // One line per statement: drop `--` comments first (before any literal is inlined).
    const text = s.text
      .split('\n')
      .map((l) => l.replace(/--.*$/, ''))
      .join('\n');
    const sql = text.replace(/\$(\d+)/g, (_, n: string) => {
      const value = s.values[Number(n) - 1];
      if (value === point.lon) return ':lon';
      if (value === point.lat) return ':lat';
      const carried = typeof value === 'string' ? produced.get(value) : undefined;
      if (carried) return `':${carried}'`;
      return literal(value);
    });
    // pgbench scripts are one statement per line unless a line ends the command with ';'.
    const line = `${sql
      .replace(/\s*\n\s*/g, ' ')
      .trim()
      .replace(/;$/, '')}`;
    const later = statements.slice(index + 1).flatMap((l) => l.values);
    if (s.rowCount === 1 && s.firstRow) {
      // Only strings (ids, incident numbers) are carried: a count or a flag that happens to
      // equal a later parameter is a coincidence, not a hand-over.
      const used = Object.entries(s.firstRow).filter(([, v]) => typeof v === 'string' && later.includes(v));
      if (used.length > 0) {
        const prefix = `r${index}_`;
        for (const [column, v] of used) produced.set(String(v), `${prefix}${column}`);
        lines.push(`${line} \\gset ${prefix}`);
        return;
      }
    }
    lines.push(`${line};`);
  });
  // A JS-made id inlined as a literal would repeat in every transaction: refuse to measure that.
  for (const s of statements)
    for (const v of s.values)
      if (typeof v === 'string' && UUID.test(v) && !produced.has(v) && isFresh(v, statements))
        throw new Error(`replay: ${v} is made per request outside SQL; the script cannot vary it`);
  return `${lines.join('\n')}\n`;
}

/** An id that first appears as a parameter (not read from the database) in the captured request. */
function isFresh(id: string, statements: CapturedStatement[]): boolean {
  const firstUse = statements.findIndex((s) => s.values.includes(id));
  const readBefore = statements
    .slice(0, Math.max(0, firstUse + 1))
    .some((s) => s.firstRow && Object.values(s.firstRow).includes(id));
  return !readBefore;
}
