/**
 * The open model's reason to exist: against a server that stalls 200 ms once a second, the open model's
 * p99 (from the intended instant) matches what the server itself measured, while the closed model
 * (runClosed on autocannon: a few connections, each sending when its previous answer came, latency from
 * the actual send) sends almost nothing during the stalls and reports a p99 far below the truth
 * (coordinated omission). The server runs in its own process: the generator must not share its event
 * loop. Bounds are generous: the point is the qualitative gap.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runClosed } from '../../src/load/closed.js';
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

/** Open runs tried at most: one whose generator was saturated proves nothing about the model. */
const ATTEMPTS = 3;
/**
 * A run with more late sends than this share was limited by its own generator (a loaded machine: other
 * processes took the cores), not measured. `load` calls a run invalid past 1 %; this test, which needs
 * only the stall's tail, past 10 % (on a busy 2-core machine, runs with 3–9 % late sends still met the truth).
 */
const MAX_LATE_SHARE = 0.1;

/** One open run of the proof: 300 arrivals per second. */
function openRun(durationS: number) {
  return runOpen({
    ratePerS: 300,
    durationS,
    // Enough for the ~60 requests that arrive during one stall: none may be refused by the cap.
    connections: 128,
    request: () => getRequest(origin),
    timeoutMs: 5000,
    maxBodyBytes: 1024,
  });
}

describe('the open model against a server that stalls 200 ms a second', () => {
  it('sees the stall the server measured; the closed model does not', async () => {
    // A warm-up, as a load profile has: the JIT and the first connections are not what is measured.
    await openRun(0.5);
    let measured: { open: Awaited<ReturnType<typeof openRun>>; truth: Report } | undefined;
    const lateShares: number[] = [];
    for (let attempt = 0; attempt < ATTEMPTS && !measured; attempt++) {
      await ask({ type: 'reset' }, 'reset');
      const open = await openRun(3);
      const truth = await ask<Report>({ type: 'report' }, 'p99Us');
      lateShares.push(open.late / Math.max(1, open.sent));
      if (open.late <= MAX_LATE_SHARE * open.sent) measured = { open, truth };
    }
    if (!measured) throw new Error(`the generator was saturated in every attempt (late shares ${lateShares.join(', ')})`);
    const { open, truth } = measured;

    expect(open.notSent).toBe(0);
    expect(open.answered).toBe(900);
    expect(truth.count).toBe(900);
    // The stall is real: a p99 well above 100 ms on the server's own clock.
    expect(truth.p99Us).toBeGreaterThan(100_000);
    // The open model's p99 from the intended instant: the truth within 10 % (or 10 ms).
    expect(
      Math.abs(open.latencyUs.p99Us - truth.p99Us),
      `open p99 ${open.latencyUs.p99Us} µs, server ${truth.p99Us} µs, late shares ${lateShares.join(', ')}`,
    ).toBeLessThanOrEqual(Math.max(0.1 * truth.p99Us, 10_000));

    // No rate ceiling: autocannon's per-second bursts could land in the stall and make the slow share a matter of luck.
    const closed = await runClosed({
      origin,
      connections: 4,
      durationS: 2,
      request: () => getRequest(origin),
      timeoutMs: 5000,
      maxBodyBytes: 1024,
    });
    expect(closed.failed).toBe(0);
    // Each of the 4 connections waits out a stall once per second: a handful of slow samples among thousands.
    expect(closed.serviceUs.p99Us).toBeLessThan(0.6 * truth.p99Us);
  });
});
