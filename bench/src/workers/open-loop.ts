import http from 'node:http';
import { incidentBody } from '../lib/payloads.js';
import { nowMs, type Summary, sleep, summarize } from '../lib/stats.js';
import { serveWorker } from '../lib/worker-child.js';

export interface OpenLoopInput {
  url: string;
  headers: Record<string, string>;
  /** Requests per second, sent on schedule whether or not earlier ones have answered. */
  rate: number;
  durationSec: number;
  /** Start numbering bodies here, so two runs do not send the same incidents. */
  firstIndex: number;
  /** Intake category; P2/P3 categories are never auto-dispatched (one event per incident). */
  category?: string;
  /** After the last request is sent, wait at most this long for answers; the rest count as failed. */
  maxWaitSec?: number;
  /** Return when each created incident's event was answered (for the fan-out writer). */
  collectSeq?: boolean;
  /** GET this path (200 = answered) instead of posting incidents (a neighbour's reads). */
  getPath?: string;
  /** Connect from this local address (e.g. 127.0.0.2: another client than the one under test). */
  localAddress?: string;
}

export interface OpenLoopResult {
  /** From the moment the request was due to the end of the response (includes any client-side wait). */
  latency: Summary;
  sent: number;
  ok: number;
  failed: number;
  achievedPerSec: number;
  /** seq of each incident's last event → when its 201 arrived (ms, wall clock). */
  seqTimes: [number, number][];
}

/**
 * An open loop at a fixed rate: request i is due at start + i/rate. Latency is measured from
 * when it was due, not when it could be sent, so a slow server cannot hide its queueing by
 * slowing the generator down (coordinated omission).
 */
async function run(input: OpenLoopInput): Promise<OpenLoopResult> {
  const agent = new http.Agent({
    keepAlive: true,
    maxSockets: 2048,
    ...(input.localAddress && { localAddress: input.localAddress }),
  });
  const url = new URL(input.getPath ?? '/v1/incidents', input.url);
  const okStatus = input.getPath ? 200 : 201;
  const total = Math.round(input.rate * input.durationSec);
  const latencies: number[] = [];
  const seqTimes: [number, number][] = [];
  let ok = 0;
  let finished = 0;
  let lastOk = 0;
  const start = nowMs() + 20;

  const send = (i: number) => {
    const due = start + (i * 1000) / input.rate;
    const body = input.getPath ? undefined : incidentBody(input.firstIndex + i, input.category);
    const req = http.request(
      url,
      {
        method: body === undefined ? 'GET' : 'POST',
        agent,
        timeout: 10_000,
        headers:
          body === undefined
            ? input.headers
            : {
                ...input.headers,
                'content-type': 'application/json',
                'content-length': Buffer.byteLength(body),
              },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const end = nowMs();
          finished++;
          if (res.statusCode === okStatus) {
            ok++;
            lastOk = end;
            latencies.push(end - due);
            if (input.collectSeq) {
              const seq = (JSON.parse(Buffer.concat(chunks).toString()) as { incident: { seq: number } })
                .incident.seq;
              seqTimes.push([seq, end]);
            }
          }
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => {
      finished++;
    });
    req.end(body);
  };

  let next = 0;
  while (next < total) {
    const now = nowMs();
    while (next < total && start + (next * 1000) / input.rate <= now) send(next++);
    await sleep(1);
  }
  const sentAt = nowMs();
  // Bounded wait for the last answers (each request times out after 10 s anyway).
  const maxWaitMs = (input.maxWaitSec ?? 15) * 1000;
  while (finished < total && nowMs() - sentAt < maxWaitMs) await sleep(10);
  agent.destroy();
  return {
    latency: summarize(latencies),
    sent: total,
    ok,
    failed: total - ok,
    // Answered per second from the first request due to the last answer.
    achievedPerSec: ok ? ok / ((Math.max(lastOk, sentAt) - start) / 1000) : 0,
    seqTimes,
  };
}

serveWorker({ run });
