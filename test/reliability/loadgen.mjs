// A load generator in its own process: `node loadgen.mjs <url> <key> <concurrency> <durationMs> <path>`.
// Keeps <concurrency> requests in flight for <durationMs> and prints the status counts as JSON.
import http from 'node:http';

const [url, key, concurrencyArg, durationArg, path = '/v1/incidents?limit=50'] = process.argv.slice(2);
const concurrency = Number(concurrencyArg);
const durationMs = Number(durationArg);
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const target = new URL(path, url);
const counts = {};
const latencies = {};
let total = 0;
const until = Date.now() + durationMs;

function one() {
  return new Promise((resolve) => {
    const started = Date.now();
    const req = http.request(
      target,
      { agent, headers: { authorization: `Bearer ${key}` }, timeout: 10_000 },
      (res) => {
        res.resume();
        res.on('end', () => {
          counts[res.statusCode] = (counts[res.statusCode] ?? 0) + 1;
          if (!latencies[res.statusCode]) latencies[res.statusCode] = [];
          latencies[res.statusCode].push(Date.now() - started);
          resolve();
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => {
      counts[e.message] = (counts[e.message] ?? 0) + 1;
      resolve();
    });
    req.end();
  });
}

async function worker() {
  while (Date.now() < until) {
    total++;
    await one();
  }
}

await Promise.all(Array.from({ length: concurrency }, worker));
const p = (a, q) =>
  a.length ? a.sort((x, y) => x - y)[Math.min(a.length - 1, Math.ceil(q * a.length) - 1)] : 0;
const latency = Object.fromEntries(
  Object.entries(latencies).map(([s, a]) => [s, { p50: p(a, 0.5), p99: p(a, 0.99) }]),
);
console.log(JSON.stringify({ total, counts, latency }));
agent.destroy();
