import autocannon from 'autocannon';
import { incidentBody } from '../lib/payloads.js';
import { serveWorker } from '../lib/worker-child.js';

/** What to send: one fixed GET, intake bodies that differ per request, or GETs cycling over paths. */
export type Load =
  | { kind: 'get'; path: string }
  /** `keys`: API keys used in turn, one per request (each for a tenant of its own). */
  | { kind: 'incidents'; keys?: string[] }
  | { kind: 'paths'; paths: string[] };

export interface ClosedLoopInput {
  url: string;
  headers?: Record<string, string>;
  load: Load;
  connections: number;
  durationSec: number;
  /** Seconds of the same load before measuring (JIT, connection pools, caches). */
  warmupSec: number;
}

export interface ClosedLoopResult {
  /** Successful (2xx) responses per second: errors and non-2xx do not count as throughput. */
  okPerSec: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  p50Ms: number;
  p99Ms: number;
  durationSec: number;
}

/**
 * A closed loop: `connections` clients, each sending its next request when the previous one
 * answered (autocannon), for a fixed time.
 */
async function run(input: ClosedLoopInput): Promise<ClosedLoopResult> {
  if (input.warmupSec > 0) await cannon(input, input.warmupSec);
  const r = await cannon(input, input.durationSec);
  const ok = r['2xx'];
  return {
    okPerSec: ok / r.duration,
    ok,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    durationSec: r.duration,
  };
}

function cannon(input: ClosedLoopInput, durationSec: number) {
  let n = 0;
  const { load } = input;
  const request: autocannon.Request =
    load.kind === 'get'
      ? { method: 'GET', path: load.path }
      : load.kind === 'paths'
        ? {
            method: 'GET',
            setupRequest: (req) => ({ ...req, path: load.paths[n++ % load.paths.length]! }),
          }
        : {
            method: 'POST',
            path: '/v1/incidents',
            setupRequest: (req) => {
              const i = n++;
              const key = load.keys?.[i % load.keys.length];
              return {
                ...req,
                body: incidentBody(i),
                headers: key ? { ...req.headers, authorization: `Bearer ${key}` } : req.headers,
              };
            },
          };
  return autocannon({
    url: input.url,
    connections: input.connections,
    duration: durationSec,
    timeout: 10,
    headers: { 'content-type': 'application/json', ...input.headers },
    requests: [request],
  });
}

serveWorker({ run });
