// A Node app using the BUILT SDK as an app would: report an incident with a GPS fix, then
// follow it until its status changes. Prints one JSON object per line (read by
// test/node-consumer.test.ts). Node 20 needs `--experimental-websocket` for the live stream;
// without it the SDK polls, and this script works the same.
//
//   SIGAP_URL=http://127.0.0.1:3112 SIGAP_KEY=sgp_... node --experimental-websocket test/consumers/node-submit-track.mjs
import { createClient } from '../../packages/sdk/dist/index.js';

const print = (line) => console.log(JSON.stringify(line));
const sigap = createClient({ baseUrl: process.env.SIGAP_URL, apiKey: process.env.SIGAP_KEY });
const giveUp = setTimeout(() => {
  print({ step: 'timeout' });
  process.exit(1);
}, 30_000);

const fix = { lon: 112.7205, lat: -7.4478, accuracyM: 8 }; // as a phone's geolocation would give it
const result = await sigap.incidents.submit({
  category: 'fire',
  description: 'Asap dari gudang, belum ada api terlihat',
  location: { point: { lon: fix.lon, lat: fix.lat }, accuracyM: fix.accuracyM, source: 'device_gps' },
  reporter: { name: 'Node consumer', phone: '081234567890' },
});
if (result.queued) {
  print({ step: 'queued', key: result.idempotencyKey });
  process.exit(2);
}
const { incident } = result;
print({
  step: 'submitted',
  id: incident.id,
  number: incident.number,
  status: incident.status,
  hasWebSocket: typeof WebSocket === 'function',
});

const tracker = await sigap.incidents.track(
  incident.id,
  (current, message) => {
    print({ step: 'update', status: current.status, type: message?.type ?? null });
    if (current.status !== incident.status) {
      tracker.close(); // nothing else keeps the process alive: it exits by itself
      clearTimeout(giveUp);
      print({ step: 'done', status: current.status });
    }
  },
  {
    pollIntervalMs: Number(process.env.SIGAP_POLL_MS ?? 5_000),
    onStatus: (status) => print({ step: 'connection', status }),
    onError: (error) => print({ step: 'error', code: error.code }),
  },
);
