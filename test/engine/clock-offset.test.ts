import type { FastifyInstance } from 'fastify';
import type { ServerResponse } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { estimateClockOffset } from '../../src/core/clock-offset.js';
import { planChecks, runConformance } from '../../src/engine/conformance.js';
import { skewedTimestamp } from '../../src/protocols/jos/send.js';
import type { ClockEstimate, Target } from '../../src/engine/target.js';
import { targetFromUrl } from '../../src/engine/targets/config.js';
import { DEFAULT_CREDENTIALS } from '../../src/protocols/jos/credentials.js';
import { buildServer } from '../../src/reference/server.js';
import type { PlannedCheck } from '../../src/scenario/types.js';
import { closedPort, startHttpServer, type TestHttpServer } from '../helpers/http-server.js';

const SKEW_S = 360;

/** A server whose clock runs `shiftMs` ahead of ours (as its Date header says), or that sends no Date at all. */
function dateServer(shiftMs: number | 'none'): Promise<TestHttpServer> {
  return startHttpServer((_req, res: ServerResponse) => {
    if (shiftMs === 'none') res.sendDate = false;
    else res.setHeader('Date', new Date(Date.now() + shiftMs).toUTCString());
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
  });
}

describe('estimateClockOffset', () => {
  const servers: TestHttpServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it.each([90_000, -90_000])('reads a clock %i ms off ours from the Date header, within ±1.2 s and a small uncertainty', async (shift) => {
    const s = await dateServer(shift);
    servers.push(s);
    const est = await estimateClockOffset(s.origin);
    expect(est).toBeDefined();
    expect(Math.abs(est!.offsetMs - shift)).toBeLessThanOrEqual(1_200);
    // Samples spread over a second narrow the one-second resolution of Date down to about the spacing.
    expect(est!.uncertaintyMs).toBeGreaterThanOrEqual(0);
    expect(est!.uncertaintyMs).toBeLessThan(600);
    // The true offset lies inside the stated interval.
    expect(Math.abs(est!.offsetMs - shift)).toBeLessThanOrEqual(est!.uncertaintyMs + 5);
    expect(est!.method).toMatch(/Date header, 7 samples/);
  });

  it('a single sample is honest about the one-second resolution of Date', async () => {
    const s = await dateServer(0);
    servers.push(s);
    const est = await estimateClockOffset(s.origin, { samples: 1 });
    expect(est).toBeDefined();
    expect(est!.uncertaintyMs).toBeGreaterThanOrEqual(500);
    expect(Math.abs(est!.offsetMs)).toBeLessThanOrEqual(est!.uncertaintyMs + 5);
  });

  it('a server without a Date header gives no estimate', async () => {
    const s = await dateServer('none');
    servers.push(s);
    expect(await estimateClockOffset(s.origin, { samples: 3, spacingMs: 10 })).toBeUndefined();
  });

  it('an unparsable Date header gives no estimate', async () => {
    const s = await startHttpServer((_req, res) => {
      res.setHeader('Date', 'yesterday-ish');
      res.end('ok');
    });
    servers.push(s);
    expect(await estimateClockOffset(s.origin, { samples: 2, spacingMs: 10 })).toBeUndefined();
  });

  it('an unreachable server gives no estimate, without throwing', async () => {
    const port = await closedPort();
    expect(await estimateClockOffset(`http://127.0.0.1:${port}/`, { samples: 2, spacingMs: 10, timeoutMs: 500 })).toBeUndefined();
  });
});

describe('skewedTimestamp', () => {
  // A target clock between whole seconds, so every rounding direction shows.
  const NOW = Date.UTC(2026, 10, 23, 2, 0, 0) + 400;
  const diffS = (ts: number) => (ts - NOW) / 1000;

  it.each([
    ['past', -(SKEW_S + 1)],
    ['future', SKEW_S + 1],
  ])('outside the window (%s): rounded away from the edge, at least |offset| off', (_w, offsetS) => {
    const ts = skewedTimestamp(NOW, offsetS, SKEW_S);
    expect(ts % 1000).toBe(0);
    expect(Math.abs(diffS(ts))).toBeGreaterThanOrEqual(SKEW_S + 1);
    expect(Math.abs(diffS(ts))).toBeLessThan(SKEW_S + 2);
    expect(Math.sign(diffS(ts))).toBe(Math.sign(offsetS));
  });

  it.each([
    ['past', -(SKEW_S - 1)],
    ['future', SKEW_S - 1],
  ])('inside the window (%s): rounded toward now, at most |offset| off', (_w, offsetS) => {
    const ts = skewedTimestamp(NOW, offsetS, SKEW_S);
    expect(ts % 1000).toBe(0);
    expect(Math.abs(diffS(ts))).toBeLessThanOrEqual(SKEW_S - 1);
    expect(Math.abs(diffS(ts))).toBeGreaterThan(SKEW_S - 2);
    expect(Math.sign(diffS(ts))).toBe(Math.sign(offsetS));
  });

  it('exact values: floor or ceil by side and sign', () => {
    const base = Date.UTC(2026, 10, 23, 2, 0, 0);
    expect(skewedTimestamp(NOW, -361, SKEW_S)).toBe(base - 361_000);
    expect(skewedTimestamp(NOW, 361, SKEW_S)).toBe(base + 362_000);
    expect(skewedTimestamp(NOW, -359, SKEW_S)).toBe(base - 358_000);
    expect(skewedTimestamp(NOW, 359, SKEW_S)).toBe(base + 359_000);
  });

  it('a target clock on a whole second is left exact', () => {
    const whole = Date.UTC(2026, 10, 23, 2, 0, 0);
    for (const off of [-361, -359, 359, 361]) expect(skewedTimestamp(whole, off, SKEW_S)).toBe(whole + off * 1000);
  });

  it('no offset rounds to the nearest second', () => {
    const whole = Date.UTC(2026, 10, 23, 2, 0, 0);
    expect(skewedTimestamp(whole + 400, 0, SKEW_S)).toBe(whole);
    expect(skewedTimestamp(whole + 600, 0, SKEW_S)).toBe(whole + 1000);
  });

  it('exactly at the window is treated as inside (rounded toward now)', () => {
    expect(Math.abs(diffS(skewedTimestamp(NOW, -SKEW_S, SKEW_S)))).toBeLessThanOrEqual(SKEW_S);
    expect(Math.abs(diffS(skewedTimestamp(NOW, SKEW_S, SKEW_S)))).toBeLessThanOrEqual(SKEW_S);
  });
});

describe('skew verdicts depend on how well the target clock is known', () => {
  const skewChecks = planChecks({ rules: ['JOS-03'] });
  const byId = (id: string): PlannedCheck => {
    const c = skewChecks.find((x) => x.id === id);
    if (!c) throw new Error(`no planned check ${id}`);
    return c;
  };
  const outside = [byId('gen-jos-skew-past-outside'), byId('gen-jos-skew-future-outside')];
  const inside = [byId('gen-jos-skew-past-inside'), byId('gen-jos-skew-future-inside')];

  // The reference with a 7-minute window: it accepts 6 min 1 s, which a well-known clock shows as a failure.
  let reference: FastifyInstance;
  let url: string;
  beforeAll(async () => {
    reference = buildServer({ fault: 'skew-7-minutes' });
    url = `${await reference.listen({ port: 0, host: '127.0.0.1' })}/routerjson`;
  });
  afterAll(async () => {
    await reference.close();
  });

  const targetWith = (clock: ClockEstimate): Target => ({ ...targetFromUrl(url, DEFAULT_CREDENTIALS), clock });

  it('an uncertain clock (±5 s) makes the outside cases inconclusive, not failed', async () => {
    const report = await runConformance({
      target: targetWith({ offsetMs: 0, uncertaintyMs: 5_000, method: 'test' }),
      checks: [...outside, ...inside],
      timeoutMs: 2_000,
    });
    const status = Object.fromEntries(report.results.map((r) => [r.id, r.status]));
    expect(status).toEqual({
      'gen-jos-skew-past-outside': 'inconclusive',
      'gen-jos-skew-future-outside': 'inconclusive',
      'gen-jos-skew-past-inside': 'passed',
      'gen-jos-skew-future-inside': 'passed',
    });
    const past = report.results[0]!;
    expect(past.message).toContain('expected error 8, got success');
    expect(past.message).toContain('±5000 ms');
    expect(past.message).toContain('[inconclusive in each of 3 attempts]');
    // Inconclusive does not fail the run.
    expect(report.verdict).toBe('pass');
  });

  it('a known clock (±0) makes the same cases failed', async () => {
    const report = await runConformance({
      target: targetWith({ offsetMs: 0, uncertaintyMs: 0, method: 'test' }),
      checks: outside,
      timeoutMs: 2_000,
    });
    expect(report.results.map((r) => r.status)).toEqual(['failed', 'failed']);
    expect(report.results[0]!.message).toContain('expected error 8, got success');
    expect(report.verdict).toBe('fail');
  });

  it('the clean reference refuses the outside cases even with an uncertain clock: a refusal is conclusive', async () => {
    const clean = buildServer({});
    try {
      const cleanUrl = `${await clean.listen({ port: 0, host: '127.0.0.1' })}/routerjson`;
      const report = await runConformance({
        target: { ...targetFromUrl(cleanUrl, DEFAULT_CREDENTIALS), clock: { offsetMs: 0, uncertaintyMs: 5_000, method: 'test' } },
        checks: outside,
        timeoutMs: 2_000,
      });
      expect(report.results.map((r) => r.status)).toEqual(['passed', 'passed']);
    } finally {
      await clean.close();
    }
  });

  it('a target clock 90 s ahead is estimated from Date and used: skewed timestamps are relative to the target', async () => {
    // The clean reference, its real clock 90 s ahead of ours, behind a proxy stamping Date 90 s ahead.
    // Were the offset ignored, −5:59 would arrive 7:29 off (refused) and +6:01 only 4:31 off (accepted).
    const ahead = buildServer({ now: () => Date.now() + 90_000 });
    const aheadUrl = `${await ahead.listen({ port: 0, host: '127.0.0.1' })}/routerjson`;
    const proxy = await startHttpServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void fetch(`${aheadUrl}${(req.url ?? '').replace(/^\/routerjson/, '')}`, {
          method: req.method,
          headers: { 'content-type': req.headers['content-type'] ?? 'text/plain' },
          ...(req.method === 'POST' ? { body: Buffer.concat(chunks) } : {}),
        })
          .then(async (r) => {
            const text = await r.text();
            res.setHeader('Date', new Date(Date.now() + 90_000).toUTCString());
            res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? '' });
            res.end(text);
          })
          .catch(() => res.destroy());
      });
    });
    try {
      const report = await runConformance({
        target: targetFromUrl(`${proxy.origin}/routerjson`, DEFAULT_CREDENTIALS),
        checks: [...outside, ...inside],
        timeoutMs: 2_000,
      });
      expect(report.results.map((r) => [r.id, r.status, r.message])).toEqual([...outside, ...inside].map((c) => [c.id, 'passed', '']));
    } finally {
      await proxy.close();
      await ahead.close();
    }
  });

  it('a remote target without a Date header is assumed in step within ±5 s: the outside cases are inconclusive', async () => {
    const noDate = buildServer({ fault: 'skew-7-minutes' });
    // Before the route runs: the reference answers a claim synchronously, within the request event.
    noDate.addHook('onRequest', (_req, reply, done) => {
      reply.raw.sendDate = false;
      done();
    });
    const base = await noDate.listen({ port: 0, host: '127.0.0.1' });
    try {
      const report = await runConformance({
        target: targetFromUrl(`${base}/routerjson`, DEFAULT_CREDENTIALS),
        checks: outside,
        timeoutMs: 2_000,
      });
      expect(report.results.map((r) => r.status)).toEqual(['inconclusive', 'inconclusive']);
      expect(report.results[0]!.message).toContain('±5000 ms');
    } finally {
      await noDate.close();
    }
  });
});
