/**
 * The open model's reason to exist: against a server that stalls 200 ms once a second, the open model's
 * p99 (from the intended instant) matches what the server itself measured, while a naive closed loop
 * (a few connections, each sending when its previous answer came, latency from the actual send) sends
 * almost nothing during the stalls and reports a p99 far below the truth (coordinated omission).
 * The server runs in its own process: the generator must not share its event loop. Bounds are generous:
 * the point is the qualitative gap.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOpen } from '../../src/load/open.js';
import { getRequest } from './wire.js';

const STALL_SERVER = fileURLToPath(new URL('../helpers/stall-server.mjs', import.meta.url));

interface Report {
  readonly p99Us: number;
  readonly count: number;
}

let child: ChildProcess;
let origin: string;

/** Sends `message` to the stall server and waits for its first answer carrying `key`. */
function ask<T>(message: object, key: string): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (m: Record<string, unknown>) => {
      if (key in m) {
        child.off('message', onMessage);
        resolve(m as T);
      }
    };
    child.on('message', onMessage);
    child.send(message);
  });
}

beforeAll(async () => {
  // execArgv empty: plain node, no test loader in the server's process.
  child = fork(STALL_SERVER, [], {
    execArgv: [],
    env: { ...process.env, STALL_MS: '200' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const { port } = await new Promise<{ port: number }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { port: number }));
    child.once('error', reject);
  });
  origin = `http://127.0.0.1:${port}`;
});

afterAll(() => {
  child.kill();
});

/** p-th percentile of `values` (nearest rank). */
function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

/** The naive closed loop: `connections` loops, each sending its next request when its previous answer came. */
async function closedLoop(durationMs: number, connections: number): Promise<number[]> {
  const pool = new Pool(origin, { connections, pipelining: 1 });
  const latenciesUs: number[] = [];
  const endMs = performance.now() + durationMs;
  const loop = async () => {
    while (performance.now() < endMs) {
      const sentMs = performance.now();
      const res = await pool.request({ path: '/', method: 'GET' });
      await res.body.text();
      latenciesUs.push((performance.now() - sentMs) * 1000);
    }
  };
  await Promise.all(Array.from({ length: connections }, loop));
  await pool.destroy();
  return latenciesUs;
}

describe('the open model against a server that stalls 200 ms a second', () => {
  it('sees the stall the server measured; a closed loop does not', async () => {
    await ask({ type: 'reset' }, 'reset');
    const open = await runOpen({
      ratePerS: 300,
      durationS: 3,
      // Enough for the ~60 requests that arrive during one stall: none may be refused by the cap.
      connections: 128,
      request: () => getRequest(origin),
      timeoutMs: 5000,
      maxBodyBytes: 1024,
    });
    const truth = await ask<Report>({ type: 'report' }, 'p99Us');

    expect(open.notSent).toBe(0);
    expect(open.answered).toBe(900);
    expect(truth.count).toBe(900);
    // The stall is real: a p99 well above 100 ms on the server's own clock.
    expect(truth.p99Us).toBeGreaterThan(100_000);
    // The open model's p99 from the intended instant: the truth within 10 % (or 10 ms).
    expect(Math.abs(open.latencyUs.p99Us - truth.p99Us)).toBeLessThanOrEqual(Math.max(0.1 * truth.p99Us, 10_000));

    const closed = await closedLoop(2000, 4);
    // Each of the 4 connections waits out a stall once per second: a handful of slow samples among thousands.
    expect(percentile(closed, 99)).toBeLessThan(0.6 * truth.p99Us);
  });
});
