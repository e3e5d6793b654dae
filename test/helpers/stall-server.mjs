// A node:http server for the open-model proof (test/load/open.test.ts), run in its own process (fork)
// so the load generator never shares its event loop. Once a second it stalls for STALL_MS: a request
// arriving in the first STALL_MS of a second (counted from the server's start) waits until the window
// ends. It records its own time per request, arrival to answer, in µs: the truth a generator must see.
// IPC: sends { port } when listening; answers { type: 'report' } with { p99Us, count } and { type: 'reset' }
// with { reset: true } (the recorded times cleared).
import { createServer } from 'node:http';

const STALL_MS = Number(process.env.STALL_MS ?? 200);
const PERIOD_MS = 1000;
const t0 = performance.now();
/** @type {number[]} */
let timesUs = [];

const server = createServer((req, res) => {
  const arrived = performance.now();
  req.resume();
  req.on('end', () => {
    const phase = (performance.now() - t0) % PERIOD_MS;
    const answer = () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
      timesUs.push((performance.now() - arrived) * 1000);
    };
    if (phase < STALL_MS) setTimeout(answer, STALL_MS - phase);
    else answer();
  });
});
server.keepAliveTimeout = 10_000;

/**
 * @param {number[]} values
 * @param {number} p percent
 */
function percentile(values, p) {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

process.on('message', (/** @type {{ type?: string } | null} */ m) => {
  if (m?.type === 'report') process.send?.({ p99Us: percentile(timesUs, 99), count: timesUs.length });
  if (m?.type === 'reset') {
    timesUs = [];
    process.send?.({ reset: true });
  }
});
// The parent gone, nothing to serve.
process.on('disconnect', () => process.exit(0));

server.listen(0, '127.0.0.1', () => process.send?.({ port: /** @type {import('node:net').AddressInfo} */ (server.address()).port }));
