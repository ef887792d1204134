import pg from 'pg';
import { pointAt } from '../lib/payloads.js';
import { nowMs, sleep } from '../lib/stats.js';
import { serveWorker } from '../lib/worker-child.js';

/**
 * Commits incidents with their `incident.created` event straight into PostgreSQL, at a fixed
 * rate, the way the server's intake transaction does (gapless seq from the tenant's counter,
 * the event in the same transaction, NOTIFY on commit). This isolates the live fan-out: the
 * server under test only reads and delivers. Returns when each seq was committed.
 */
async function run(input: {
  databaseUrl: string;
  tenantId: string;
  rate: number;
  durationSec: number;
  tag: string;
}) {
  const client = new pg.Client({ connectionString: input.databaseUrl });
  await client.connect();
  const total = Math.round(input.rate * input.durationSec);
  const commits: [number, number][] = [];
  const start = nowMs() + 20;
  try {
    for (let i = 0; i < total; i++) {
      const due = start + (i * 1000) / input.rate;
      while (nowMs() < due) await sleep(Math.max(0, Math.min(1, due - nowMs())));
      const point = pointAt(900_000 + i);
      const number = `SDA-F${input.tag}-${i}`;
      const description = `Ular masuk rumah warga (bench fan-out ${i})`;
      const payload = {
        number,
        status: 'verified',
        category: 'animal_rescue',
        priority: 'P2',
        description,
        condition: {},
        location: { point, source: 'device_gps', accuracyM: 15 },
        reporter: { name: 'Pelapor Bench', phone: '+6281234567890' },
        externalRefs: {},
      };
      await client.query('BEGIN');
      const { rows } = await client.query<{ seq: string }>(
        `WITH next AS (
           INSERT INTO tenant_counters (tenant_id, name, value) VALUES ($1, 'events', 1)
           ON CONFLICT (tenant_id, name) DO UPDATE SET value = tenant_counters.value + 1
           RETURNING value
         ), inc AS (
           INSERT INTO incidents (tenant_id, number, status, category, priority, description, location,
                                  location_source, location_accuracy_m, reporter_name, reporter_phone, last_seq)
           SELECT $1, $2, 'verified', 'animal_rescue', 'P2', $3,
                  ST_SetSRID(ST_MakePoint($4, $5), 4326)::geography, 'device_gps', 15, 'Pelapor Bench',
                  '+6281234567890', next.value
             FROM next RETURNING id, last_seq
         )
         INSERT INTO events (tenant_id, seq, type, incident_id, actor, payload)
         SELECT $1, inc.last_seq, 'incident.created', inc.id,
                '{"keyId":null,"role":"call_taker","name":"Bench call taker"}'::jsonb, $6::jsonb
           FROM inc RETURNING seq`,
        [input.tenantId, number, description, point.lon, point.lat, JSON.stringify(payload)],
      );
      const seq = Number(rows[0]!.seq);
      await client.query('SELECT pg_notify($1, $2)', ['sigap_events', `${input.tenantId}:${seq}`]);
      await client.query('COMMIT');
      commits.push([seq, nowMs()]);
    }
  } finally {
    await client.end();
  }
  return { sendTimes: commits, achievedPerSec: total / ((nowMs() - start) / 1000) };
}

serveWorker({ run });
