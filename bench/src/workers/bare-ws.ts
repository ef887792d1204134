import WebSocket, { WebSocketServer } from 'ws';
import { nowMs, sleep } from '../lib/stats.js';
import { serveWorker } from '../lib/worker-child.js';

/**
 * The fan-out baseline: a bare `ws` server that sends every connected client the same messages
 * Sigap sends (a real message captured from Sigap, with its seq renumbered), at the same rate.
 * No database, no authentication, no per-client filtering: the floor for this machine.
 */
let wss: WebSocketServer | null = null;

serveWorker({
  start: () =>
    new Promise<number>((resolve) => {
      wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false }, () => {
        const address = wss!.address();
        resolve(typeof address === 'object' && address ? address.port : 0);
      });
    }),
  broadcast: async ({ rate, durationSec, sample }: { rate: number; durationSec: number; sample: string }) => {
    const rest = sample.replace(/^\{"seq":\d+,/, '');
    const total = Math.round(rate * durationSec);
    const sendTimes: [number, number][] = [];
    const start = nowMs() + 20;
    let next = 0;
    while (next < total) {
      while (next < total && start + (next * 1000) / rate <= nowMs()) {
        const seq = ++next;
        const message = `{"seq":${seq},${rest}`;
        const t = nowMs();
        for (const client of wss!.clients) if (client.readyState === WebSocket.OPEN) client.send(message);
        sendTimes.push([seq, t]);
      }
      await sleep(1);
    }
    return { sendTimes, achievedPerSec: total / ((nowMs() - start) / 1000) };
  },
});
