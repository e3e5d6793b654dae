/**
 * The open model's phases: a ramp's and a burst's instants (exact, as pure data, then against a local
 * server), phases chained on shared connections, and the counters a progress line reads mid-run.
 * Timing bounds are qualitative: the machine is shared.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { OpenPools, openInstants, runOpen, startOpen } from '../../src/load/open.js';
import { startHttpServer } from '../helpers/http-server.js';
import { getRequest } from './wire.js';

/** The number of instants of `offsets` falling in each `sliceMs` slice from 0. */
function perSlice(offsetsMs: readonly number[], sliceMs: number, slices: number): number[] {
  const counts = new Array<number>(slices).fill(0);
  for (const t of offsetsMs) {
    const k = Math.floor(t / sliceMs);
    if (k < slices) counts[k] = (counts[k] ?? 0) + 1;
  }
  return counts;
}

describe('openInstants', () => {
  it('a constant rate: instant i at i / rate, as many as fall before the end', () => {
    const plan = openInstants({ shape: 'constant', ratePerS: 100 }, { durationS: 0.3 });
    expect(plan).toMatchObject({ count: 30, endsBy: 'duration' });
    expect([0, 1, 29].map(plan.offsetMs)).toEqual([0, 10, 290]);
    expect(openInstants({ shape: 'constant', ratePerS: 100 }, { durationS: 0.3, count: 7 })).toMatchObject({ count: 7, endsBy: 'count' });
  });

  it('a ramp up from 0: instant i where the integral of the rate reaches i, the count per slice following the rate', () => {
    // 0 → 400/s over 1 s: N(t) = 200·t², 200 instants in all.
    const plan = openInstants({ shape: 'ramp', fromPerS: 0, toPerS: 400 }, { durationS: 1 });
    expect(plan).toMatchObject({ count: 200, endsBy: 'duration' });
    expect(plan.offsetMs(0)).toBe(0);
    expect(plan.offsetMs(50)).toBeCloseTo(500, 9);
    expect(plan.offsetMs(199)).toBeLessThan(1000);
    const offsets = Array.from({ length: plan.count }, (_, i) => plan.offsetMs(i));
    // N at 0.25, 0.5, 0.75, 1 s: 12.5, 50, 112.5, 200.
    expect(perSlice(offsets, 250, 4)).toEqual([13, 37, 63, 87]);
  });

  it('a ramp down to 0, and a ramp with equal ends is the constant rate', () => {
    // 400 → 0/s over 1 s: N(t) = 400·t − 200·t².
    const down = openInstants({ shape: 'ramp', fromPerS: 400, toPerS: 0 }, { durationS: 1 });
    expect(down.count).toBe(200);
    expect(down.offsetMs(150)).toBeCloseTo(500, 9);
    const offsets = Array.from({ length: down.count }, (_, i) => down.offsetMs(i));
    expect(perSlice(offsets, 250, 4)).toEqual([88, 62, 38, 12]);
    for (let i = 1; i < offsets.length; i++) expect(offsets[i]).toBeGreaterThan(offsets[i - 1] ?? 0);

    const flat = openInstants({ shape: 'ramp', fromPerS: 100, toPerS: 100 }, { durationS: 0.5 });
    const constant = openInstants({ shape: 'constant', ratePerS: 100 }, { durationS: 0.5 });
    expect(flat.count).toBe(constant.count);
    for (const i of [0, 1, 17, 49]) expect(flat.offsetMs(i)).toBeCloseTo(constant.offsetMs(i), 9);
  });

  it('a burst: every instant at the start, as many as its count', () => {
    const plan = openInstants({ shape: 'burst' }, { count: 500 });
    expect(plan).toMatchObject({ count: 500, endsBy: 'count' });
    expect([0, 1, 499].map(plan.offsetMs)).toEqual([0, 0, 0]);
  });

  it('refuses plans that are not one', () => {
    expect(() => openInstants({ shape: 'ramp', fromPerS: 0, toPerS: 0 }, { durationS: 1 })).toThrow(/not both 0/);
    expect(() => openInstants({ shape: 'ramp', fromPerS: 1, toPerS: 10 }, { count: 5 })).toThrow(/ramp needs durationS/);
    expect(() => openInstants({ shape: 'ramp', fromPerS: -1, toPerS: 10 }, { durationS: 1 })).toThrow(/>= 0/);
    expect(() => openInstants({ shape: 'burst' }, { durationS: 1 })).toThrow(/burst needs count/);
    expect(() => openInstants({ shape: 'constant', ratePerS: 0 }, { count: 1 })).toThrow(/ratePerS must be > 0/);
    expect(() => openInstants({ shape: 'burst' }, { count: 2.5 })).toThrow(/integer/);
  });
});

describe('runOpen phases against a local server', () => {
  it('a ramp: the sends per slice of time rise with the rate, none before its instant', async () => {
    // When the server read each request, on this process's clock: at or after its send, never before.
    // (Not when it was built: the open model builds the next request a little ahead of its instant.)
    const t0 = performance.now() + 20;
    const receivedMs: number[] = [];
    const server = await startHttpServer((_req, res) => {
      receivedMs.push(performance.now() - t0);
      res.end('{}');
    });
    try {
      const result = await runOpen({
        schedule: { shape: 'ramp', fromPerS: 0, toPerS: 400 },
        durationS: 1,
        startAtMs: t0,
        // Far more than a fast server keeps in flight: a starved test process must not make this about the cap.
        connections: 256,
        request: () => getRequest(server.origin),
        timeoutMs: 5000,
        maxBodyBytes: 64,
      });
      expect(result).toMatchObject({ instants: 200, stoppedBy: 'duration' });
      expect(result.sent + result.notSent).toBe(200);
      expect(receivedMs).toHaveLength(result.sent);
      // The plan by each quarter second is 13, 50, 113, 200 instants. None is sent early, so these are
      // ceilings whatever the machine does (a constant 200/s would put 50 in the first quarter).
      const sentBy = (ms: number) => receivedMs.filter((t) => t < ms).length;
      expect(sentBy(250)).toBeLessThanOrEqual(13);
      expect(sentBy(500)).toBeLessThanOrEqual(50);
      expect(sentBy(750)).toBeLessThanOrEqual(113);
      // Late timers only move sends later: qualitatively, most of the first half's are in it.
      expect(sentBy(700)).toBeGreaterThanOrEqual(40);
    } finally {
      await server.close();
    }
  });

  it('a burst with enough connections: all N at once, the target holding N at the same time', async () => {
    // Each answer waits until 40 requests are open at once (or 2 s): the burst must put them all in flight together.
    let open = 0;
    let maxOpen = 0;
    const waiting: ServerResponse[] = [];
    const server = await startHttpServer((_req: IncomingMessage, res: ServerResponse) => {
      open++;
      maxOpen = Math.max(maxOpen, open);
      res.on('close', () => open--);
      waiting.push(res);
      if (waiting.length >= 40) for (const r of waiting.splice(0)) r.end('{}');
      else setTimeout(() => res.end('{}'), 2000);
    });
    try {
      const result = await runOpen({
        schedule: { shape: 'burst' },
        count: 40,
        connections: 40,
        request: () => getRequest(server.origin),
        timeoutMs: 5000,
        maxBodyBytes: 64,
      });
      expect(result).toMatchObject({ instants: 40, sent: 40, notSent: 0, answered: 40, stoppedBy: 'count' });
      expect(maxOpen).toBe(40);
      // Released together: well before the 2 s fallback.
      expect(result.elapsedMs).toBeLessThan(1500);
      // Every send's lag is its place in the release: all recorded, none a timer's wait.
      expect(result.lagUs.count).toBe(40);
    } finally {
      await server.close();
    }
  });

  it('a burst beyond the connection cap: the instants finding every connection busy are counted, not sent', async () => {
    const server = await startHttpServer((_req, res) => {
      setTimeout(() => res.end('{}'), 200);
    });
    try {
      const notSent: number[] = [];
      const result = await runOpen({
        schedule: { shape: 'burst' },
        count: 50,
        connections: 20,
        request: () => getRequest(server.origin),
        onNotSent: (i) => notSent.push(i),
        timeoutMs: 5000,
        maxBodyBytes: 64,
      });
      expect(result).toMatchObject({ instants: 50, sent: 20, notSent: 30, answered: 20 });
      expect(notSent).toEqual(Array.from({ length: 30 }, (_, k) => 20 + k));
    } finally {
      await server.close();
    }
  });

  it('chains phases: the next starts at its planned instant while the previous still drains, on the same capped connections', async () => {
    // The first request of phase 1 answers after 600 ms; everything else at once. Phase 2's requests
    // go to /2: the first one the server reads says when phase 2 began sending.
    const t0 = performance.now() + 20;
    let phase2FirstMs = Number.NaN;
    const server = await startHttpServer((req, res) => {
      if (req.url === '/2' && Number.isNaN(phase2FirstMs)) phase2FirstMs = performance.now() - t0;
      setTimeout(() => res.end('{}'), req.url === '/slow' ? 600 : 0);
    });
    const pools = new OpenPools(32);
    try {
      const phase1 = startOpen({
        ratePerS: 100,
        durationS: 0.2,
        pools,
        startAtMs: t0,
        request: (i) => getRequest(server.origin, i === 0 ? '/slow' : '/'),
        timeoutMs: 5000,
        maxBodyBytes: 64,
      });
      const phase2 = startOpen({
        ratePerS: 100,
        durationS: 0.2,
        pools,
        startAtMs: t0 + 200,
        request: () => getRequest(server.origin, '/2'),
        timeoutMs: 5000,
        maxBodyBytes: 64,
      });
      const [r1, r2] = await Promise.all([phase1.done, phase2.done]);
      expect(r1).toMatchObject({ sent: 20, answered: 20 });
      expect(r2).toMatchObject({ sent: 20, answered: 20 });
      // Phase 1 ended with its slow answer (~600 ms); phase 2 began on plan at 200 ms, not after it.
      expect(r1.elapsedMs).toBeGreaterThanOrEqual(550);
      expect(phase2FirstMs).toBeGreaterThanOrEqual(199);
      expect(phase2FirstMs).toBeLessThan(450);
      // The pools belong to the caller: still open, nothing in flight.
      expect(pools.inFlight).toBe(0);
    } finally {
      await pools.close();
      await server.close();
    }
  });

  it('shares the connection cap between phases that overlap', async () => {
    const server = await startHttpServer((_req, res) => {
      setTimeout(() => res.end('{}'), 400);
    });
    const pools = new OpenPools(1);
    try {
      const t0 = performance.now();
      const first = startOpen({
        schedule: { shape: 'burst' },
        count: 1,
        pools,
        startAtMs: t0,
        request: () => getRequest(server.origin),
        timeoutMs: 5000,
        maxBodyBytes: 64,
      });
      const second = startOpen({
        ratePerS: 100,
        count: 3,
        pools,
        startAtMs: t0 + 50,
        request: () => getRequest(server.origin),
        timeoutMs: 5000,
        maxBodyBytes: 64,
      });
      const [a, b] = await Promise.all([first.done, second.done]);
      expect(a).toMatchObject({ sent: 1, answered: 1 });
      expect(b).toMatchObject({ instants: 3, sent: 0, notSent: 3 });
    } finally {
      await pools.close();
      await server.close();
    }
  });

  it('progress(): the counters so far, mid-run, and the result’s at the end', async () => {
    const server = await startHttpServer((_req, res) => res.end('{}'));
    try {
      const run = startOpen({
        ratePerS: 100,
        durationS: 0.6,
        connections: 16,
        request: () => getRequest(server.origin),
        timeoutMs: 5000,
        maxBodyBytes: 64,
      });
      expect(run.progress()).toMatchObject({ planned: 60 });
      await new Promise((r) => setTimeout(r, 300));
      const mid = run.progress();
      expect(mid.instants).toBeGreaterThan(10);
      expect(mid.instants).toBeLessThan(55);
      expect(mid.elapsedMs).toBeGreaterThanOrEqual(250);
      expect(mid.sent + mid.notSent).toBe(mid.instants);
      const result = await run.done;
      expect(run.progress()).toMatchObject({
        planned: 60,
        instants: result.instants,
        sent: result.sent,
        answered: result.answered,
        late: result.late,
        inFlight: 0,
      });
    } finally {
      await server.close();
    }
  });

  it('takes ratePerS or a schedule, not both', async () => {
    await expect(
      runOpen({
        ratePerS: 10,
        schedule: { shape: 'burst' },
        count: 1,
        connections: 1,
        request: () => getRequest('http://127.0.0.1:9'),
        timeoutMs: 100,
        maxBodyBytes: 1,
      }),
    ).rejects.toThrow(/not both/);
    await expect(
      runOpen({ ratePerS: 10, count: 1, request: () => getRequest('http://127.0.0.1:9'), timeoutMs: 100, maxBodyBytes: 1 }),
    ).rejects.toThrow(/connections or pools/);
  });
});
