import WebSocket from 'ws';
import { nowMs, summarize } from '../lib/stats.js';
import { serveWorker } from '../lib/worker-child.js';

/**
 * Many WebSocket clients in one process, recording when each event message arrives. The work
 * per message is kept tiny (read `seq` from the raw bytes; no JSON parsing, no UTF-8 check) so
 * that with 1,000 clients at 100 events/s this process is not what limits the measurement.
 */
const sockets: WebSocket[] = [];
/** seq → arrival times, one per client that got it. */
const receipts = new Map<number, number[]>();
const closeCodes = new Map<number, number>();
let sample: string | null = null;

const EVENT_PREFIX = Buffer.from('{"seq":');

function seqOf(data: Buffer): number {
  // Event messages start with {"seq":N (keepalives start with {"type":...} and are skipped).
  if (data.length < 8 || data.compare(EVENT_PREFIX, 0, EVENT_PREFIX.length, 0, EVENT_PREFIX.length) !== 0)
    return -1;
  let n = 0;
  for (let i = EVENT_PREFIX.length; i < data.length; i++) {
    const c = data[i]!;
    if (c < 48 || c > 57) break;
    n = n * 10 + (c - 48);
  }
  return n;
}

function open(url: string, headers: Record<string, string>): Promise<boolean> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers, skipUTF8Validation: true, perMessageDeflate: false });
    const timer = setTimeout(() => {
      ws.terminate();
      resolve(false);
    }, 30_000);
    ws.on('open', () => {
      clearTimeout(timer);
      sockets.push(ws);
      resolve(true);
    });
    ws.on('message', (data: Buffer) => {
      const t = nowMs();
      const seq = seqOf(data);
      if (seq < 0) return;
      if (sample === null) sample = data.toString();
      const list = receipts.get(seq);
      if (list) list.push(t);
      else receipts.set(seq, [t]);
    });
    ws.on('close', (code) => {
      closeCodes.set(code, (closeCodes.get(code) ?? 0) + 1);
      clearTimeout(timer);
      resolve(false);
    });
    ws.on('error', () => {});
  });
}

serveWorker({
  /** Opens `count` connections, 50 handshakes at a time (as wall-boards reconnecting after a restart). */
  connect: async ({
    url,
    headers,
    count,
  }: {
    url: string;
    headers: Record<string, string>;
    count: number;
  }) => {
    let opened = 0;
    for (let i = 0; i < count; i += 50) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(50, count - i) }, () => open(url, headers)),
      );
      opened += batch.filter(Boolean).length;
    }
    return { opened, failed: count - opened };
  },
  /** How many event messages have arrived so far (all clients). */
  received: () => {
    let n = 0;
    for (const list of receipts.values()) n += list.length;
    return n;
  },
  /** Latency of each (client, event) pair against the time the event was committed or sent. */
  collect: ({ sendTimes, clients }: { sendTimes: [number, number][]; clients: number }) => {
    const latencies: number[] = [];
    for (const [seq, sentAt] of sendTimes) {
      for (const t of receipts.get(seq) ?? []) latencies.push(t - sentAt);
    }
    return {
      latency: summarize(latencies),
      delivered: latencies.length,
      expected: sendTimes.length * clients,
      closed: Object.fromEntries(closeCodes),
      sample,
    };
  },
  close: async () => {
    const closing = sockets.splice(0).map(
      (ws) =>
        new Promise<void>((resolve) => {
          if (ws.readyState === WebSocket.CLOSED) return resolve();
          ws.once('close', () => resolve());
          ws.close();
          setTimeout(() => {
            ws.terminate();
            resolve();
          }, 3000);
        }),
    );
    await Promise.all(closing);
    receipts.clear();
    closeCodes.clear();
  },
});
